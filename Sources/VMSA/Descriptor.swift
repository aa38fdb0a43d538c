/// A VMSAv8-64 stage-1 translation table descriptor: a raw little-endian
/// word with typed projections. What it *is* (table, block, page, …) is a
/// function of the raw value and the level it sits at, never stored.
public struct Descriptor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit descriptor word as it sits in the table.
    public var rawValue: UInt64

    /// A descriptor holding `rawValue` unchanged.
    @inlinable @inline(__always)
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Every stage-1 field, with its Arm ARM name and position.
    public enum Bits {
        /// Descriptor type, [1:0]: 0bx0 invalid, 0b01 block, 0b11 table or page.
        @inlinable public static var type: BitField { BitField(1, 0) }
        /// Bit 0: the descriptor is valid.
        @inlinable public static var valid: BitField { BitField(bit: 0) }
        /// Bit 1 of a valid descriptor: table (or page at level 3) when set,
        /// block when clear (Linux PTE_TABLE_BIT / PTE_TYPE_PAGE).
        @inlinable public static var tableOrPage: BitField { BitField(bit: 1) }

        // Lower attributes of blocks and pages.
        /// AttrIndx[2:0], [4:2]: index into MAIR_EL1 (Linux PTE_ATTRINDX).
        @inlinable public static var attrIndx: BitField { BitField(4, 2) }
        /// NS, [5] (Linux PTE_NS).
        @inlinable public static var ns: BitField { BitField(bit: 5) }
        /// AP[2:1], [7:6]: AP[1] EL0 access (PTE_USER), AP[2] read-only (PTE_RDONLY).
        @inlinable public static var ap: BitField { BitField(7, 6) }
        /// SH[1:0], [9:8] (Linux PTE_SHARED). With TCR_EL1.DS=1 these bits are OA[51:50].
        @inlinable public static var sh: BitField { BitField(9, 8) }
        /// AF, [10]: Access flag (Linux PTE_AF).
        @inlinable public static var af: BitField { BitField(bit: 10) }
        /// nG, [11]: not global (Linux PTE_NG).
        @inlinable public static var nG: BitField { BitField(bit: 11) }
        /// nT, [16]: block translation entry hint (FEAT_BBM), blocks only.
        @inlinable public static var nT: BitField { BitField(bit: 16) }

        // Upper attributes of blocks and pages.
        /// GP, [50]: guarded page (FEAT_BTI, Linux PTE_GP).
        @inlinable public static var gp: BitField { BitField(bit: 50) }
        /// DBM, [51]: dirty bit modifier (Linux PTE_DBM, also PTE_WRITE).
        @inlinable public static var dbm: BitField { BitField(bit: 51) }
        /// Contiguous, [52] (Linux PTE_CONT).
        @inlinable public static var contiguous: BitField { BitField(bit: 52) }
        /// PXN, [53]: privileged execute-never (Linux PTE_PXN).
        @inlinable public static var pxn: BitField { BitField(bit: 53) }
        /// UXN/XN, [54]: unprivileged execute-never (Linux PTE_UXN).
        @inlinable public static var uxn: BitField { BitField(bit: 54) }
        /// Reserved for software use, [58:55] (Linux PTE_DIRTY, PTE_SPECIAL, …).
        @inlinable public static var software: BitField { BitField(58, 55) }
        /// PBHA[3:0], [62:59]: page-based hardware attributes.
        @inlinable public static var pbha: BitField { BitField(62, 59) }
        /// [63] of a block or page: IGNORED by stage 1.
        @inlinable public static var leafIgnored: BitField { BitField(bit: 63) }

        // Table descriptor attributes.
        /// PXNTable, [59] (Linux PMD_TABLE_PXN).
        @inlinable public static var pxnTable: BitField { BitField(bit: 59) }
        /// UXNTable/XNTable, [60] (Linux PMD_TABLE_UXN).
        @inlinable public static var uxnTable: BitField { BitField(bit: 60) }
        /// APTable[1:0], [62:61].
        @inlinable public static var apTable: BitField { BitField(62, 61) }
        /// NSTable, [63].
        @inlinable public static var nsTable: BitField { BitField(bit: 63) }
        /// [11:2] of a table descriptor: IGNORED (with DS=1, [9:8] hold NLTA[51:50]).
        @inlinable public static var tableIgnoredLow: BitField { BitField(11, 2) }
        /// [58:52] of a table descriptor: IGNORED.
        @inlinable public static var tableIgnoredHigh: BitField { BitField(58, 52) }

        /// OA[51:48] of the 64K granule with FEAT_LPA, held in [15:12].
        @inlinable public static var oaHigh64K: BitField { BitField(15, 12) }
        /// OA[51:50] of the 4K/16K granules with TCR_EL1.DS=1, held in [9:8].
        @inlinable public static var oaHighLPA2: BitField { BitField(9, 8) }
    }

    /// Descriptor type field values.
    public enum TypeBits {
        // Computed, not stored: a stored public static is a lazily
        // initialised global that other modules read through an accessor.
        /// Bits [1:0]=0b01: a block descriptor (reserved at level 3).
        @inlinable public static var block: UInt64 { 0b01 }
        /// Bits [1:0]=0b11: a table descriptor, or a page descriptor at level 3.
        @inlinable public static var tableOrPage: UInt64 { 0b11 }
    }

    /// The kind this word has at `level`: 0b11 is a table at L-1..L2 and a
    /// page at L3; 0b01 is a block above L3 (legal or not) and reserved at L3.
    @inlinable @inline(__always)
    public func kind(at level: Level) -> DescriptorKind {
        guard rawValue & 1 != 0 else { return .invalid }
        if rawValue & 0b10 != 0 { return level.isLast ? .page : .table }
        return level.isLast ? .reserved : .block
    }

    /// The value of `field` in the raw word; setting it replaces only those bits.
    @inlinable @inline(__always)
    public subscript(field: BitField) -> UInt64 {
        get { field.extract(rawValue) }
        set { rawValue = field.inserting(newValue, into: rawValue) }
    }

    /// Whether the one-bit `field` is set; setting it replaces only that bit.
    @inlinable @inline(__always)
    public subscript(flag field: BitField) -> Bool {
        get { field.isSet(rawValue) }
        set { rawValue = field.inserting(newValue ? 1 : 0, into: rawValue) }
    }

    /// The raw word in hexadecimal.
    public var description: String { Hex.format(rawValue) }
}

/// What a descriptor is at its level.
public enum DescriptorKind: String, CaseIterable, Hashable, Sendable {
    /// Bits [1:0] at the level: invalid 0bx0; table 0b11 at levels -1 to 2;
    /// block 0b01 above level 3 (legal at that level or not); page 0b11 at
    /// level 3; reserved 0b01 at level 3.
    case invalid, table, block, page, reserved

    /// Whether the descriptor maps an output address: a block or a page.
    @inlinable public var isLeaf: Bool { self == .block || self == .page }
}
