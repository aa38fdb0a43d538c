/// TCR_EL1.IPS / ID_AA64MMFR0_EL1.PARange: the output address size.
public enum PhysicalAddressSize: UInt64, CaseIterable, Hashable, Sendable {
    /// IPS/PS 0b000 32 bits (4GB), 0b001 36 bits (64GB), 0b010 40 bits (1TB), 0b011 42 bits (4TB).
    case bits32 = 0b000, bits36 = 0b001, bits40 = 0b010, bits42 = 0b011
    /// IPS/PS 0b100 44 bits (16TB), 0b101 48 bits (256TB), 0b110 52 bits (4PB, FEAT_LPA or FEAT_LPA2).
    case bits44 = 0b100, bits48 = 0b101, bits52 = 0b110

    /// The size in address bits: 32 to 52.
    public var bits: Int {
        switch self {
        case .bits32: 32; case .bits36: 36; case .bits40: 40; case .bits42: 42
        case .bits44: 44; case .bits48: 48; case .bits52: 52
        }
    }

    /// The encoding of a `bits`-bit size; nil for a size with no encoding.
    public init?(bits: Int) {
        guard let match = Self.allCases.first(where: { $0.bits == bits }) else { return nil }
        self = match
    }
}
