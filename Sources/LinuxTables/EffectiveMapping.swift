import VMSA
import VMSATables

/// Permissions of a mapping as the MMU grants them, after table attributes.
public struct AccessRights: OptionSet, Hashable, Sendable {
    /// One bit per right, `el0Read` in bit 0 to `el1Execute` in bit 5.
    public let rawValue: UInt8
    /// Rights from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A read from EL0 translates (AP[1] set, APTable[0] clear on the way).
    public static let el0Read = AccessRights(rawValue: 1 << 0)
    /// A write from EL0 translates.
    public static let el0Write = AccessRights(rawValue: 1 << 1)
    /// An instruction fetch from EL0 translates (UXN, UXNTable clear).
    public static let el0Execute = AccessRights(rawValue: 1 << 2)
    /// A read from EL1 translates.
    public static let el1Read = AccessRights(rawValue: 1 << 3)
    /// A write from EL1 translates (AP[2], APTable[1] clear).
    public static let el1Write = AccessRights(rawValue: 1 << 4)
    /// An instruction fetch from EL1 translates (PXN, PXNTable clear; never where EL0 can write).
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
    /// The output address of the VA.
    public var pa: UInt64
    /// What EL0 and EL1 may do there, after hierarchical limits.
    public var rights: AccessRights
    /// AttrIndx[2:0]: the MAIR_EL1 attribute index (Linux MT_*).
    public var attrIndx: UInt64
    /// Effective shareability (Outer Shareable for Device and Non-cacheable memory).
    public var sh: UInt64
    /// NS (or an NSTable on the way): Non-secure output.
    public var ns: Bool
    /// nG: the TLB entry is tagged with the ASID (Linux PTE_NG).
    public var nG: Bool
    /// GP: a guarded page (FEAT_BTI, Linux PTE_GP).
    public var gp: Bool
}

/// The outcome of one walk, as the equivalence checker compares it.
public enum WalkResult: Hashable, Sendable, CustomStringConvertible {
    /// The walk faults, with the fault and its level.
    case fault(TranslationFault)
    /// The VA translates, by a leaf at `level`.
    case mapped(EffectiveMapping, level: Int)
    /// The tables break an architectural rule the result depends on (an
    /// inconsistent contiguous run, a table outside memory, a block whose
    /// output address sets RES0 bits).
    case misprogrammed(String)

    /// The outcome in one line, as divergences print it.
    public var description: String {
        switch self {
        case .fault(let f): return f.description
        case .mapped(let m, let level):
            return "PA \(Hex.short(m.pa)) at level \(level), rights 0b\(String(m.rights.rawValue, radix: 2)), AttrIndx \(m.attrIndx), SH \(m.sh)\(m.nG ? ", nG" : "")"
        case .misprogrammed(let why): return "misprogrammed: \(why)"
        }
    }
}
