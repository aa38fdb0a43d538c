import VMSA

/// The stage-1 fault types a table walk can report (PAR_EL1.FST / ESR_ELx.DFSC
/// groups), and `notCaptured`: the walk needed a table the memory does not
/// hold (a capture or dump without that page), which is no answer about the
/// tables at all. Alignment and TLB conflict aborts are not modelled.
public enum FaultKind: String, CaseIterable, Hashable, Sendable {
    case translation, accessFlag, permission, addressSize, notCaptured
}

/// A failed translation, as PAR_EL1 reports it: the fault type and the level
/// of the lookup that produced it.
public struct TranslationFault: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: FaultKind
    public var level: Level
    /// For `notCaptured`: the table the walk could not read.
    public var table: PhysicalAddress?

    @inlinable
    public init(kind: FaultKind, level: Level, table: PhysicalAddress? = nil) {
        self.kind = kind
        self.level = level
        self.table = table
    }

    /// The table at `table`, read at `level`, is not in memory.
    @inlinable
    public static func notCaptured(_ table: UInt64, level: Level) -> TranslationFault {
        TranslationFault(kind: .notCaptured, level: level, table: PhysicalAddress(table))
    }

    /// The fault status code PAR_EL1.FST / ESR_ELx.DFSC carries: address size
    /// 0b0000LL, translation 0b0001LL, access flag 0b0010LL, permission
    /// 0b0011LL; level -1 has its own codes (FEAT_LPA2): address size 0b101001,
    /// translation 0b101011. A table that is not captured reads as what a
    /// CPU reports when a table walk's read fails: a synchronous external
    /// abort on the walk, 0b0101LL (level -1: 0b010011).
    public var statusCode: UInt8 {
        if level == .minus1 {
            switch kind {
            case .addressSize: return 0b10_1001
            case .translation: return 0b10_1011
            case .notCaptured: return 0b01_0011
            // The Arm ARM defines no access-flag or permission fault at level -1
            // (no leaf can exist there).
            case .accessFlag, .permission: return 0b10_1011
            }
        }
        let group: UInt8
        switch kind {
        case .addressSize: group = 0b0000
        case .translation: group = 0b0001
        case .accessFlag: group = 0b0010
        case .permission: group = 0b0011
        case .notCaptured: group = 0b0101
        }
        return group << 2 | UInt8(level.rawValue)
    }

    public var description: String {
        let name: String
        switch kind {
        case .translation: name = "translation fault"
        case .accessFlag: name = "access flag fault"
        case .permission: name = "permission fault"
        case .addressSize: name = "address size fault"
        case .notCaptured: return "table at PA \(table.map { Hex.short($0.rawValue) } ?? "?") not captured (\(level))"
        }
        return "\(name) at \(level)"
    }
}
