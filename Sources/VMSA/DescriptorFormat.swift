/// The parameters that decide how a descriptor's address bits are laid out:
/// the granule, TCR_EL1.DS (FEAT_LPA2) and the physical address size.
/// A 64K descriptor always carries OA[51:48] in [15:12] (FEAT_LPA); with a
/// PA size below 52 bits a non-zero value there is an address-size problem.
public struct DescriptorFormat: Hashable, Sendable, CustomStringConvertible {
    public let granule: Granule
    /// TCR_EL1.DS: 52-bit OA for 4K/16K, with OA[51:50] in [9:8] and
    /// shareability taken from TCR_EL1.SHx instead of the descriptor.
    public let ds: Bool
    /// The configured physical address size (TCR_EL1.IPS), in bits.
    public let paBits: Int

    public init(granule: Granule, ds: Bool = false, paBits: Int = 48) throws(VMSAError) {
        guard PhysicalAddressSize(bits: paBits) != nil else { throw .unsupportedPASize(paBits) }
        guard !ds || granule != .k64 else { throw .dsWith64K }
        self.granule = granule
        self.ds = ds
        self.paBits = paBits
    }

    /// The low output-address field: [47:pageShift], or [49:pageShift] with DS.
    @inlinable public var outputAddressField: BitField {
        BitField(ds ? 49 : 47, granule.pageShift)
    }

    /// Where OA bits above the low field live, if anywhere.
    @inlinable public var outputAddressHighField: BitField? {
        if granule == .k64 { return Descriptor.Bits.oaHigh64K }
        return ds ? Descriptor.Bits.oaHighLPA2 : nil
    }

    /// The OA bit that the high field's lowest bit holds: 48 (64K) or 50 (DS).
    @inlinable public var outputAddressHighShift: Int { granule == .k64 ? 48 : 50 }

    /// Whether the descriptor holds SH[1:0] (false with DS=1).
    @inlinable public var descriptorHasShareability: Bool { !ds }

    /// Largest output address the descriptor format can hold, in bits.
    @inlinable public var outputAddressBits: Int { (granule == .k64 || ds) ? 52 : 48 }

    /// The full output (or next-table) address of `raw`, page-granular.
    @inlinable @inline(__always)
    public func address(of raw: UInt64) -> UInt64 {
        var oa = raw & outputAddressField.mask
        if let high = outputAddressHighField {
            oa |= high.extract(raw) &<< UInt64(outputAddressHighShift)
        }
        return oa
    }

    /// `raw` with its address bits replaced by `address` (page-granular).
    @inlinable @inline(__always)
    public func inserting(address: UInt64, into raw: UInt64) -> UInt64 {
        var r = (raw & ~outputAddressField.mask) | (address & outputAddressField.mask)
        if let high = outputAddressHighField {
            r = high.inserting(address &>> UInt64(outputAddressHighShift), into: r)
        }
        return r
    }

    /// Whether `address` can be expressed by this format at page granularity.
    public func canHold(address: UInt64) -> Bool {
        address & (granule.pageSize - 1) == 0 && address >> UInt64(outputAddressBits) == 0
    }

    /// Bits that are RES0 in a block, page or table descriptor of this format
    /// (the bits between the page offset and the Arm ARM's fixed fields that
    /// no address uses).
    public var res0Mask: UInt64 {
        var mask: UInt64 = 0
        if granule == .k16 { mask |= BitField(13, 12).mask }       // 16K: OA starts at bit 14
        if !ds { mask |= BitField(49, 48).mask }                    // OA[49:48] only with DS
        return mask
    }

    /// RES0 bits of a table descriptor: additionally [51:50] (4K/16K) or
    /// [51:48] (64K), where a block or page keeps GP and DBM.
    public var tableRes0Mask: UInt64 {
        var mask = res0Mask | BitField(51, 50).mask
        if granule == .k64 { mask |= BitField(49, 48).mask }
        return mask
    }

    public var description: String {
        "\(granule) granule, \(paBits)-bit PA" + (ds ? ", DS=1" : "")
    }
}
