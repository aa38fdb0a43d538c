import VMSA

/// The scalars a walk of one half reads per address, copied out of
/// `RegimeHalf` into one small plain struct so that the walk core touches no
/// optionals, classes or nested structs per step. Every value here is taken
/// from `RegimeHalf` (and so from `Granule` and `DescriptorFormat`), never
/// recomputed; `classify` is the one place where a descriptor's role in a
/// walk is decided.
@usableFromInline
struct WalkParameters: Sendable {
    @usableFromInline var enabled = false
    @usableFromInline var selectMask: UInt64 = 0
    @usableFromInline var selectValue: UInt64 = 0
    @usableFromInline var fetchSelectMask: UInt64 = 0
    @usableFromInline var fetchSelectValue: UInt64 = 0
    @usableFromInline var rootAddress: UInt64 = 0
    @usableFromInline var rootEntries = 0
    @usableFromInline var rootIndexMask: UInt64 = 0
    @usableFromInline var startLevel = 0
    @usableFromInline var startShift = 0
    @usableFromInline var granule = Granule.k4
    // The granule's geometry, derived (one home: `Granule`).
    @inlinable var bitsPerLevel: Int { granule.bitsPerLevel }
    @inlinable var pageShift: Int { granule.pageShift }
    @inlinable var tableEntries: Int { granule.entriesPerTable }
    @inlinable var indexMask: UInt64 { UInt64(granule.entriesPerTable &- 1) }
    /// The geometry the walk core has a specialised copy for, if any, or
    /// the level-0 fault every walk of the half takes.
    @usableFromInline var shape = WalkShape.disabled
    @usableFromInline var outputLimit: UInt64 = 0
    /// The output-address layout (`DescriptorFormat.address(of:)`).
    @usableFromInline var format = WalkParameters.disabledFormat
    /// Bit `level + 1` set where blocks are legal.
    @usableFromInline var blockLevels: UInt8 = 0
    @usableFromInline var hpd = false
    @usableFromInline var e0pd = false
    @usableFromInline var baseAddressFault = false
    @usableFromInline var hardwareAccessFlag = false
    @usableFromInline var hardwareDirty = false
    @usableFromInline var ds = false
    @usableFromInline var walkShareability: UInt64 = 0
    /// The regime the walk belongs to: it decides what a leaf's attribute
    /// bits mean (one-level stage 1: AP[2] and one XN; stage 2: S2AP, XN[1:0]).
    @usableFromInline var kind = TranslationRegimeKind.el10

    init() {}

    init(_ h: RegimeHalf, kind: TranslationRegimeKind) {
        enabled = true
        self.kind = kind
        selectMask = h.selectMask
        selectValue = h.selectValue
        fetchSelectMask = h.fetchSelectMask
        fetchSelectValue = h.fetchSelectValue
        rootAddress = h.rootAddress
        rootEntries = h.rootEntries
        rootIndexMask = UInt64(h.rootEntries &- 1)
        startLevel = h.startLevel.rawValue
        startShift = h.shift(at: h.startLevel)
        granule = h.granule
        shape = h.baseAddressFault ? .baseAddressFault : WalkShape(granule: h.granule, ds: h.format.ds, startLevel: h.startLevel.rawValue)
        outputLimit = 1 &<< UInt64(h.outputBits)
        format = h.format
        blockLevels = h.blockLevels
        hpd = h.hierarchicalPermissionsDisabled
        e0pd = h.el0AccessFaults
        baseAddressFault = h.baseAddressFault
        hardwareAccessFlag = h.hardwareAccessFlag
        hardwareDirty = h.hardwareDirty
        ds = h.format.ds
        walkShareability = h.walkShareability.rawValue
    }

    /// The last level, where 0b11 is a page (`Level.isLast`), as a plain constant.
    @usableFromInline static var lastLevel: Int { 3 }

    /// The format of a disabled half, never read by a walk.
    static let disabledFormat = try! DescriptorFormat(granule: .k4)

    @inlinable @inline(__always)
    func address(of raw: UInt64) -> UInt64 { format.address(of: raw) }

    @inlinable @inline(__always)
    func isBlockLegal(level: Int) -> Bool { RegimeHalf.isBlockLegal(level, in: blockLevels) }

    @inlinable @inline(__always)
    func contiguousCount(level: Int) -> Int { granule.contiguousCount(at: Level(uncheckedRawValue: level)) ?? 0 }

    /// Entries of the table at `level` (the start level may have fewer).
    @inlinable @inline(__always)
    func entries(level: Int) -> Int { level == startLevel ? rootEntries : tableEntries }

    /// All bits of the output address field (both parts with LPA/LPA2).
    @inlinable var addressMask: UInt64 { format.addressMask }

    /// Whether `raw` is a table descriptor at `level`: 0b11 above the last
    /// level (the next table's address is yet to be checked).
    @inlinable @inline(__always)
    static func isTable(_ raw: UInt64, level: Int) -> Bool {
        level != lastLevel && raw & Descriptor.Bits.type.mask == Descriptor.TypeBits.tableOrPage
    }

    /// What descriptor `raw` is to the walk at `level`, whose entries map
    /// `entrySize` bytes (Arm ARM `AArch64.S1Walk` and
    /// `AArch64.DecodeDescriptorType`): bit 0 clear is invalid; 0b01 is a
    /// block where the granule has blocks at this level, reserved at level 3
    /// and illegal elsewhere (translation faults); 0b11 is a table above
    /// level 3 and a page at it. A next-table or output address at or beyond
    /// the output size is an address size fault at this level.
    @inlinable @inline(__always)
    func classify(_ raw: UInt64, level: Int, entrySize: UInt64) -> EntryRole {
        classify(raw, address: address(of: raw), level: level, entrySize: entrySize)
    }

    /// `classify` given the address field of `raw` as this format reads it
    /// (a walk specialised for its geometry reads it with constant masks).
    @inlinable @inline(__always)
    func classify(_ raw: UInt64, address: UInt64, level: Int, entrySize: UInt64) -> EntryRole {
        if Self.isTable(raw, level: level) {
            return address >= outputLimit ? .fault(.addressSize) : .table(address)
        }
        if raw & Descriptor.Bits.valid.mask == 0 { return .invalid }
        // Valid and not a table: a block above the last level, else 0b01 or a page at it.
        if level != Self.lastLevel {
            if !isBlockLegal(level: level) { return .fault(.translation) }
        } else if raw & Descriptor.Bits.tableOrPage.mask == 0 {
            return .fault(.translation)
        }
        let oa = address & ~(entrySize &- 1)
        return oa >= outputLimit ? .fault(.addressSize) : .leaf(oa)
    }
}

/// The geometries the walk core is compiled for with constant shifts,
/// index masks and address layout (those of the Linux kernel's
/// configurations): the 4K, 16K and 64K granules without DS, from the start
/// level of a 48-bit input or of the common smaller one. Everything else
/// takes the same core with the geometry read at run time. A half whose
/// every walk faults at level 0 has the fault as its shape, so that a walk
/// decides how to go on with one switch.
@usableFromInline
enum WalkShape: Sendable {
    /// Walks disabled (EPDx=1) or control fields reserved: translation fault.
    case disabled
    /// The table base beyond the output size: address size fault.
    case baseAddressFault
    /// 4K: level 0 (40 to 48 input bits) or level 1 (31 to 39 bits).
    case k4From0, k4From1
    /// 16K: level 0 (48 bits) or level 1 (37 to 47 bits).
    case k16From0, k16From1
    /// 64K: level 1 (43 to 48 bits) or level 2 (30 to 42 bits).
    case k64From1, k64From2
    case general

    init(granule: Granule, ds: Bool, startLevel: Int) {
        switch (granule, ds, startLevel) {
        case (.k4, false, 0): self = .k4From0
        case (.k4, false, 1): self = .k4From1
        case (.k16, false, 0): self = .k16From0
        case (.k16, false, 1): self = .k16From1
        case (.k64, false, 1): self = .k64From1
        case (.k64, false, 2): self = .k64From2
        default: self = .general
        }
    }
}

/// A descriptor's role in a walk (see `WalkParameters.classify`).
public enum EntryRole: Hashable, Sendable {
    /// An invalid descriptor (bit 0 clear): a translation fault where a walk reads it.
    case invalid
    /// A table descriptor and the next table's address.
    case table(UInt64)
    /// A leaf and its output address (aligned to the entry size).
    case leaf(UInt64)
    /// An entry that faults where a walk reads it: a reserved or illegal
    /// block (translation) or an address beyond the output size.
    case fault(FaultKind)
}
