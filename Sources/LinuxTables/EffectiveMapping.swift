import VMSA
import VMSATables

/// Permissions of a mapping as the MMU grants them, after table attributes.
public struct AccessRights: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let el0Read = AccessRights(rawValue: 1 << 0)
    public static let el0Write = AccessRights(rawValue: 1 << 1)
    public static let el0Execute = AccessRights(rawValue: 1 << 2)
    public static let el1Read = AccessRights(rawValue: 1 << 3)
    public static let el1Write = AccessRights(rawValue: 1 << 4)
    public static let el1Execute = AccessRights(rawValue: 1 << 5)

    /// The right an access of `kind` from `el` needs.
    public static func needed(_ kind: AccessKind, _ el: ExceptionLevel) -> AccessRights {
        // A Linux process's tables are EL1&0's: privileged is EL1.
        switch (kind, el.isPrivileged) {
        case (.read, false): .el0Read
        case (.write, false): .el0Write
        case (.execute, false): .el0Execute
        case (.read, true): .el1Read
        case (.write, true): .el1Write
        case (.execute, true): .el1Execute
        }
    }
}

/// How one VA translates: the fields a process can observe.
public struct EffectiveMapping: Hashable, Sendable {
    public var pa: UInt64
    public var rights: AccessRights
    public var attrIndx: UInt64
    /// Effective shareability (Outer Shareable for Device and Non-cacheable memory).
    public var sh: UInt64
    public var ns: Bool
    public var nG: Bool
    public var gp: Bool
}

/// The outcome of one walk, as the equivalence checker compares it.
public enum WalkResult: Hashable, Sendable, CustomStringConvertible {
    case fault(TranslationFault)
    case mapped(EffectiveMapping, level: Int)
    /// The tables break an architectural rule the result depends on (an
    /// inconsistent contiguous run, a table outside memory, a block whose
    /// output address sets RES0 bits).
    case misprogrammed(String)

    public var description: String {
        switch self {
        case .fault(let f): return f.description
        case .mapped(let m, let level):
            return "PA \(Hex.short(m.pa)) at level \(level), rights 0b\(String(m.rights.rawValue, radix: 2)), AttrIndx \(m.attrIndx), SH \(m.sh)\(m.nG ? ", nG" : "")"
        case .misprogrammed(let why): return "misprogrammed: \(why)"
        }
    }
}
