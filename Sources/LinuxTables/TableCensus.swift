import VMSA
import VMSAJSON

/// TLB entries needed to cover what a process maps, three ways.
public struct TLBEntries: Hashable, Sendable {
    /// One per 4K page and per huge-page leaf.
    public var fourK = 0
    /// As `fourK`, but a foldable 64K run (contpte) counts once.
    public var fourKContiguous = 0
    /// With the native granule: one per expressible native page, contiguous
    /// runs (a 2M leaf, a 1G leaf at 16K) once, blocks one each; a page that
    /// cannot be expressed counts its 4K pages.
    public var native = 0

    /// Counts from their parts.
    public init(fourK: Int = 0, fourKContiguous: Int = 0, native: Int = 0) {
        self.fourK = fourK
        self.fourKContiguous = fourKContiguous
        self.native = native
    }

    /// `{"4k": n, "4k-contiguous": n, "native": n}`.
    public var json: JSONValue {
        .object(JSONObject([("4k", .int(fourK)), ("4k-contiguous", .int(fourKContiguous)), ("native", .int(native))]))
    }

    /// Adds `b`'s counts to `a`'s.
    public static func += (a: inout TLBEntries, b: TLBEntries) {
        a.fourK += b.fourK
        a.fourKContiguous += b.fourKContiguous
        a.native += b.native
    }
}

/// Counts over a process's tables: leaf entries, table bytes and TLB entries.
public struct TableCensus: Hashable, Sendable {
    /// Non-none leaf entries in the Linux table: `linuxEntries`.
    public var linuxEntries = 0
    /// Valid leaf entries in the native table: `nativeEntries`.
    public var nativeEntries = 0
    /// Bytes of Linux table pages: `linuxTableBytes`.
    public var linuxTableBytes: UInt64 = 0
    /// Bytes of native table pages: `nativeTableBytes`.
    public var nativeTableBytes: UInt64 = 0
    /// TLB entries to cover what is mapped: `tlbEntries`.
    public var tlb = TLBEntries()

    /// No tables: the start of a sum.
    public init() {}

    /// Adds `b`'s counts to `a`'s.
    public static func += (a: inout TableCensus, b: TableCensus) {
        a.linuxEntries += b.linuxEntries
        a.nativeEntries += b.nativeEntries
        a.linuxTableBytes += b.linuxTableBytes
        a.nativeTableBytes += b.nativeTableBytes
        a.tlb += b.tlb
    }

    /// Counts `p`'s tables as they are now (the native one rebuilt first if it was reclaimed).
    public init(_ p: ProcessTables) throws(LinuxTableError) {
        try p.ensureNative()
        linuxTableBytes = p.linux.tableBytes
        nativeTableBytes = p.mirror.tableBytes
        countLinux(p, p.linux.root, p.linux.startLevel)
        countNative(p.mirror, p.mirror.root, p.mirror.startLevel)
    }

    private mutating func countLinux(_ p: ProcessTables, _ t: TableHandle, _ level: Level) {
        let linux = p.linux
        let mirror = p.mirror
        if level.isLast {
            let w = linux.arena.words(of: t)
            for run in stride(from: 0, to: LinuxPageTable.entries, by: LinuxPageTable.contPTEs) {
                var valid = 0
                for k in 0..<LinuxPageTable.contPTEs where w[run + k] & 1 != 0 { valid += 1 }
                linuxEntries += valid
                tlb.fourK += valid
                tlb.fourKContiguous += linux.isFoldable(w, run) ? 1 : valid
            }
            for page in stride(from: 0, to: LinuxPageTable.entries, by: mirror.linuxPerPage) {
                let (word, defect) = mirror.expressPage(w + page)
                if defect != nil {
                    for k in 0..<mirror.linuxPerPage where w[page + k] & 1 != 0 { tlb.native += 1 }
                } else if word != 0 {
                    tlb.native += 1
                }
            }
            return
        }
        for i in 0..<LinuxPageTable.entries {
            let raw = linux.entry(t, i).rawValue
            if let c = linux.child(t, i) {
                countLinux(p, c, level.next)
            } else if raw & 1 != 0 {
                linuxEntries += 1
                tlb.fourK += 1
                tlb.fourKContiguous += 1
                let nativeLevel: Level = level.rawValue == 2 ? .three : .two
                let n = Int(LinuxPageTable.entrySize(at: level) / mirror.granule.entrySize(at: nativeLevel))
                tlb.native += mirror.granule.contiguousCount(at: nativeLevel) == n ? 1 : n
            }
        }
    }

    private mutating func countNative(_ m: NativeMirror, _ t: TableHandle, _ level: Level) {
        let count = 1 << m.granule.indexBits(at: level, inputBits: NativeMirror.inputBits)
        for i in 0..<count {
            let raw = m.arena[table: t, index: i]
            let kind = Descriptor(rawValue: raw).kind(at: level)
            if kind == .table, let c = m.arena.table(atPhysicalAddress: m.format.address(of: raw)) {
                countNative(m, c, level.next)
            } else if kind.isLeaf {
                nativeEntries += 1
            }
        }
    }
}
