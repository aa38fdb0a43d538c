/// What every stage's descriptor shares, whatever its attributes mean:
/// where each kind may sit, which bits are IGNORED, and the checks that an
/// `encode` drops nothing. Stage 1 (`DescriptorFields`) and stage 2
/// (`Stage2Fields`) both call these, so the rules have one home.
extension DescriptorKind {
    /// The IGNORED bits of this kind: all but valid (invalid), all but the
    /// type (reserved), [11:2] and [58:52] (tables; with DS=1 [9:8] are
    /// address), [63] (blocks and pages).
    @inlinable
    package func ignoredMask(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        switch self {
        case .invalid: return ~B.valid.mask
        case .reserved: return ~B.type.mask
        case .table:
            let mask = B.tableIgnoredLow.mask | B.tableIgnoredHigh.mask
            return format.ds ? mask & ~B.oaHighLPA2.mask : mask
        case .block, .page: return B.leafIgnored.mask
        }
    }

    /// That this kind can sit at `level` and that `address` (the next table
    /// or the output address) can be encoded.
    package func validatePlacement(level: Level, format: DescriptorFormat, address: UInt64) throws(VMSAError) {
        switch self {
        case .invalid:
            return
        case .reserved:
            guard level.isLast else { throw .kindNotAllowed(.reserved, level) }
        case .table:
            guard !level.isLast else { throw .kindNotAllowed(.table, level) }
            guard format.canHold(address: address) else {
                throw .addressNotEncodable(name: "next-table address", value: address, format: format)
            }
        case .block, .page:
            guard (self == .page) == level.isLast else { throw .kindNotAllowed(self, level) }
            guard format.canHold(address: address) else {
                throw .addressNotEncodable(name: "output address", value: address, format: format)
            }
            if self == .block, address & Descriptor.Bits.nT.mask != 0 { throw .blockAddressSetsNT(address) }
        }
    }

    /// That `ignored` and `res0` hold only IGNORED and RES0 bits of this kind.
    package func validateSpareBits(ignored: UInt64, res0: UInt64, format: DescriptorFormat, res0Mask: UInt64) throws(VMSAError) {
        let ignoredMask = ignoredMask(format: format)
        if ignored & ~ignoredMask != 0 { throw .fieldOutOfRange(name: "ignored", value: ignored, max: ignoredMask) }
        if res0 & ~res0Mask != 0 { throw .fieldOutOfRange(name: "res0", value: res0, max: res0Mask) }
    }
}
