import VMSA

/// How one half of the input address space is set up.
public struct HalfConfiguration: Hashable, Sendable {
    /// TCR_EL1.TG0/TG1 of the half: its translation granule.
    public var granule: Granule
    /// Input address size, 64 - TxSZ.
    public var vaBits: Int
    /// TTBRn_EL1.ASID (TCR_EL1.A1=0: TTBR0's ASID is the current one).
    public var asid: UInt16
    /// TCR_EL1.HPDx: ignore APTable, PXNTable and UXNTable.
    public var hpd: Bool
    /// TCR_EL1.TBIx: ignore the top byte in address selection.
    public var tbi: Bool
    /// TCR_EL1.E0PDx: EL0 accesses to this half fault.
    public var e0pd: Bool
    /// Stage 2 only: the start level (VTCR_EL2.SL0/SL2); nil for the
    /// granule's natural start level, one level lower concatenates 2 to 16
    /// root tables. `asid` is the VMID there, `vaBits` the IPA size.
    public var startLevel: Level?

    /// A half of `vaBits` input bits with `granule` tables; the rest off.
    public init(granule: Granule, vaBits: Int = 48, asid: UInt16 = 0, hpd: Bool = false, tbi: Bool = false, e0pd: Bool = false,
                startLevel: Level? = nil) {
        self.startLevel = startLevel
        self.granule = granule
        self.vaBits = vaBits
        self.asid = asid
        self.hpd = hpd
        self.tbi = tbi
        self.e0pd = e0pd
    }
}

/// Everything about a regime except its mappings: its kind, where table
/// memory goes, the PA size, MAIR and each range's granule and input size.
/// The registers are derived from it (`tcr`, the regime's control register,
/// and the TTBRs once the root tables are placed). One-range regimes (EL2,
/// EL3, stage 2) use `ttbr0` only.
public struct RegimeConfiguration: Hashable, Sendable {
    /// The regime the tables are for.
    public var kind: TranslationRegimeKind
    /// Physical address of table memory; aligned to the largest granule used.
    public var tablesBase: UInt64
    /// TCR_EL1.IPS in bits: 32, 36, 40, 42, 44, 48 or 52.
    public var paBits: Int
    /// TCR_EL1.DS (FEAT_LPA2): 52-bit addresses for 4K and 16K.
    public var ds: Bool
    /// MAIR_EL1: the attributes AttrIndx selects.
    public var mair: MAIR
    /// Absent: TCR_EL1.EPD0=1.
    public var ttbr0: HalfConfiguration?
    /// Absent: TCR_EL1.EPD1=1.
    public var ttbr1: HalfConfiguration?
    /// TCR_EL1.HA: hardware Access flag update instead of access flag faults.
    public var hardwareAccessFlag: Bool
    /// TCR_EL1.HD (with HA): a write to a DBM=1 page makes it writable
    /// (clears AP[2]) instead of a permission fault.
    public var hardwareDirty: Bool

    /// A regime configuration; an absent half gets its EPDx bit set.
    public init(kind: TranslationRegimeKind = .el10, tablesBase: UInt64, paBits: Int = 48, ds: Bool = false, mair: MAIR,
                ttbr0: HalfConfiguration?, ttbr1: HalfConfiguration?, hardwareAccessFlag: Bool = false,
                hardwareDirty: Bool = false) {
        self.kind = kind
        self.tablesBase = tablesBase
        self.paBits = paBits
        self.ds = ds
        self.mair = mair
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        self.hardwareAccessFlag = hardwareAccessFlag
        self.hardwareDirty = hardwareDirty
    }

    /// The configuration of half `ttbr`, nil when it is absent.
    public func half(_ ttbr: TranslationTableBase) -> HalfConfiguration? { ttbr == .ttbr0 ? ttbr0 : ttbr1 }

    /// Cacheability of table walks: Normal Inner/Outer Write-Back
    /// Read/Write-Allocate (IRGNx/ORGNx = 0b01), as Linux's TCR_CACHE_FLAGS.
    package static let walkCacheability: UInt64 = 0b01
    /// Shareability of table walks (and, with DS=1, of memory): Inner
    /// Shareable, as Linux's TCR_SHARED.
    public static let walkShareability = Shareability.innerShareable
    /// TxSZ given to an absent half so that its TCR fields stay in range.
    static let absentHalfInputBits = 48

    /// Checks the configuration; every error names the value.
    public func validate() throws(BuildError) {
        guard let pa = PhysicalAddressSize(bits: paBits) else { throw .vmsa(.unsupportedPASize(paBits)) }
        _ = pa
        guard ttbr0 != nil || ttbr1 != nil else { throw .noHalves }
        if !kind.hasTwoRanges {
            guard ttbr0 != nil else { throw .oneRangeRegime(kind, "ttbr0") }
            guard ttbr1 == nil else { throw .oneRangeRegime(kind, "ttbr1") }
        }
        guard !hardwareDirty || hardwareAccessFlag else { throw .dirtyWithoutAccessFlag }
        if kind == .s2, let h = ttbr0 {
            do { _ = try stage2Geometry(h) } catch { throw .stage2Setup(error) }
        } else if ttbr0?.startLevel != nil || ttbr1?.startLevel != nil {
            throw .startLevelOutsideStage2
        }
        var largest: Granule?
        for t in TranslationTableBase.allCases {
            guard let h = half(t) else { continue }
            let dsHere = ds && h.granule != .k64
            let range = Granule.minInputBits...h.granule.maxInputBits(ds: dsHere, lva: true)
            guard kind == .s2 || range.contains(h.vaBits) else { throw .vmsa(.inputBitsOutOfRange(h.vaBits, h.granule, range)) }
            if largest == nil || h.granule.pageSize > largest!.pageSize { largest = h.granule }
        }
        if let g = largest, tablesBase & (g.pageSize - 1) != 0 { throw .tablesBaseMisaligned(tablesBase, g) }
        let limit = outputBits
        guard tablesBase >> UInt64(limit) == 0 else { throw .tablesBeyondPASize(address: tablesBase, bits: limit) }
    }

    /// The smallest effective output size of the present halves (a 4K or 16K
    /// half without DS is capped at 48 bits).
    var outputBits: Int {
        var bits = paBits
        for t in TranslationTableBase.allCases {
            guard let h = half(t) else { continue }
            bits = min(bits, RegimeHalf.outputBits(granule: h.granule, ds: ds, paBits: paBits))
        }
        return bits
    }

    /// The stage-2 start level and root concatenation of `h`: the natural
    /// start level for its IPA size, or the one it names.
    func stage2Geometry(_ h: HalfConfiguration) throws(Stage2SetupError) -> Stage2Geometry {
        let level = h.startLevel ?? h.granule.startLevel(inputBits: h.vaBits)
        let (sl0, sl2) = Stage2Geometry.startLevelEncoding(h.granule, level: level)
        return try Stage2Geometry(granule: h.granule, t0sz: 64 - h.vaBits, sl0: sl0, sl2: sl2, ds: ds, paMax: Granule.implementedPABits)
    }

    /// The regime's control register for this configuration: TCR_EL1 (or
    /// TCR_EL2 with E2H=1), TCR_EL2/TCR_EL3 or VTCR_EL2 (`tcrEL1Layout`,
    /// `singleRangeControl`, `vtcr`).
    public var tcr: TCR {
        switch kind {
        case .el10, .el20: tcrEL1Layout
        case .el2, .el3: TCR(rawValue: singleRangeControl)
        case .s2: TCR(rawValue: vtcr.rawValue)
        }
    }

    /// TCR_EL2 without E2H or TCR_EL3: TG0/T0SZ, walks Inner Shareable
    /// Write-Back, PS, DS, HA/HD, HPD and TBI as asked, RES1 bits set.
    var singleRangeControl: UInt64 {
        typealias F = SingleRangeTCRField
        var t = TCREL2(rawValue: F.res1)
        guard let h = ttbr0 else { return t.rawValue }
        t[F.t0sz] = UInt64(64 - h.vaBits)
        t[F.tg0] = h.granule.tg0
        t[F.irgn0] = Self.walkCacheability
        t[F.orgn0] = Self.walkCacheability
        t[F.sh0] = Self.walkShareability.rawValue
        t[F.ps] = PhysicalAddressSize(bits: paBits)?.rawValue ?? 0
        t[F.tbi] = h.tbi ? 1 : 0
        t[F.hpd] = h.hpd ? 1 : 0
        t[F.ds] = ds ? 1 : 0
        t[F.ha] = hardwareAccessFlag ? 1 : 0
        t[F.hd] = hardwareDirty ? 1 : 0
        return t.rawValue
    }

    /// VTCR_EL2: T0SZ, SL0/SL2 from the start level, TG0, PS, walks Inner
    /// Shareable Write-Back, VS=1 (16-bit VMIDs), DS, HA/HD, RES1 bit 31.
    public var vtcr: VTCR {
        typealias F = VTCR.Field
        var v = VTCR(rawValue: VTCR.res1Mask)
        guard let h = ttbr0 else { return v }
        let level = h.startLevel ?? h.granule.startLevel(inputBits: h.vaBits)
        let (sl0, sl2) = Stage2Geometry.startLevelEncoding(h.granule, level: level)
        v[F.t0sz] = UInt64(64 - h.vaBits)
        v[F.sl0] = UInt64(sl0)
        v[F.sl2] = sl2 ? 1 : 0
        v[F.tg0] = h.granule.tg0
        v[F.irgn0] = Self.walkCacheability
        v[F.orgn0] = Self.walkCacheability
        v[F.sh0] = Self.walkShareability.rawValue
        v[F.ps] = PhysicalAddressSize(bits: paBits)?.rawValue ?? 0
        v[F.vs] = 1
        v[F.ds] = ds ? 1 : 0
        v[F.ha] = hardwareAccessFlag ? 1 : 0
        v[F.hd] = hardwareDirty ? 1 : 0
        return v
    }

    /// TCR_EL1 (the layout TCR_EL2 has with E2H=1) for this configuration:
    /// TGx/TxSZ per half (`TCR.configure`),
    /// walks Inner Shareable Write-Back, EPDx=1 for an absent half, IPS from
    /// `paBits`, A1=0 (ASID from TTBR0), AS=1 (16-bit ASIDs), DS, HA, and
    /// HPDx/TBIx/E0PDx as asked.
    package var tcrEL1Layout: TCR {
        var t = TCR(rawValue: 0)
        typealias F = TCR.Field
        for half in TranslationTableBase.allCases {
            let zero = half == .ttbr0
            if let h = self.half(half) {
                t.configure(half, granule: h.granule, inputBits: h.vaBits)
                t[zero ? F.irgn0 : F.irgn1] = Self.walkCacheability
                t[zero ? F.orgn0 : F.orgn1] = Self.walkCacheability
                t[zero ? F.sh0 : F.sh1] = Self.walkShareability.rawValue
                t[zero ? F.hpd0 : F.hpd1] = h.hpd ? 1 : 0
                t[zero ? F.tbi0 : F.tbi1] = h.tbi ? 1 : 0
                t[zero ? F.e0pd0 : F.e0pd1] = h.e0pd ? 1 : 0
            } else {
                t.configure(half, granule: .k4, inputBits: Self.absentHalfInputBits)
                t[zero ? F.epd0 : F.epd1] = 1
            }
        }
        t[F.ips] = PhysicalAddressSize(bits: paBits)?.rawValue ?? 0
        t[F.as] = 1
        t[F.ds] = ds ? 1 : 0
        t[F.ha] = hardwareAccessFlag ? 1 : 0
        t[F.hd] = hardwareDirty ? 1 : 0
        return t
    }
}
