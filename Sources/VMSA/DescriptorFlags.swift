/// The single-bit attributes of a descriptor, each held at its own bit
/// position, so decode takes them with one AND and encode puts them back
/// with one OR (the Arm ARM positions come from `Descriptor.Bits`).
public struct DescriptorFlags: OptionSet, Hashable, Sendable {
    /// The flag bits, each at its descriptor position.
    public var rawValue: UInt64
    /// Flags from descriptor bits; bits outside the flags are kept as given.
    @inlinable @inline(__always) public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// NS, bit [5]: Non-secure output address (Linux PTE_NS).
    @inlinable public static var ns: Self { Self(rawValue: Descriptor.Bits.ns.mask) }
    /// AF, bit [10]: Access flag (Linux PTE_AF).
    @inlinable public static var af: Self { Self(rawValue: Descriptor.Bits.af.mask) }
    /// nG, bit [11]: not global, TLB entries tagged with the ASID (Linux PTE_NG).
    @inlinable public static var nG: Self { Self(rawValue: Descriptor.Bits.nG.mask) }
    /// nT, bit [16]: block translation entry hint (FEAT_BBM), blocks only.
    @inlinable public static var nT: Self { Self(rawValue: Descriptor.Bits.nT.mask) }
    /// GP, bit [50]: guarded page (FEAT_BTI, Linux PTE_GP).
    @inlinable public static var gp: Self { Self(rawValue: Descriptor.Bits.gp.mask) }
    /// DBM, bit [51]: dirty bit modifier (Linux PTE_DBM).
    @inlinable public static var dbm: Self { Self(rawValue: Descriptor.Bits.dbm.mask) }
    /// Contiguous, bit [52]: one of a run of aligned entries (Linux PTE_CONT).
    @inlinable public static var contiguous: Self { Self(rawValue: Descriptor.Bits.contiguous.mask) }
    /// PXN, bit [53]: privileged execute-never (Linux PTE_PXN).
    @inlinable public static var pxn: Self { Self(rawValue: Descriptor.Bits.pxn.mask) }
    /// UXN/XN, bit [54]: unprivileged execute-never (Linux PTE_UXN).
    @inlinable public static var uxn: Self { Self(rawValue: Descriptor.Bits.uxn.mask) }
    /// PXNTable, bit [59] of a table: PXN for every level below (Linux PMD_TABLE_PXN).
    @inlinable public static var pxnTable: Self { Self(rawValue: Descriptor.Bits.pxnTable.mask) }
    /// UXNTable/XNTable, bit [60] of a table (Linux PMD_TABLE_UXN).
    @inlinable public static var uxnTable: Self { Self(rawValue: Descriptor.Bits.uxnTable.mask) }
    /// NSTable, bit [63] of a table: Non-secure for every level below.
    @inlinable public static var nsTable: Self { Self(rawValue: Descriptor.Bits.nsTable.mask) }

    /// The flags of a block (nT included) or page (where bit 16 is address).
    // ORs of raw values, not array literals: a literal builds an array.
    @inlinable public static var leaf: Self {
        Self(rawValue: ns.rawValue | af.rawValue | nG.rawValue | gp.rawValue | dbm.rawValue | contiguous.rawValue
            | pxn.rawValue | uxn.rawValue)
    }
    /// The flags of a table descriptor.
    @inlinable public static var table: Self { Self(rawValue: pxnTable.rawValue | uxnTable.rawValue | nsTable.rawValue) }
}

extension DescriptorFlags {
    /// Inserts or removes `member` without a branch.
    @inlinable @inline(__always)
    public mutating func set(_ member: DescriptorFlags, _ on: Bool) {
        rawValue = (rawValue & ~member.rawValue) | (member.rawValue & (0 &- UInt64(unsafeBitCast(on, to: UInt8.self))))
    }
}
