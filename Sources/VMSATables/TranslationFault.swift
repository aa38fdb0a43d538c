import VMSA

/// The stage-1 fault types a table walk can report (PAR_EL1.FST / ESR_ELx.DFSC
/// groups). Alignment, TLB conflict and external aborts are not modelled.
public enum FaultKind: String, CaseIterable, Hashable, Sendable {
    case translation, accessFlag, permission, addressSize
}

/// A failed translation, as PAR_EL1 reports it: the fault type and the level
/// of the lookup that produced it.
public struct TranslationFault: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: FaultKind
    public var level: Level

    @inlinable
    public init(kind: FaultKind, level: Level) {
        self.kind = kind
        self.level = level
    }

    /// The fault status code PAR_EL1.FST / ESR_ELx.DFSC carries: address size
    /// 0b0000LL, translation 0b0001LL, access flag 0b0010LL, permission
    /// 0b0011LL; level -1 has its own codes (FEAT_LPA2): address size 0b101001,
    /// translation 0b101011.
    public var statusCode: UInt8 {
        if level == .minus1 {
            switch kind {
            case .addressSize: return 0b10_1001
            case .translation: return 0b10_1011
            // The Arm ARM defines no access-flag or permission fault at level -1
            // (no leaf can exist there).
            case .accessFlag, .permission: return 0b10_1011
            }
        }
        let group: UInt8
        switch kind {
        case .addressSize: group = 0b00
        case .translation: group = 0b01
        case .accessFlag: group = 0b10
        case .permission: group = 0b11
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
        }
        return "\(name) at \(level)"
    }
}
