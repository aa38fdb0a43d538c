import CShims
import VMSATables

/// The six accesses every probed address is checked for, in the probe ABI's
/// order (CShims.h VMSA_ACCESS_*): read, write and execute at EL1 and EL0.
package enum ProbeAccess: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case el1Read, el1Write, el1Execute, el0Read, el0Write, el0Execute

    public var kind: AccessKind {
        switch self {
        case .el1Read, .el0Read: .read
        case .el1Write, .el0Write: .write
        case .el1Execute, .el0Execute: .execute
        }
    }

    public var el: ExceptionLevel {
        switch self {
        case .el1Read, .el1Write, .el1Execute: .el1
        case .el0Read, .el0Write, .el0Execute: .el0
        }
    }

    /// The AT instruction that checks this access, in the ABI's PAR order
    /// (VMSA_AT_*); nil for instruction fetches, which AT does not model.
    package var atIndex: Int? {
        switch self {
        case .el1Read: Int(VMSA_AT_S1E1R)
        case .el1Write: Int(VMSA_AT_S1E1W)
        case .el0Read: Int(VMSA_AT_S1E0R)
        case .el0Write: Int(VMSA_AT_S1E0W)
        case .el1Execute, .el0Execute: nil
        }
    }

    /// The AT instruction's name.
    package var atName: String? {
        switch self {
        case .el1Read: "AT S1E1R"
        case .el1Write: "AT S1E1W"
        case .el0Read: "AT S1E0R"
        case .el0Write: "AT S1E0W"
        case .el1Execute, .el0Execute: nil
        }
    }

    public var description: String {
        let what: String
        switch kind {
        case .read: what = "load"
        case .write: what = "store"
        case .execute: what = "fetch"
        }
        return "EL\(el.rawValue) \(what)"
    }
}
