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
    public var attrIndx: Int
    public var mairAttr: MemoryAttribute
    /// Effective shareability (see `LeafAttributes.sh`).
    public var sh: Shareability
    /// Effective AP[2:1], after APTable unless HPDx=1.
    public var ap: AccessPermissions
    /// Effective PXN: the leaf's PXN, PXNTable, and the "EL0-writable is never
    /// privileged-executable" rule.
    public var pxn: Bool
    /// Effective UXN: the leaf's UXN and UXNTable.
    public var uxn: Bool
    public var ng: Bool
    public var contiguous: Bool

    @inlinable
    public init(va: VirtualAddress, ttbr: TranslationTableBase, pa: PhysicalAddress, level: Level, size: UInt64,
                descriptor: Descriptor, attributes a: LeafAttributes) {
        self.va = va
        self.ttbr = ttbr
        self.pa = pa
        self.level = level
        self.size = size
        self.descriptor = descriptor
        attrIndx = a.attrIndx
        mairAttr = a.mairAttr
        sh = a.sh
        ap = a.ap
        pxn = a.pxn
        uxn = a.uxn
        ng = a.ng
        contiguous = a.contiguous
    }

    /// The effective attributes as one value (AF is always set on a success
    /// unless TCR_EL1.HA=1, so it is read from the descriptor).
    public var attributes: LeafAttributes {
        LeafAttributes(attrIndx: attrIndx, mairAttr: mairAttr, sh: sh, ap: ap, pxn: pxn, uxn: uxn, ng: ng,
                       af: descriptor[flag: Descriptor.Bits.af], contiguous: contiguous)
    }

    public var description: String {
        "\(va) -> \(pa) (\(ttbr), \(level), \(Hex.size(size))\(contiguous ? " contiguous" : ""))"
    }
}
