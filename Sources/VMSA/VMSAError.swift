/// Errors the VMSA library throws for values it cannot accept. Each says
/// which value was wrong and what was expected.
public enum VMSAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A physical address size with no IPS/PS encoding.
    case unsupportedPASize(Int)
    /// DS=1 asked for with the 64K granule.
    case dsWith64K
    /// A level the granule (with or without DS) does not have.
    case levelDoesNotExist(Int, Granule, ds: Bool)
    /// A VA size (64 - TxSZ) the granule does not support, with the supported range.
    case inputBitsOutOfRange(Int, Granule, ClosedRange<Int>)
    /// A field value wider than its field, with the largest value that fits.
    case fieldOutOfRange(name: String, value: UInt64, max: UInt64)
    /// An address the descriptor format cannot hold: misaligned or beyond the output address size.
    case addressNotEncodable(name: String, value: UInt64, format: DescriptorFormat)
    /// A descriptor kind not legal at the level, e.g. a block at level 3 or a 4K block at level 0 without DS.
    case kindNotAllowed(DescriptorKind, Level)
    /// nT [16] set in a page (or table) descriptor, which has no such bit.
    case nTOnlyInBlocks(DescriptorKind)
    /// A block's output address with bit 16 set: there it is nT, not address.
    case blockAddressSetsNT(UInt64)
    /// A field value the Arm ARM reserves.
    case reservedEncoding(name: String, value: UInt64)

    /// The error as one sentence naming the bad value and what was expected.
    public var description: String {
        switch self {
        case .unsupportedPASize(let bits):
            return "physical address size \(bits) is not supported; expected one of 32, 36, 40, 42, 44, 48, 52"
        case .dsWith64K:
            return "TCR_EL1.DS=1 applies only to the 4K and 16K granules, not 64K"
        case .levelDoesNotExist(let level, let granule, let ds):
            let levels = granule.levels(ds: ds)
            return "level \(level) does not exist for the \(granule) granule\(ds ? " with DS=1" : ""); expected \(levels.lowerBound) to \(levels.upperBound)"
        case .inputBitsOutOfRange(let bits, let granule, let range):
            return "a \(bits)-bit virtual address range is not supported by the \(granule) granule; expected \(range.lowerBound) to \(range.upperBound) bits"
        case .fieldOutOfRange(let name, let value, let max):
            return "\(name) value \(value) does not fit its field; expected 0 to \(max)"
        case .addressNotEncodable(let name, let value, let format):
            return "\(name) \(Hex.short(value)) cannot be encoded with the \(format): expected a \(Hex.size(format.granule.pageSize))-aligned address below 2^\(format.outputAddressBits)"
        case .nTOnlyInBlocks(let kind):
            return "nT exists only in block descriptors, not in a \(kind.rawValue) descriptor"
        case .blockAddressSetsNT(let value):
            return "block output address \(Hex.short(value)) sets bit 16, which is nT in a block descriptor; expected an address aligned to the block"
        case .kindNotAllowed(let kind, let level):
            return "a \(kind.rawValue) descriptor cannot exist at \(level)"
        case .reservedEncoding(let name, let value):
            return "\(name) value \(value) is a reserved encoding"
        }
    }
}
