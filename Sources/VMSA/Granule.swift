/// Translation granule. `rawValue` is the page shift; every size, index width
/// and field position of the granule is derived from it here and nowhere else.
public enum Granule: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// The 4KB, 16KB and 64KB granules (page shifts 12, 14, 16; Linux CONFIG_ARM64_{4K,16K,64K}_PAGES).
    case k4 = 12, k16 = 14, k64 = 16

    /// log2 of the page size.
    @inlinable public var pageShift: Int { rawValue }
    /// Page (and table) size in bytes: 4096, 16384 or 65536 (Linux PAGE_SIZE).
    @inlinable public var pageSize: UInt64 { 1 &<< UInt64(rawValue) }
    /// A table is one page of 8-byte descriptors: `pageShift - 3` index bits per level.
    @inlinable public var bitsPerLevel: Int { rawValue &- 3 }
    /// Descriptors per table: 512, 2048 or 8192 (Linux PTRS_PER_PTE).
    @inlinable public var entriesPerTable: Int { 1 &<< bitsPerLevel }

    /// Lowest input-address bit that indexes `level`.
    @inlinable @inline(__always)
    public func shift(at level: Level) -> Int { pageShift &+ (3 &- level.rawValue) &* bitsPerLevel }

    /// Bytes of input address one entry at `level` covers.
    @inlinable @inline(__always)
    public func entrySize(at level: Level) -> UInt64 { 1 &<< UInt64(shift(at: level)) }

    /// Levels that exist for this granule. Level -1 exists only for 4K with
    /// TCR_EL1.DS=1 (FEAT_LPA2, 52-bit input addresses).
    public func levels(ds: Bool) -> ClosedRange<Int> {
        switch self {
        case .k4: ds ? -1...3 : 0...3
        case .k16: 0...3
        case .k64: 1...3
        }
    }

    /// Largest input size this granule supports: 52 bits with FEAT_LPA2 (DS=1,
    /// 4K/16K) or FEAT_LVA (64K), otherwise 48.
    public func maxInputBits(ds: Bool, lva: Bool) -> Int {
        switch self {
        case .k4, .k16: ds ? 52 : 48
        case .k64: lva ? 52 : 48
        }
    }

    /// Smallest input size: TxSZ at most 39 without FEAT_TTST.
    public static let minInputBits = 25

    /// The initial lookup level for an input of `inputBits` (= 64 - TxSZ):
    /// the fewest levels whose index bits cover it above the page offset.
    public func startLevel(inputBits: Int) -> Level {
        let indexed = inputBits - pageShift
        let levelCount = (indexed + bitsPerLevel - 1) / bitsPerLevel
        return Level(uncheckedRawValue: 4 - levelCount)
    }

    /// Index bits at `level` for an input of `inputBits`: the start level
    /// takes what is left above the lower levels.
    public func indexBits(at level: Level, inputBits: Int) -> Int {
        level == startLevel(inputBits: inputBits) ? inputBits - shift(at: level) : bitsPerLevel
    }

    /// Bytes of the table at `level` (the start-level table can be smaller
    /// than a page, and its TTBR alignment follows its size).
    public func tableSize(at level: Level, inputBits: Int) -> UInt64 {
        (1 &<< UInt64(indexBits(at: level, inputBits: inputBits))) &* 8
    }

    /// The implemented physical address size vmsa models (PAMax): an
    /// implementation with FEAT_LPA and FEAT_LPA2, as QEMU's `-cpu max`.
    /// This is not TCR_EL1.IPS, the configured size.
    public static let implementedPABits = 52

    /// Levels at which a block descriptor is legal
    /// (Arm ARM `AArch64.BlockDescSupported`): 4K at L1/L2 (+L0 with DS),
    /// 16K at L2 (+L1 with DS), 64K at L2 (+L1 when PAMax, the
    /// *implemented* PA size, is 52 bits, whatever TCR_EL1.IPS says).
    public func isBlockLegal(at level: Level, ds: Bool, paMax: Int = Granule.implementedPABits) -> Bool {
        switch (self, level.rawValue) {
        case (_, 2): true
        case (.k4, 1): true
        case (.k4, 0): ds
        case (.k16, 1): ds
        case (.k64, 1): paMax == 52
        default: false
        }
    }

    /// Entries in one contiguous run at `level`, or nil where vmsa does not
    /// support the Contiguous bit. Page (L3) and L2 block runs follow the Arm
    /// ARM and Linux's CONT_PTES/CONT_PMDS; runs of larger blocks are not
    /// supported (not confirmed here against the Arm ARM), so they are refused.
    @inlinable public func contiguousCount(at level: Level) -> Int? {
        switch (self, level.rawValue) {
        case (.k4, 3), (.k4, 2): 16
        case (.k16, 3): 128
        case (.k16, 2): 32
        case (.k64, 3), (.k64, 2): 32
        default: nil
        }
    }

    /// TCR_EL1.TG0 encoding. Not the same as `tg1`.
    public var tg0: UInt64 {
        switch self { case .k4: 0b00; case .k64: 0b01; case .k16: 0b10 }
    }

    /// TCR_EL1.TG1 encoding. Not the same as `tg0`.
    public var tg1: UInt64 {
        switch self { case .k16: 0b01; case .k4: 0b10; case .k64: 0b11 }
    }

    /// Decodes TCR_EL1.TG0; nil for the reserved value 0b11.
    public init?(tg0: UInt64) {
        switch tg0 { case 0b00: self = .k4; case 0b01: self = .k64; case 0b10: self = .k16; default: return nil }
    }

    /// Decodes TCR_EL1.TG1; nil for the reserved value 0b00.
    public init?(tg1: UInt64) {
        switch tg1 { case 0b01: self = .k16; case 0b10: self = .k4; case 0b11: self = .k64; default: return nil }
    }

    /// Parses `4k`, `16k`, `64k` (any case, `K`/`KB` suffixes too).
    public init?(name: String) {
        var s = name.lowercased()
        if s.hasSuffix("b") { s.removeLast() }
        switch s { case "4k": self = .k4; case "16k": self = .k16; case "64k": self = .k64; default: return nil }
    }

    /// The CLI and JSON spelling: `4k`, `16k`, `64k`.
    public var name: String { switch self { case .k4: "4k"; case .k16: "16k"; case .k64: "64k" } }

    /// `4K`, `16K` or `64K`.
    public var description: String { switch self { case .k4: "4K"; case .k16: "16K"; case .k64: "64K" } }
}
