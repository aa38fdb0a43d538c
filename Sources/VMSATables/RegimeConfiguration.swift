import VMSA

/// How one half of the input address space is set up.
public struct HalfConfiguration: Hashable, Sendable {
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

    public init(granule: Granule, vaBits: Int = 48, asid: UInt16 = 0, hpd: Bool = false, tbi: Bool = false, e0pd: Bool = false) {
        self.granule = granule
        self.vaBits = vaBits
        self.asid = asid
        self.hpd = hpd
        self.tbi = tbi
        self.e0pd = e0pd
    }
}

/// Everything about an EL1&0 regime except its mappings: where table memory
/// goes, the PA size, MAIR_EL1 and each half's granule and VA size. The
/// registers are derived from it (`tcr`, and the TTBRs once the root tables
/// are placed).
public struct RegimeConfiguration: Hashable, Sendable {
    /// Physical address of table memory; aligned to the largest granule used.
    public var tablesBase: UInt64
    /// TCR_EL1.IPS in bits: 32, 36, 40, 42, 44, 48 or 52.
    public var paBits: Int
    /// TCR_EL1.DS (FEAT_LPA2): 52-bit addresses for 4K and 16K.
    public var ds: Bool
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

    public init(tablesBase: UInt64, paBits: Int = 48, ds: Bool = false, mair: MAIR,
                ttbr0: HalfConfiguration?, ttbr1: HalfConfiguration?, hardwareAccessFlag: Bool = false,
                hardwareDirty: Bool = false) {
        self.tablesBase = tablesBase
        self.paBits = paBits
        self.ds = ds
        self.mair = mair
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        self.hardwareAccessFlag = hardwareAccessFlag
        self.hardwareDirty = hardwareDirty
    }

    public func half(_ ttbr: TranslationTableBase) -> HalfConfiguration? { ttbr == .ttbr0 ? ttbr0 : ttbr1 }

    /// Cacheability of table walks: Normal Inner/Outer Write-Back
    /// Read/Write-Allocate (IRGNx/ORGNx = 0b01), as Linux's TCR_CACHE_FLAGS.
    public static let walkCacheability: UInt64 = 0b01
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
        guard !hardwareDirty || hardwareAccessFlag else { throw .dirtyWithoutAccessFlag }
        var largest: Granule?
        for t in TranslationTableBase.allCases {
            guard let h = half(t) else { continue }
            let dsHere = ds && h.granule != .k64
            let range = Granule.minInputBits...h.granule.maxInputBits(ds: dsHere, lva: true)
            guard range.contains(h.vaBits) else { throw .vmsa(.inputBitsOutOfRange(h.vaBits, h.granule, range)) }
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

    /// TCR_EL1 for this configuration: TGx/TxSZ per half (`TCR.configure`),
    /// walks Inner Shareable Write-Back, EPDx=1 for an absent half, IPS from
    /// `paBits`, A1=0 (ASID from TTBR0), AS=1 (16-bit ASIDs), DS, HA, and
    /// HPDx/TBIx/E0PDx as asked.
    public var tcr: TCR {
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
