/// Stage-1 descriptors read in a regime other than EL1&0. EL2&0 reads as
/// EL1&0. EL2 and EL3 have one Exception level: nG, PXN, PXNTable and
/// APTable[0] are RES0 there, so a decoded value carries those bits in
/// `res0` (not as flags) and encodes back bit for bit; bit 54 is the one XN.
extension DescriptorFields {
    /// Decodes `raw` as a stage-1 descriptor of `regime` (not stage 2).
    public init(decoding raw: UInt64, level: Level, format: DescriptorFormat, regime: TranslationRegimeKind) {
        precondition(regime.stage == 1, "stage-2 descriptors decode as Stage2Fields")
        self.init(decoding: raw, level: level, format: format)
        let regimeRes0 = raw & regime.stage1RegimeRes0Mask(kind)
        guard regimeRes0 != 0 else { return }
        flags = DescriptorFlags(rawValue: flags.rawValue & ~regimeRes0)
        apTable = TableAccessPermissions(rawValue: apTable.rawValue & ~Descriptor.Bits.apTable.extract(regimeRes0))!
        res0 |= regimeRes0
    }

    /// `validate(level:format:)` for `regime`, whose own RES0 bits may
    /// travel in `res0`.
    public func validate(level: Level, format: DescriptorFormat, regime: TranslationRegimeKind) throws(VMSAError) {
        try validate(level: level, format: format, extraRes0: regime.stage1RegimeRes0Mask(kind))
    }

    /// The single XN [54] of an EL2 or EL3 leaf (the UXN position).
    @inlinable public var xn: Bool { get { uxn } set { uxn = newValue } }
}

extension Descriptor {
    /// Every problem of this stage-1 value in `regime`: those of EL1&0 plus
    /// the regime's RES0 fields that are set and AP[1] clear where it is RES1.
    public func problems(at level: Level, format: DescriptorFormat, regime: TranslationRegimeKind) -> [DescriptorProblem] {
        var found = problems(at: level, format: format)
        let kind = kind(at: level)
        for (name, bits) in regime.stage1RegimeRes0(kind) where bits.isSet(rawValue) {
            found.append(.fieldRes0(name: name, bits: bits, context: "in \(regime)"))
        }
        let apOne = BitField(bit: Bits.ap.lsb)
        if kind.isLeaf, regime.apOneIsRES1, !apOne.isSet(rawValue) {
            found.append(.fieldRes1(name: "AP[1]", bits: apOne, context: "in \(regime)"))
        }
        return found
    }
}
