/// The parameters that decide how a descriptor's address bits are laid out:
/// the granule, TCR_EL1.DS (FEAT_LPA2) and the physical address size.
/// A 64K descriptor always carries OA[51:48] in [15:12] (FEAT_LPA); with a
/// PA size below 52 bits a non-zero value there is an address-size problem.
public struct DescriptorFormat: Hashable, Sendable, CustomStringConvertible {
    /// The translation granule, TCR_EL1.TG0/TG1: 4K, 16K or 64K.
    public let granule: Granule
    /// TCR_EL1.DS: 52-bit OA for 4K/16K, with OA[51:50] in [9:8] and
    /// shareability taken from TCR_EL1.SHx instead of the descriptor.
    public let ds: Bool
    /// The configured physical address size (TCR_EL1.IPS), in bits.
    public let paBits: Int

    // Masks derived once from the fields below, so that the hot paths
    // (`address(of:)`, `inserting(address:into:)`) are branch-free.
    @usableFromInline let lowMask: UInt64
    @usableFromInline let highMask: UInt64
    @usableFromInline let highLsb: UInt64
    @usableFromInline let highAddressShift: UInt64
    /// Bits that are RES0 in a page of this format: the bits between the
    /// page offset and the fixed fields that no address uses (16K: [13:12];
    /// without DS: [49:48]). A block has more: see `blockRes0Mask(at:)`.
    public let res0Mask: UInt64
    /// RES0 bits of a table descriptor: additionally [51:50] (4K/16K) or
    /// [51:48] (64K), where a block or page keeps GP and DBM.
    public let tableRes0Mask: UInt64

    /// The format of `granule` with TCR_EL1.DS=`ds` and a `paBits`-bit PA size (TCR_EL1.IPS).
    /// Throws for a PA size TCR_EL1.IPS cannot encode, or DS=1 with the 64K granule.
    public init(granule: Granule, ds: Bool = false, paBits: Int = 48) throws(VMSAError) {
        guard PhysicalAddressSize(bits: paBits) != nil else { throw .unsupportedPASize(paBits) }
        guard !ds || granule != .k64 else { throw .dsWith64K }
        self.granule = granule
        self.ds = ds
        self.paBits = paBits
        lowMask = Self.lowAddressMask(granule: granule, ds: ds)
        highMask = Self.highAddressField(granule: granule, ds: ds)?.mask ?? 0
        highLsb = UInt64(Self.highAddressField(granule: granule, ds: ds)?.lsb ?? 0)
        highAddressShift = Self.highAddressShift(granule: granule)
        var res0: UInt64 = 0
        if granule == .k16 { res0 |= BitField(13, 12).mask }    // 16K: OA starts at bit 14
        if !ds { res0 |= BitField(49, 48).mask }                 // OA[49:48] only with DS
        res0Mask = res0
        var tableRes0 = res0 | BitField(51, 50).mask
        if granule == .k64 { tableRes0 |= BitField(49, 48).mask }
        tableRes0Mask = tableRes0
    }

    /// Equal when the granule, DS and PA size are; the derived masks follow from them.
    public static func == (a: Self, b: Self) -> Bool {
        a.granule == b.granule && a.ds == b.ds && a.paBits == b.paBits
    }

    /// Hashes the granule, DS and PA size.
    public func hash(into h: inout Hasher) {
        h.combine(granule)
        h.combine(ds)
        h.combine(paBits)
    }

    /// The low output-address field: [47:pageShift], or [49:pageShift] with DS.
    /// This is a page's OA and a table's NLTA; a block's OA starts higher.
    @inlinable public var outputAddressField: BitField {
        BitField(ds ? 49 : 47, granule.pageShift)
    }

    /// The low OA field of a block or page at `level`: [47:n] (or [49:n]
    /// with DS), n = log2 of the entry size. A 4K level-1 block's OA is
    /// [47:30], a level-2 block's [47:21], a page's [47:12] (Arm ARM D8.3).
    @inlinable public func outputAddressField(at level: Level) -> BitField {
        BitField(ds ? 49 : 47, granule.shift(at: level))
    }

    /// RES0 bits of a block at `level`: those of a page plus [n-1:pageShift]
    /// below the block's OA field, except nT [16] (FEAT_BBM) and, for 64K,
    /// OA[51:48] in [15:12].
    @inlinable public func blockRes0Mask(at level: Level) -> UInt64 {
        res0Mask | (lowMask & (granule.entrySize(at: level) &- 1) & ~Descriptor.Bits.nT.mask)
    }

    /// RES0 bits of a `kind` descriptor at `level`; invalid and reserved
    /// encodings have none (every bit but the type is IGNORED).
    @inlinable public func res0Mask(_ kind: DescriptorKind, at level: Level) -> UInt64 {
        switch kind {
        case .invalid, .reserved: 0
        case .table: tableRes0Mask
        case .page: res0Mask
        case .block: blockRes0Mask(at: level)
        }
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

    /// Every bit of the output address field (both parts with LPA/LPA2).
    @inlinable public var addressMask: UInt64 { lowMask | highMask }

    /// The full output (or next-table) address of `raw`, page-granular: the
    /// one home of the output-address layout, which every walker calls.
    @inlinable @inline(__always)
    public func address(of raw: UInt64) -> UInt64 {
        (raw & lowMask) | (((raw & highMask) &>> highLsb) &<< highAddressShift)
    }

    // The output-address layout as functions of the granule and DS alone:
    // the stored masks above are these, and a walk specialised for one
    // geometry calls `address(of:granule:ds:)` with constant arguments, so
    // that the layout folds to constants there.

    /// The low address field [47:pageShift], or [49:pageShift] with DS.
    @inlinable @inline(__always)
    public static func lowAddressMask(granule: Granule, ds: Bool) -> UInt64 {
        BitField(ds ? 49 : 47, granule.pageShift).mask
    }

    /// Where address bits above the low field live: OA[51:48] in [15:12]
    /// for 64K (FEAT_LPA), OA[51:50] in [9:8] with DS (FEAT_LPA2), else none.
    @inlinable @inline(__always)
    public static func highAddressField(granule: Granule, ds: Bool) -> BitField? {
        granule == .k64 ? Descriptor.Bits.oaHigh64K : (ds ? Descriptor.Bits.oaHighLPA2 : nil)
    }

    /// The address bit the high field's lowest bit stands for.
    @inlinable @inline(__always)
    public static func highAddressShift(granule: Granule) -> UInt64 { granule == .k64 ? 48 : 50 }

    /// `address(of:)` for the format of `granule` and `ds`.
    @inlinable @inline(__always)
    public static func address(of raw: UInt64, granule: Granule, ds: Bool) -> UInt64 {
        let low = raw & lowAddressMask(granule: granule, ds: ds)
        guard let high = highAddressField(granule: granule, ds: ds) else { return low }
        return low | (high.extract(raw) &<< highAddressShift(granule: granule))
    }

    /// `raw` with its address bits replaced by `address` (page-granular).
    @inlinable @inline(__always)
    public func inserting(address: UInt64, into raw: UInt64) -> UInt64 {
        let high = ((address &>> highAddressShift) &<< highLsb) & highMask
        return (raw & ~(lowMask | highMask)) | (address & lowMask) | high
    }

    /// Whether `address` can be expressed by this format at page granularity.
    public func canHold(address: UInt64) -> Bool {
        address & (granule.pageSize - 1) == 0 && address >> UInt64(outputAddressBits) == 0
    }

    /// The granule, PA size and DS=1 when set, e.g. `4K granule, 48-bit PA`.
    public var description: String {
        "\(granule) granule, \(paBits)-bit PA" + (ds ? ", DS=1" : "")
    }
}
