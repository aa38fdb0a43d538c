/// Stage-2 XN[1:0] (descriptor bits [54:53]). With FEAT_XNX both bits
/// count and EL1 and EL0 differ; without it XN[0] is RES0 and XN[1] alone
/// forbids execution at both (Arm ARM D8.4.2, "Stage 2 instruction access
/// permissions"; Linux KVM_PTE_LEAF_ATTR_HI_S2_XN is GENMASK(54, 53)).
public enum Stage2ExecuteNever: UInt64, CaseIterable, Hashable, Sendable {
    /// XN=0b00: executable at EL1 and EL0.
    case executable = 0b00
    /// Not executable at EL1, executable at EL0 (FEAT_XNX).
    case el1ExecuteNever = 0b01
    /// XN=0b10: execute-never at EL1 and EL0.
    case executeNever = 0b10
    /// Executable at EL1, not at EL0 (FEAT_XNX).
    case el0ExecuteNever = 0b11

    /// Whether the stage allows execution at EL1 and at EL0; `xnx` says
    /// whether FEAT_XNX is implemented (without it XN[0] is ignored here and
    /// reported as RES0 by `Stage2Fields.problems`).
    public func allowsExecution(el0: Bool, xnx: Bool) -> Bool {
        guard xnx else { return rawValue & 0b10 == 0 }
        switch self {
        case .executable: return true
        case .el1ExecuteNever: return el0
        case .executeNever: return false
        case .el0ExecuteNever: return !el0
        }
    }

    /// The permission in words, as `decode --regime s2` prints it.
    public func meaning(xnx: Bool) -> String {
        func word(_ ok: Bool) -> String { ok ? "executable" : "execute-never" }
        if !xnx { return "\(word(allowsExecution(el0: false, xnx: false))) at EL1 and EL0 (no FEAT_XNX)" }
        return "EL1 \(word(allowsExecution(el0: false, xnx: true))), EL0 \(word(allowsExecution(el0: true, xnx: true)))"
    }
}
