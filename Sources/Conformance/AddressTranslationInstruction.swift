import CShims

/// The AT instructions the regime probe issues (Arm ARM C5.5, "A64 system
/// instructions for address translation"), each with its PAR_EL1 slot in
/// `vmsa_regime_result` (CShims.h VMSA_RAT_*).
/// `rawValue` is the Arm ARM operation name.
package enum AddressTranslationInstruction: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case s1e2r = "S1E2R", s1e2w = "S1E2W", s1e0r = "S1E0R", s1e0w = "S1E0W", s1e3r = "S1E3R", s1e3w = "S1E3W"
    case s12e1r = "S12E1R", s12e1w = "S12E1W", s12e0r = "S12E0R", s12e0w = "S12E0W", s1e1r = "S1E1R"

    /// The index of its PAR_EL1 in `vmsa_regime_result.par`.
    var slot: Int {
        switch self {
        case .s1e2r: Int(VMSA_RAT_S1E2R)
        case .s1e2w: Int(VMSA_RAT_S1E2W)
        case .s1e0r: Int(VMSA_RAT_S1E0R)
        case .s1e0w: Int(VMSA_RAT_S1E0W)
        case .s1e3r: Int(VMSA_RAT_S1E3R)
        case .s1e3w: Int(VMSA_RAT_S1E3W)
        case .s12e1r: Int(VMSA_RAT_S12E1R)
        case .s12e1w: Int(VMSA_RAT_S12E1W)
        case .s12e0r: Int(VMSA_RAT_S12E0R)
        case .s12e0w: Int(VMSA_RAT_S12E0W)
        case .s1e1r: Int(VMSA_RAT_S1E1R)
        }
    }

    /// Whether it asks for write permission (the …W forms).
    public var isWrite: Bool { rawValue.hasSuffix("W") }

    /// The Arm ARM spelling, "AT S12E1R".
    public var description: String { "AT " + rawValue }
}
