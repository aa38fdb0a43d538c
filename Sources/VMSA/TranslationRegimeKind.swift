/// Which translation regime (or stage) a descriptor or register belongs to.
/// The descriptor bits are the same words in every regime; what they mean,
/// and which are RES0 or RES1, is a property of the regime (Arm ARM D8.3).
public enum TranslationRegimeKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// EL1&0 stage 1 (TTBR0_EL1/TTBR1_EL1, TCR_EL1), the default.
    case el10
    /// EL2&0 stage 1 with HCR_EL2.E2H=1 (VHE): TCR_EL2 has the TCR_EL1 layout.
    case el20
    /// EL2 stage 1 without VHE: one VA range (TTBR0_EL2), one Exception level.
    case el2
    /// EL3 stage 1: one VA range (TTBR0_EL3), one Exception level.
    case el3
    /// Stage 2 of the EL1&0 regime (VTTBR_EL2, VTCR_EL2): IPA to PA.
    case s2

    /// Which descriptor format applies: stage-2 descriptors have their own
    /// attribute fields (MemAttr, S2AP, XN[1:0]).
    @inlinable public var stage: Int {
        switch self {
        case .s2: 2
        case .el10, .el20, .el2, .el3: 1
        }
    }

    /// Whether the input space has two halves (TTBR0 and TTBR1).
    @inlinable public var hasTwoRanges: Bool {
        switch self {
        case .el10, .el20: true
        case .el2, .el3, .s2: false
        }
    }

    /// Whether the stage-1 regime serves two Exception levels (ELx and EL0).
    /// With one, nG and PXN are RES0, AP[1] is RES1 and bit 54 is the single
    /// XN ("For a stage 1 translation that supports one Exception level,
    /// AP[1] is RES1", Arm ARM D8.4.1.2.1); in tables PXNTable and
    /// APTable[0] are RES0 and bit 60 is XNTable.
    // A switch, not `==`: the String raw values make `==` an outlined call on
    // the walk's hot path.
    @inlinable @inline(__always) public var hasTwoPrivilegeLevels: Bool {
        switch self {
        case .el10, .el20: true
        case .el2, .el3, .s2: false
        }
    }

    /// Whether leaves carry nG [11] (ASIDs exist only in two-level regimes).
    @inlinable public var hasNotGlobal: Bool { hasTwoPrivilegeLevels }

    /// Whether AP[1] [6] is RES1 in stage-1 leaves.
    @inlinable public var apOneIsRES1: Bool { stage == 1 && !hasTwoPrivilegeLevels }

    /// The execute-never layout of a leaf.
    public var executeNever: ExecuteNeverLayout {
        if self == .s2 { return .stage2 }
        return hasTwoPrivilegeLevels ? .privilegedAndUnprivileged : .single
    }

    /// The Arm ARM name.
    public var armName: String {
        switch self {
        case .el10: "EL1&0"
        case .el20: "EL2&0"
        case .el2: "EL2"
        case .el3: "EL3"
        case .s2: "EL1&0 stage 2"
        }
    }

    /// `the EL1&0 translation regime` and so on, for messages.
    public var description: String { "the \(armName) translation regime" }
}

/// How a leaf says "do not execute".
public enum ExecuteNeverLayout: Hashable, Sendable {
    /// PXN [53] and UXN [54] (EL1&0, EL2&0).
    case privilegedAndUnprivileged
    /// XN [54] only; [53] is RES0 (EL2, EL3).
    case single
    /// XN[1:0] [54:53] (stage 2; XN[0] needs FEAT_XNX).
    case stage2
}

extension TranslationRegimeKind {
    /// Stage-1 bits that are RES0 in this regime because it has one
    /// Exception level: nG and PXN in leaves; PXNTable and APTable[0] in
    /// tables. Nothing for two-level regimes or stage 2.
    package func stage1RegimeRes0(_ kind: DescriptorKind) -> [(name: String, bits: BitField)] {
        guard stage == 1, !hasTwoPrivilegeLevels else { return [] }
        typealias B = Descriptor.Bits
        switch kind {
        case .block, .page: return [("nG", B.nG), ("PXN", B.pxn)]
        case .table: return [("PXNTable", B.pxnTable), ("APTable[0]", BitField(bit: B.apTable.lsb))]
        case .invalid, .reserved: return []
        }
    }

    /// The mask of `stage1RegimeRes0(kind)`.
    package func stage1RegimeRes0Mask(_ kind: DescriptorKind) -> UInt64 {
        stage1RegimeRes0(kind).reduce(0) { $0 | $1.bits.mask }
    }
}
