/// What is wrong with a value of a register other than TCR_EL1 (which has
/// `TCRProblem`): reserved encodings, RES0 set, RES1 clear, a stage-2
/// start level the Arm ARM does not allow.
public enum RegisterProblem: Hashable, Sendable, CustomStringConvertible {
    /// `field` holds `value`, which the Arm ARM reserves.
    case reservedEncoding(field: String, value: UInt64)
    /// RES0 bits that are set, in place.
    case res0BitsSet(UInt64)
    /// RES1 bits that are clear, in place.
    case res1BitsClear(UInt64)
    /// A named field that is RES0 in this configuration is set.
    case fieldRes0(name: String, bits: BitField, context: String)
    /// VTCR_EL2's start level and input size do not fit together.
    case stage2Setup(Stage2SetupError)
    /// T0SZ gives an input size the granule does not support.
    case inputSizeOutOfRange(t0sz: Int, granule: Granule, supported: ClosedRange<Int>)

    /// The problem as one sentence, as `vmsa … decode` lists it.
    public var description: String {
        switch self {
        case .reservedEncoding(let field, let value): "\(field)=\(value) is a reserved encoding"
        case .res0BitsSet(let bits): "RES0 bits set: \(Hex.short(bits))"
        case .res1BitsClear(let bits): "RES1 bits clear: \(Hex.short(bits))"
        case .fieldRes0(let name, let bits, let context): "\(name) \(bits) is set, but it is RES0 \(context)"
        case .stage2Setup(let e): e.description
        case .inputSizeOutOfRange(let t0sz, let g, let supported):
            "T0SZ=\(t0sz) gives a \(64 - t0sz)-bit input range, which the \(g) granule does not support (expected \(supported.lowerBound) to \(supported.upperBound) bits): every access faults at level 0"
        }
    }
}

extension SystemRegister {
    /// The RES0 and RES1 problems every register can have.
    package var reservedBitProblems: [RegisterProblem] {
        var found: [RegisterProblem] = []
        if Self.unnamedBitsAreRES0, rawValue & Self.unnamedMask != 0 { found.append(.res0BitsSet(rawValue & Self.unnamedMask)) }
        if res1Clear != 0 { found.append(.res1BitsClear(res1Clear)) }
        return found
    }
}
