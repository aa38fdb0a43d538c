import VMSA

/// A successful stage-1 translation of one virtual address: what PAR_EL1
/// reports, plus the leaf descriptor and its effective permissions.
public struct Translation: Hashable, Sendable, CustomStringConvertible {
    public var va: VirtualAddress
    public var ttbr: TranslationTableBase
    public var pa: PhysicalAddress
    /// The level of the leaf (block or page).
    public var level: Level
    /// Bytes one leaf descriptor at `level` maps (a contiguous run is
    /// `Granule.contiguousCount` times this).
    public var size: UInt64
    public var descriptor: Descriptor
    /// The effective attributes of the leaf, after the table bits, as the
    /// walk read them.
    public var attributes: LeafAttributes
    /// The access was a write that TCR_EL1.HD allowed on a clean DBM=1 page:
    /// the MMU makes the entry dirty (clears AP[2]), so it is writable from now on.
    public var dirtied: Bool

    @inlinable
    public init(va: VirtualAddress, ttbr: TranslationTableBase, pa: PhysicalAddress, level: Level, size: UInt64,
                descriptor: Descriptor, attributes: LeafAttributes, dirtied: Bool = false) {
        self.va = va
        self.ttbr = ttbr
        self.pa = pa
        self.level = level
        self.size = size
        self.descriptor = descriptor
        self.attributes = attributes
        self.dirtied = dirtied
    }

    /// The permissions the entry grants after this access: AP[2] cleared
    /// when the access made it dirty.
    public var permissionsAfter: AccessPermissions {
        dirtied ? ap.dirtied : ap
    }

    // The contract's flat names (DESIGN.md's `translate --json` keys).
    @inlinable public var attrIndx: Int { attributes.attrIndx }
    @inlinable public var mairAttr: MemoryAttribute { attributes.mairAttr }
    /// Effective shareability (see `LeafAttributes.sh`).
    @inlinable public var sh: Shareability { attributes.sh }
    /// Effective AP[2:1], after APTable unless HPDx=1.
    @inlinable public var ap: AccessPermissions { attributes.ap }
    /// Effective PXN: the leaf's PXN, PXNTable, and the "EL0-writable is never
    /// privileged-executable" rule.
    @inlinable public var pxn: Bool { attributes.pxn }
    /// Effective UXN: the leaf's UXN and UXNTable.
    @inlinable public var uxn: Bool { attributes.uxn }
    @inlinable public var ng: Bool { attributes.ng }
    @inlinable public var contiguous: Bool { attributes.contiguous }

    /// The reading `vmsa translate` prints after the arrow: PA, half,
    /// level, size and the effective attributes.
    public var summary: String {
        "\(pa)  \(ttbr) level \(level.rawValue) \(Hex.size(size)) \(attributes.summary)"
    }

    public var description: String {
        "\(va) -> \(pa) (\(ttbr), \(level), \(Hex.size(size))\(contiguous ? " contiguous" : ""))"
    }
}
