/// The single-bit attributes of a descriptor, each held at its own bit
/// position, so decode takes them with one AND and encode puts them back
/// with one OR (the Arm ARM positions come from `Descriptor.Bits`).
public struct DescriptorFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt64
    @inlinable @inline(__always) public init(rawValue: UInt64) { self.rawValue = rawValue }

    @inlinable public static var ns: Self { Self(rawValue: Descriptor.Bits.ns.mask) }
    @inlinable public static var af: Self { Self(rawValue: Descriptor.Bits.af.mask) }
    @inlinable public static var nG: Self { Self(rawValue: Descriptor.Bits.nG.mask) }
    @inlinable public static var nT: Self { Self(rawValue: Descriptor.Bits.nT.mask) }
    @inlinable public static var gp: Self { Self(rawValue: Descriptor.Bits.gp.mask) }
    @inlinable public static var dbm: Self { Self(rawValue: Descriptor.Bits.dbm.mask) }
    @inlinable public static var contiguous: Self { Self(rawValue: Descriptor.Bits.contiguous.mask) }
    @inlinable public static var pxn: Self { Self(rawValue: Descriptor.Bits.pxn.mask) }
    @inlinable public static var uxn: Self { Self(rawValue: Descriptor.Bits.uxn.mask) }
    @inlinable public static var pxnTable: Self { Self(rawValue: Descriptor.Bits.pxnTable.mask) }
    @inlinable public static var uxnTable: Self { Self(rawValue: Descriptor.Bits.uxnTable.mask) }
    @inlinable public static var nsTable: Self { Self(rawValue: Descriptor.Bits.nsTable.mask) }

    /// The flags of a block (nT included) or page (where bit 16 is address).
    // ORs of raw values, not array literals: a literal builds an array.
    @inlinable public static var leaf: Self {
        Self(rawValue: ns.rawValue | af.rawValue | nG.rawValue | gp.rawValue | dbm.rawValue | contiguous.rawValue
            | pxn.rawValue | uxn.rawValue)
    }
    @inlinable public static var table: Self { Self(rawValue: pxnTable.rawValue | uxnTable.rawValue | nsTable.rawValue) }
}

extension DescriptorFlags {
    /// Inserts or removes `member` without a branch.
    @inlinable @inline(__always)
    public mutating func set(_ member: DescriptorFlags, _ on: Bool) {
        rawValue = (rawValue & ~member.rawValue) | (member.rawValue & (0 &- UInt64(unsafeBitCast(on, to: UInt8.self))))
    }
}
