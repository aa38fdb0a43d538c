import VMSA

/// The stage-1 fault types a table walk can report (PAR_EL1.FST / ESR_ELx.DFSC
/// groups), and `notCaptured`: the walk needed a table the memory does not
/// hold (a capture or dump without that page), which is no answer about the
/// tables at all. Alignment and TLB conflict aborts are not modelled.
public enum FaultKind: String, CaseIterable, Hashable, Sendable {
    /// Translation, Access flag, Permission and Address size faults (PAR_EL1.FST groups), and `notCaptured`.
    case translation, accessFlag, permission, addressSize, notCaptured
}

/// A failed translation, as PAR_EL1 reports it: the fault type and the level
/// of the lookup that produced it.
public struct TranslationFault: Error, Hashable, Sendable, CustomStringConvertible {
    /// The fault type.
    public var kind: FaultKind
    /// The level of the lookup that faulted (PAR_EL1.FST[1:0]).
    public var level: Level
    /// For `notCaptured`: the table the walk could not read.
    public var table: PhysicalAddress?

    /// A fault of `kind` at `level`; `table` only for `notCaptured`.
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
            // The Arm ARM defines no access-flag or permission fault at level -1
            // (no leaf can exist there): those read as translation faults.
            return Self.levelMinus1Codes.first { $0.kind == kind }?.code ?? Self.levelMinus1TranslationCode
        }
        let group = Self.statusGroups.first { $0.kind == kind }!.group
        return group << Self.groupShift | UInt8(level.rawValue)
    }

    /// The fault a status code names: the inverse of `statusCode` for
    /// address size, translation, access flag and permission faults; nil for
    /// any other code (external aborts, `notCaptured`'s included, TLB
    /// conflicts, reserved values).
    public init?(statusCode code: UInt8) {
        if let minus1 = Self.levelMinus1Codes.first(where: { $0.code == code }) {
            guard minus1.kind != .notCaptured else { return nil }
            self.init(kind: minus1.kind, level: .minus1)
            return
        }
        guard let g = Self.statusGroups.first(where: { $0.group == code >> Self.groupShift }), g.kind != .notCaptured else { return nil }
        self.init(kind: g.kind, level: Level(uncheckedRawValue: Int(code & Self.levelMask)))
    }

    /// FSC[5:2] of each kind at levels 0 to 3 (the level is FSC[1:0]):
    /// address size 0b0000LL, translation 0b0001LL, access flag 0b0010LL,
    /// permission 0b0011LL, and for `notCaptured` a synchronous external
    /// abort on the walk, 0b0101LL.
    static let statusGroups: [(kind: FaultKind, group: UInt8)] = [
        (.addressSize, 0b0000), (.translation, 0b0001), (.accessFlag, 0b0010), (.permission, 0b0011), (.notCaptured, 0b0101),
    ]
    /// The level -1 codes (FEAT_LPA2).
    static let levelMinus1Codes: [(kind: FaultKind, code: UInt8)] = [
        (.addressSize, 0b10_1001), (.translation, levelMinus1TranslationCode), (.notCaptured, 0b01_0011),
    ]
    static let levelMinus1TranslationCode: UInt8 = 0b10_1011
    static let groupShift: UInt8 = 2
    static let levelMask: UInt8 = 0b11

    /// `translation fault at level 2`, `permission fault at level 3` and so on.
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
