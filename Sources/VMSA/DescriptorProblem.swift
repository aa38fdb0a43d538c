/// Something wrong with a descriptor value at its level. Validation reports
/// every problem of a value, not just the first.
public enum DescriptorProblem: Hashable, Sendable, CustomStringConvertible {
    /// 0b01 at level 3.
    case reservedEncoding(Level)
    /// A block at a level where this granule and configuration have none.
    case blockNotLegal(Level, DescriptorFormat)
    /// An output or next-table address at or above 2^paBits.
    case addressBeyondPASize(UInt64, paBits: Int, isTable: Bool)
    /// RES0 bits set (the set bits).
    case res0BitsSet(UInt64)
    /// A named field that is RES0 here is set; `context` says where
    /// ("in the EL3 translation regime", "without FEAT_XNX").
    case fieldRes0(name: String, bits: BitField, context: String)
    /// A named field that is RES1 here is clear.
    case fieldRes1(name: String, bits: BitField, context: String)
    /// A stage-2 MemAttr value that the reading in force reserves.
    case reservedMemAttr(UInt8, reading: String)

    /// The problem as one sentence, as `decode` lists it under `problems`.
    public var description: String {
        switch self {
        case .reservedEncoding(let level):
            return "reserved encoding: descriptor type 0b01 at \(level)"
        case .blockNotLegal(let level, let format):
            return "a block is not legal at \(level) with the \(format)"
        case .addressBeyondPASize(let address, let paBits, let isTable):
            return "\(isTable ? "next-table" : "output") address \(Hex.short(address)) is beyond the \(paBits)-bit physical address size"
        case .res0BitsSet(let bits):
            return "RES0 bits set: \(Hex.short(bits))"
        case .fieldRes0(let name, let bits, let context):
            return "\(name) \(bits) is set, but it is RES0 \(context)"
        case .fieldRes1(let name, let bits, let context):
            return "\(name) \(bits) is clear, but it is RES1 \(context)"
        case .reservedMemAttr(let value, let reading):
            return "MemAttr[3:0]=0b\(Stage2MemoryAttributes.binary(value)) is a reserved encoding in the \(reading) reading"
        }
    }
}

extension Descriptor {
    /// Every problem of this value at `level` in `format`.
    public func problems(at level: Level, format: DescriptorFormat) -> [DescriptorProblem] {
        structuralProblems(at: level, format: format, res0Mask: format.res0Mask(kind(at: level), at: level))
    }

    /// The problems any stage's descriptor can have, given its RES0 bits: a
    /// reserved encoding, a block where none is legal, RES0 bits set, an
    /// address beyond the PA size. Stage 1 and stage 2 both call this.
    package func structuralProblems(at level: Level, format: DescriptorFormat, res0Mask: UInt64) -> [DescriptorProblem] {
        var found: [DescriptorProblem] = []
        let kind = kind(at: level)
        switch kind {
        case .invalid:
            break
        case .reserved:
            found.append(.reservedEncoding(level))
        case .table, .block, .page:
            if kind == .block, !format.granule.isBlockLegal(at: level, ds: format.ds) {
                found.append(.blockNotLegal(level, format))
            }
            // A block's bits below its OA field are RES0, not a misaligned
            // address: the MMU outputs OA[47:n] and never looks at them.
            let res0 = rawValue & res0Mask
            if res0 != 0 { found.append(.res0BitsSet(res0)) }
            let address = kind == .table ? format.address(of: rawValue) : outputAddress(at: level, format: format)
            if address >> UInt64(format.paBits) != 0 {
                found.append(.addressBeyondPASize(address, paBits: format.paBits, isTable: kind == .table))
            }
        }
        return found
    }

    /// The output address of a block or page, as the MMU outputs it: the
    /// OA field [47:n] (n = log2 of the entry size) plus the LPA/LPA2 high
    /// bits. A block's bits below n are RES0 or nT, not address; they are
    /// in `DescriptorFields.res0` and `problems`, never in the address.
    @inlinable @inline(__always)
    public func outputAddress(at level: Level, format: DescriptorFormat) -> UInt64 {
        // A page's entry is one page: the address is already page-granular.
        level.isLast ? format.address(of: rawValue) : format.address(of: rawValue) & ~(format.granule.entrySize(at: level) &- 1)
    }
}
