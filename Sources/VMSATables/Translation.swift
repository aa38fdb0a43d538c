import VMSA

/// A successful stage-1 translation of one virtual address: what PAR_EL1
/// reports, plus the leaf descriptor and its effective permissions.
public struct Translation: Hashable, Sendable, CustomStringConvertible {
    /// The virtual address translated.
    public var va: VirtualAddress
    /// The VA range and base register the walk used: TTBR0_EL1 or TTBR1_EL1.
    public var ttbr: TranslationTableBase
    /// The output address: the leaf's OA plus the offset of `va` within the leaf
    /// (PAR_EL1.PA reports it from bit 12 up).
    public var pa: PhysicalAddress
    /// The level of the leaf (block or page).
    public var level: Level
    /// Bytes one leaf descriptor at `level` maps (a contiguous run is
    /// `Granule.contiguousCount` times this).
    public var size: UInt64
    /// The leaf descriptor word, as read from its table.
    public var descriptor: Descriptor
    /// The effective attributes of the leaf, after the table bits, as the
    /// walk read them.
    public var attributes: LeafAttributes
    /// The access was a write that TCR_EL1.HD allowed on a clean DBM=1 page:
    /// the MMU makes the entry dirty (clears AP[2]), so it is writable from now on.
    public var dirtied: Bool

    /// A translation with every field given; `dirtied` defaults to false.
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
    /// AttrIndx[2:0] of the leaf descriptor (see `LeafAttributes.attrIndx`).
    @inlinable public var attrIndx: Int { attributes.attrIndx }
    /// The MAIR_EL1 attribute byte AttrIndx selects, as PAR_EL1.ATTR reports it.
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
    /// nG, bit 11 of the leaf: the translation is tagged with the ASID.
    @inlinable public var ng: Bool { attributes.ng }
    /// Contiguous, bit 52 of the leaf: part of a run of `Granule.contiguousCount` entries.
    @inlinable public var contiguous: Bool { attributes.contiguous }

    /// The reading `vmsa translate` prints after the arrow: PA, half,
    /// level, size and the effective attributes.
    public var summary: String {
        "\(pa)  \(ttbr) level \(level.rawValue) \(Hex.size(size)) \(attributes.summary)"
    }

    /// `va -> pa` with the base register, level, leaf size and `contiguous` when set.
    public var description: String {
        "\(va) -> \(pa) (\(ttbr), \(level), \(Hex.size(size))\(contiguous ? " contiguous" : ""))"
    }
}
