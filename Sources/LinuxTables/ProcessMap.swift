/// One line of /proc/PID/maps: a VMA.
public struct ProcessMapping: Hashable, Sendable {
    /// vm_start: the first byte of the VMA.
    public var start: UInt64
    /// vm_end: one past the last byte.
    public var end: UInt64
    /// VM_READ, VM_WRITE, VM_EXEC and VM_SHARED from the `perms` field.
    public var flags: LinuxProtection.VMFlags
    /// The file offset of `start` (vm_pgoff in bytes).
    public var offset: UInt64
    /// The mapped file or pseudo-path (`[heap]`, `[stack]`); empty for an unnamed mapping.
    public var path: String
    /// The mapped file's size in bytes when known (stat of the file); the
    /// ABI adapter pads what lies past it. Nil for anonymous memory.
    public var fileSize: UInt64?

    /// Anonymous memory: no backing file (heap, stack and unnamed mappings).
    public var isAnonymous: Bool { path.isEmpty || path == "[heap]" || path.hasPrefix("[stack") || path.hasPrefix("[anon") }

    /// A special mapping the kernel provides ([vdso], [vvar], [vsyscall]): neither anonymous memory nor a file.
    public var isSpecial: Bool { !isAnonymous && path.hasPrefix("[") }

    /// Parses `start-end perms offset dev inode [path]`; nil for a malformed line.
    public init?(line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let s = UInt64(range[0], radix: 16), let e = UInt64(range[1], radix: 16), s < e,
              let off = UInt64(fields[2], radix: 16) else { return nil }
        guard let flags = Self.flags(perms: fields[1]) else { return nil }
        start = s
        end = e
        self.flags = flags
        offset = off
        path = fields.count == 6 ? String(fields[5].drop(while: { $0 == " " })) : ""
    }

    /// A VMA from its fields.
    public init(start: UInt64, end: UInt64, flags: LinuxProtection.VMFlags, offset: UInt64 = 0, path: String = "",
                fileSize: UInt64? = nil) {
        self.start = start
        self.end = end
        self.flags = flags
        self.offset = offset
        self.path = path
        self.fileSize = fileSize
    }

    /// The flags of a maps `perms` field (`rw-p`, `r-xs`); nil unless it is four such letters.
    public static func flags<S: StringProtocol>(perms: S) -> LinuxProtection.VMFlags? {
        let p = Array(perms)
        guard p.count == 4, "r-".contains(p[0]), "w-".contains(p[1]), "x-".contains(p[2]), "sp".contains(p[3]) else { return nil }
        var flags: LinuxProtection.VMFlags = []
        if p[0] == "r" { flags.insert(.read) }
        if p[1] == "w" { flags.insert(.write) }
        if p[2] == "x" { flags.insert(.exec) }
        if p[3] == "s" { flags.insert(.shared) }
        return flags
    }

    /// The maps `perms` field: `rw-p`, `r-xs`.
    public var perms: String {
        (flags.contains(.read) ? "r" : "-") + (flags.contains(.write) ? "w" : "-") + (flags.contains(.exec) ? "x" : "-")
            + (flags.contains(.shared) ? "s" : "p")
    }
}

/// One 64-bit entry of /proc/PID/pagemap (Documentation/admin-guide/mm/pagemap.rst).
public struct PagemapEntry: RawRepresentable, Hashable, Sendable {
    /// The 64-bit pagemap word.
    public var rawValue: UInt64
    /// The entry with word `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit 63: page present.
    public var isPresent: Bool { rawValue >> 63 & 1 != 0 }
    /// Bit 62: page swapped.
    public var isSwapped: Bool { rawValue >> 62 & 1 != 0 }
    /// Bit 61: file page or shared anonymous.
    public var isFileOrShared: Bool { rawValue >> 61 & 1 != 0 }
    /// Bit 56: exclusively mapped.
    public var isExclusive: Bool { rawValue >> 56 & 1 != 0 }
    /// Bits 0-54: the PFN of a present page (zero without CAP_SYS_ADMIN).
    public var pfn: UInt64 { rawValue & ((1 << 55) - 1) }
    /// Bits 0-4: swap type; bits 5-54: swap offset.
    public var swapType: Int { Int(rawValue & 0x1f) }
    /// Bits 5-54: swap offset of a swapped page.
    public var swapOffset: UInt64 { (rawValue >> 5) & ((1 << 50) - 1) }
}
