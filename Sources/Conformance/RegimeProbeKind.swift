import CShims

/// The translation regime one run of the regime probe asks QEMU about
/// (CShims.h VMSA_REGIME_*). Every one but EL1&0 stage 1, which the MMU leg covers.
package enum RegimeProbeKind: String, CaseIterable, Hashable, Sendable {
    /// EL2 without VHE (HCR_EL2.E2H=0): TCR_EL2, MAIR_EL2, TTBR0_EL2.
    case el2
    /// EL2&0 (HCR_EL2.{E2H,TGE}={1,1}): TCR_EL2 in the TCR_EL1 layout, TTBR0_EL2 and TTBR1_EL2.
    case el20
    /// EL3: TCR_EL3, MAIR_EL3, TTBR0_EL3; the tables must map the EL3 window.
    case el3
    /// EL1&0 with stage 2 (HCR_EL2.VM=1): VTCR_EL2, VTTBR_EL2 and the EL1&0 stage 1.
    case s12

    /// The value in `vmsa_regime_header.regime`.
    var abiValue: UInt32 {
        switch self {
        case .el2: UInt32(VMSA_REGIME_EL2)
        case .el20: UInt32(VMSA_REGIME_EL20)
        case .el3: UInt32(VMSA_REGIME_EL3)
        case .s12: UInt32(VMSA_REGIME_S12)
        }
    }

    /// The AT instructions the probe issues for this regime, in its order.
    public var instructions: [AddressTranslationInstruction] {
        switch self {
        case .el2: [.s1e2r, .s1e2w]
        // With E2H=TGE=1, S1E0* and S1E1* translate in EL2&0 (from EL0 and from EL2).
        case .el20: [.s1e2r, .s1e2w, .s1e0r, .s1e0w, .s1e1r]
        case .el3: [.s1e3r, .s1e3w]
        // S1E1R: stage 1 alone, the IPA, to tell which stage a mismatch is in.
        case .s12: [.s12e1r, .s12e1w, .s12e0r, .s12e0w, .s1e1r]
        }
    }
}
