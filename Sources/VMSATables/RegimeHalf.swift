import VMSA

/// Everything a walk of one half (TTBR0 or TTBR1) needs, derived once from
/// TCR_EL1 and the TTBR so that translation and walking do no register
/// decoding per address. Assumes an implementation with PARange = 52 bits,
/// FEAT_LPA, FEAT_LPA2, FEAT_LVA, FEAT_HPDS and FEAT_HAFDBS.
public struct RegimeHalf: Hashable, Sendable {
    /// Which range: TTBR0 (the only one of a one-range regime or stage 2) or TTBR1.
    public let ttbr: TranslationTableBase
    /// The translation granule (TGx).
    public let granule: Granule
    /// 64 - TxSZ.
    public let inputBits: Int
    /// The level of the first lookup (from TxSZ, or SL0/SL2 at stage 2).
    public let startLevel: Level
    /// The descriptor layout: granule, DS and the output size.
    public let format: DescriptorFormat
    /// The effective output address size: TCR_EL1.IPS, capped at 48 bits
    /// unless the granule is 64K or DS=1 (Arm ARM `AArch64.PAMax` use in
    /// `AArch64.S1TTWParams`; QEMU ptw.c does the same).
    public let outputBits: Int
    /// The start-level table's address (TTBR BADDR with the bits below the
    /// table size cleared, as the walk uses it).
    public let rootAddress: UInt64
    /// Entries of the start-level table.
    public let rootEntries: Int
    /// TTBR's base is beyond `outputBits`: every walk is an address size
    /// fault at level 0.
    public let baseAddressFault: Bool
    /// HPDx: APTable, PXNTable and UXNTable are ignored.
    public let hierarchicalPermissionsDisabled: Bool
    /// E0PDx: EL0 accesses fault (translation, level 0).
    public let el0AccessFaults: Bool
    /// TCR_EL1.SHx, the shareability of memory when DS=1.
    public let walkShareability: Shareability
    /// TCR_EL1.HA: hardware sets AF instead of faulting.
    public let hardwareAccessFlag: Bool
    /// TCR_EL1.HD (with HA): writes to DBM=1 pages are allowed.
    public let hardwareDirty: Bool

    /// Bit `level + 1` is set for each level where a block is legal.
    @usableFromInline let blockLevels: UInt8

    // Input-address selection, precomputed from TCR.select's rule: an address
    // belongs to this half when `va & selectMask == selectValue`.
    @usableFromInline let selectMask: UInt64
    @usableFromInline let selectValue: UInt64
    /// The same for instruction fetches, which TBIDx=1 keeps from ignoring the top byte.
    @usableFromInline let fetchSelectMask: UInt64
    @usableFromInline let fetchSelectValue: UInt64


    /// VA[55] picks the half an address is looked up in (Arm ARM
    /// `AArch64.GetVARange`), whatever TBI says.
    @inlinable public static var rangeSelectBit: BitField { BitField(bit: 55) }

    /// Bits of the largest PA that `format` can express (52 with 64K or DS=1,
    /// else 48).
    @inlinable public static var largePhysicalAddressBits: Int { 52 }

    /// The effective output size of a half: IPS, capped at what the
    /// descriptor format holds (48 bits for 4K/16K without DS).
    public static func outputBits(granule: Granule, ds: Bool, paBits: Int) -> Int {
        let format = try? DescriptorFormat(granule: granule, ds: ds && granule != .k64, paBits: paBits)
        return min(paBits, format?.outputAddressBits ?? paBits)
    }

    /// Whether TTBR's BADDR[51:48] sit in [5:2]: the output size is 52 bits.
    @inlinable public var fiftyTwoBitBase: Bool { outputBits == Self.largePhysicalAddressBits }

    /// The half's parameters, or nil when its walks are disabled (EPDx=1) or
    /// its TCR fields are reserved or out of range (every access then takes a
    /// level 0 translation fault). `tcr` has the TCR_EL1 layout: TCR_EL1, or
    /// TCR_EL2 with HCR_EL2.E2H=1.
    public init?(tcr: TCR, ttbr register: TTBR, half: TranslationTableBase) {
        guard !tcr.walksDisabled(half), let granule = tcr.granule(half),
              let ips = tcr.physicalAddressSize, tcr.inputSizeSupported(half) else { return nil }
        let bits = tcr.inputBits(half)
        self.init(half: half, granule: granule, inputBits: bits, startLevel: granule.startLevel(inputBits: bits),
                  ds: tcr.ds, paBits: ips.bits, base: register.rawValue,
                  controls: HalfControls(hpd: tcr.hierarchicalPermissionsDisabled(half), e0pd: tcr.el0AccessFaults(half),
                                         tbi: tcr.topByteIgnored(half), fetchTBI: tcr.topByteIgnored(half, fetch: true),
                                         shareability: tcr.walkShareability(half), ha: tcr.hardwareAccessFlag,
                                         hd: tcr.hardwareAccessFlag && tcr[TCR.Field.hd] != 0))
    }

    /// The one range of the EL2 (E2H=0) or EL3 regime, from TCR_EL2 or
    /// TCR_EL3 and TTBR0_ELx; nil when TG0 or PS is reserved or T0SZ out of range.
    public init?<Control: SingleRangeTCR>(singleRange tcr: Control, ttbr register: TTBR) {
        typealias F = SingleRangeTCRField
        guard let granule = tcr.granule, let ps = tcr.physicalAddressSize else { return nil }
        let bits = tcr.inputBits
        guard (Granule.minInputBits...granule.maxInputBits(ds: tcr.ds && granule != .k64, lva: true)).contains(bits) else { return nil }
        let tbi = tcr[F.tbi] != 0
        let ha = tcr[F.ha] != 0
        self.init(half: .ttbr0, granule: granule, inputBits: bits, startLevel: granule.startLevel(inputBits: bits),
                  ds: tcr.ds, paBits: ps.bits, base: register.rawValue,
                  controls: HalfControls(hpd: tcr[F.hpd] != 0, e0pd: false, tbi: tbi, fetchTBI: tbi && tcr[F.tbid] == 0,
                                         shareability: Shareability(field: tcr[F.sh0]), ha: ha, hd: ha && tcr[F.hd] != 0))
    }

    /// The stage-2 input (IPA) space, from VTCR_EL2 and VTTBR_EL2: the start
    /// level and concatenated root tables from `Stage2Geometry`; nil when
    /// the VTCR_EL2 fields are reserved or inconsistent (every access then
    /// takes a level 0 stage-2 translation fault).
    public init?(vtcr: VTCR, vttbr: VTTBR, paMax: Int = Granule.implementedPABits) {
        guard let ps = vtcr.physicalAddressSize, let geometry = try? vtcr.geometry(paMax: paMax) else { return nil }
        let ha = vtcr[VTCR.Field.ha] != 0
        self.init(half: .ttbr0, granule: geometry.granule, inputBits: geometry.inputBits, startLevel: geometry.startLevel,
                  ds: vtcr.ds, paBits: ps.bits, base: vttbr.rawValue,
                  controls: HalfControls(hpd: true, e0pd: false, tbi: false, fetchTBI: false,
                                         shareability: Shareability(field: vtcr[VTCR.Field.sh0]), ha: ha,
                                         hd: ha && vtcr[VTCR.Field.hd] != 0))
    }

    /// The control bits of one half that are not geometry.
    struct HalfControls: Hashable, Sendable {
        /// HPD (stage 2: always, it has no hierarchical attributes).
        var hpd: Bool
        var e0pd: Bool
        /// TBI for data accesses, and for instruction fetches (TBID=1 keeps them from it).
        var tbi: Bool
        var fetchTBI: Bool
        var shareability: Shareability
        var ha: Bool
        var hd: Bool
    }

    /// The one place the geometry of a half is derived, for every regime.
    init?(half: TranslationTableBase, granule: Granule, inputBits bits: Int, startLevel: Level, ds dsField: Bool,
          paBits: Int, base registerValue: UInt64, controls c: HalfControls) {
        let ds = dsField && granule != .k64
        guard let format = try? DescriptorFormat(granule: granule, ds: ds, paBits: paBits) else { return nil }
        ttbr = half
        self.granule = granule
        inputBits = bits
        self.startLevel = startLevel
        self.format = format
        outputBits = min(paBits, format.outputAddressBits)
        // The start level indexes what is left above it: at stage 2 that
        // can be up to 4 more bits than one table (concatenated tables).
        let tableBytes: UInt64 = (1 &<< UInt64(bits - granule.shift(at: startLevel))) &* DescriptorLayout.bytes
        rootEntries = Int(tableBytes / DescriptorLayout.bytes)
        let fiftyTwo = outputBits == Self.largePhysicalAddressBits
        let base = TTBR(rawValue: registerValue).baseAddress(fiftyTwoBit: fiftyTwo)
        baseAddressFault = base >> UInt64(outputBits) != 0
        // A 52-bit base is at least 64-byte aligned; below the table size
        // (all concatenated tables, at stage 2) the walk ignores BADDR (RES0).
        rootAddress = base & ~(max(tableBytes, fiftyTwo ? TTBR.alignment52 : 1) &- 1)
        hierarchicalPermissionsDisabled = c.hpd
        el0AccessFaults = c.e0pd
        walkShareability = c.shareability
        hardwareAccessFlag = c.ha
        hardwareDirty = c.hd

        var blocks: UInt8 = 0
        for l in granule.levels(ds: ds) where granule.isBlockLegal(at: Level(uncheckedRawValue: l), ds: ds) {
            blocks |= 1 << (l + 1)
        }
        blockLevels = blocks

        func selection(tbi: Bool) -> UInt64 {
            let top = tbi ? 55 : 63
            return BitField(top, min(bits, top)).mask | Self.rangeSelectBit.mask
        }
        selectMask = selection(tbi: c.tbi)
        selectValue = half == .ttbr1 ? selectMask : 0
        fetchSelectMask = selection(tbi: c.fetchTBI)
        fetchSelectValue = half == .ttbr1 ? fetchSelectMask : 0
    }

    /// Lowest input-address bit that indexes `level`.
    @inlinable public func shift(at level: Level) -> Int { granule.shift(at: level) }

    /// Entries of the table at `level` (the start level may have fewer).
    @inlinable public func entries(at level: Level) -> Int {
        level == startLevel ? rootEntries : granule.entriesPerTable
    }

    /// Whether a block descriptor is legal at `level` in this half, as the
    /// MMU judges it (PAMax = 52, so 64K level-1 blocks are legal whatever
    /// the configured output size).
    @inlinable @inline(__always)
    public func isBlockLegal(at level: Level) -> Bool { Self.isBlockLegal(level.rawValue, in: blockLevels) }

    /// Whether `blockLevels` (bit `level + 1` per level with blocks) holds `level`.
    @inlinable @inline(__always)
    static func isBlockLegal(_ level: Int, in blockLevels: UInt8) -> Bool {
        blockLevels & (1 &<< UInt8(truncatingIfNeeded: level &+ 1)) != 0
    }

    /// Whether the builder places blocks at `level`: where they are legal,
    /// except 64K level-1 (4 TiB) blocks unless the output size is 52 bits,
    /// so that a layout declaring a smaller PA also runs on an implementation
    /// without FEAT_LPA, where such a block would fault.
    @inlinable
    public func buildsBlocks(at level: Level) -> Bool {
        isBlockLegal(at: level)
            && !(granule == .k64 && level == .one && outputBits < Granule.implementedPABits)
    }

    /// The canonical input addresses of this half (top byte as untagged).
    public var vaRange: ClosedRange<UInt64> {
        let span: UInt64 = (1 &<< UInt64(inputBits)) &- 1
        return ttbr == .ttbr0 ? 0...span : (~span)...UInt64.max
    }

    /// Whether `va` (tagged or not) belongs to this half.
    @inlinable @inline(__always)
    public func contains(_ va: UInt64) -> Bool { va & selectMask == selectValue }

    /// The full output or next-table address in `raw` (page-granular).
    @inlinable @inline(__always)
    public func address(of raw: UInt64) -> UInt64 { format.address(of: raw) }
}
