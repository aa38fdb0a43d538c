/// What makes a TCR_EL1 value unusable for a walk, or not what the Arm ARM
/// allows software to write. A half with EPDx=1 is never walked, so its TGx
/// and TxSZ cannot be a problem.
public enum TCRProblem: Hashable, Sendable, CustomStringConvertible {
    /// TGx holds an encoding that names no granule.
    case reservedGranule(TranslationTableBase)
    /// TxSZ gives an input size outside what the half's granule supports:
    /// every access takes a level 0 translation fault.
    case inputSizeOutOfRange(TranslationTableBase, txsz: Int, granule: Granule, supported: ClosedRange<Int>)
    /// IPS holds an encoding that names no size.
    case reservedPhysicalAddressSize
    /// Bits that no TCR_EL1 field defines (RES0) are set.
    case res0BitsSet(UInt64)

    /// The problem as one sentence, as `vmsa tcr decode` lists it.
    public var description: String {
        switch self {
        case .reservedGranule(let half):
            return "\(TCR.granuleField(half).armName) holds a reserved encoding"
        case .inputSizeOutOfRange(let half, let txsz, let granule, let supported):
            return "T\(half.rawValue)SZ=\(txsz) gives a \(64 - txsz)-bit input range, which the \(granule) granule does not support "
                + "(expected \(supported.lowerBound) to \(supported.upperBound) bits): every access faults at level 0"
        case .reservedPhysicalAddressSize:
            return "IPS holds a reserved encoding"
        case .res0BitsSet(let bits):
            return "RES0 bits set: \(Hex.short(bits))"
        }
    }
}

extension TCR {
    /// Bits of TCR_EL1 that no field defines: RES0 (6, 35, 62 and 63).
    public static var res0Mask: UInt64 { unnamedMask }

    /// TG0 or TG1.
    package static func granuleField(_ half: TranslationTableBase) -> RegisterField {
        half == .ttbr0 ? Field.tg0 : Field.tg1
    }

    /// The input sizes (64 - TxSZ) a half's granule supports, or nil for a
    /// reserved TGx: 25 bits (TxSZ at most 39, no FEAT_TTST) up to 48, or 52
    /// with 64K (FEAT_LVA) or DS=1 (FEAT_LPA2).
    package func supportedInputBits(_ half: TranslationTableBase) -> ClosedRange<Int>? {
        guard let g = granule(half) else { return nil }
        return Granule.minInputBits...g.maxInputBits(ds: ds && g != .k64, lva: true)
    }

    /// Whether a half's TxSZ is one its granule supports; false for a
    /// reserved TGx.
    public func inputSizeSupported(_ half: TranslationTableBase) -> Bool {
        supportedInputBits(half)?.contains(inputBits(half)) ?? false
    }

    /// Every problem of this value, in field order.
    public var problems: [TCRProblem] {
        var found: [TCRProblem] = []
        for half in TranslationTableBase.allCases where !walksDisabled(half) {
            guard let g = granule(half), let supported = supportedInputBits(half) else {
                found.append(.reservedGranule(half))
                continue
            }
            if !supported.contains(inputBits(half)) {
                found.append(.inputSizeOutOfRange(half, txsz: txsz(half), granule: g, supported: supported))
            }
        }
        if physicalAddressSize == nil { found.append(.reservedPhysicalAddressSize) }
        if rawValue & Self.res0Mask != 0 { found.append(.res0BitsSet(rawValue & Self.res0Mask)) }
        return found
    }
}
