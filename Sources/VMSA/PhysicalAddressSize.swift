/// TCR_EL1.IPS / ID_AA64MMFR0_EL1.PARange: the output address size.
public enum PhysicalAddressSize: UInt64, CaseIterable, Hashable, Sendable {
    case bits32 = 0b000, bits36 = 0b001, bits40 = 0b010, bits42 = 0b011
    case bits44 = 0b100, bits48 = 0b101, bits52 = 0b110

    public var bits: Int {
        switch self {
        case .bits32: 32; case .bits36: 36; case .bits40: 40; case .bits42: 42
        case .bits44: 44; case .bits48: 48; case .bits52: 52
        }
    }

    public init?(bits: Int) {
        guard let match = Self.allCases.first(where: { $0.bits == bits }) else { return nil }
        self = match
    }
}
