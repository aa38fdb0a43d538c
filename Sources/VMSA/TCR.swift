/// TCR_EL1, the Translation Control Register of the EL1&0 regime.
/// TTBR0's fields end in 0 and TTBR1's in 1; note that TG0 and TG1 encode
/// the granules differently.
public struct TCR: SystemRegister, CustomStringConvertible {
    /// The 64-bit value of TCR_EL1, as MRS reads it.
    public var rawValue: UInt64
    /// TCR_EL1 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `TCR_EL1`.
    public static let name = "TCR_EL1"

    /// The fields of TCR_EL1, each by its Arm ARM name and bit positions.
    public enum Field {
        /// TCR_EL1.T0SZ, bits [5:0]: TTBR0 region size: 2^(64-T0SZ) bytes.
        public static let t0sz = RegisterField("t0sz", "T0SZ", BitField(5, 0), .number, "TTBR0 region size: 2^(64-T0SZ) bytes")
        /// TCR_EL1.EPD0, bit [7]: TTBR0 walks disabled.
        public static let epd0 = RegisterField("epd0", "EPD0", BitField(bit: 7), .flag, "TTBR0 walks disabled")
        /// TCR_EL1.IRGN0, bits [9:8]: TTBR0 walk inner cacheability.
        public static let irgn0 = RegisterField("irgn0", "IRGN0", BitField(9, 8), .number, "TTBR0 walk inner cacheability")
        /// TCR_EL1.ORGN0, bits [11:10]: TTBR0 walk outer cacheability.
        public static let orgn0 = RegisterField("orgn0", "ORGN0", BitField(11, 10), .number, "TTBR0 walk outer cacheability")
        /// TCR_EL1.SH0, bits [13:12]: TTBR0 walk shareability.
        public static let sh0 = RegisterField("sh0", "SH0", BitField(13, 12), .number, "TTBR0 walk shareability")
        /// TCR_EL1.TG0, bits [15:14]: TTBR0 granule: 00 4K, 01 64K, 10 16K.
        public static let tg0 = RegisterField("tg0", "TG0", BitField(15, 14), .number, "TTBR0 granule: 00 4K, 01 64K, 10 16K")
        /// TCR_EL1.T1SZ, bits [21:16]: TTBR1 region size: 2^(64-T1SZ) bytes.
        public static let t1sz = RegisterField("t1sz", "T1SZ", BitField(21, 16), .number, "TTBR1 region size: 2^(64-T1SZ) bytes")
        /// TCR_EL1.A1, bit [22]: ASID comes from TTBR1 (else TTBR0).
        public static let a1 = RegisterField("a1", "A1", BitField(bit: 22), .flag, "ASID comes from TTBR1 (else TTBR0)")
        /// TCR_EL1.EPD1, bit [23]: TTBR1 walks disabled.
        public static let epd1 = RegisterField("epd1", "EPD1", BitField(bit: 23), .flag, "TTBR1 walks disabled")
        /// TCR_EL1.IRGN1, bits [25:24]: TTBR1 walk inner cacheability.
        public static let irgn1 = RegisterField("irgn1", "IRGN1", BitField(25, 24), .number, "TTBR1 walk inner cacheability")
        /// TCR_EL1.ORGN1, bits [27:26]: TTBR1 walk outer cacheability.
        public static let orgn1 = RegisterField("orgn1", "ORGN1", BitField(27, 26), .number, "TTBR1 walk outer cacheability")
        /// TCR_EL1.SH1, bits [29:28]: TTBR1 walk shareability.
        public static let sh1 = RegisterField("sh1", "SH1", BitField(29, 28), .number, "TTBR1 walk shareability")
        /// TCR_EL1.TG1, bits [31:30]: TTBR1 granule: 01 16K, 10 4K, 11 64K.
        public static let tg1 = RegisterField("tg1", "TG1", BitField(31, 30), .number, "TTBR1 granule: 01 16K, 10 4K, 11 64K")
        /// TCR_EL1.IPS, bits [34:32]: Intermediate physical address size.
        public static let ips = RegisterField("ips", "IPS", BitField(34, 32), .number, "intermediate physical address size")
        /// TCR_EL1.AS, bit [36]: 16-bit ASIDs (else 8-bit).
        public static let `as` = RegisterField("as", "AS", BitField(bit: 36), .flag, "16-bit ASIDs (else 8-bit)")
        /// TCR_EL1.TBI0, bit [37]: TTBR0 top byte ignored.
        public static let tbi0 = RegisterField("tbi0", "TBI0", BitField(bit: 37), .flag, "TTBR0 top byte ignored")
        /// TCR_EL1.TBI1, bit [38]: TTBR1 top byte ignored.
        public static let tbi1 = RegisterField("tbi1", "TBI1", BitField(bit: 38), .flag, "TTBR1 top byte ignored")
        /// TCR_EL1.HA, bit [39]: Hardware Access flag update.
        public static let ha = RegisterField("ha", "HA", BitField(bit: 39), .flag, "hardware Access flag update")
        /// TCR_EL1.HD, bit [40]: Hardware dirty state update.
        public static let hd = RegisterField("hd", "HD", BitField(bit: 40), .flag, "hardware dirty state update")
        /// TCR_EL1.HPD0, bit [41]: TTBR0 hierarchical permissions disabled.
        public static let hpd0 = RegisterField("hpd0", "HPD0", BitField(bit: 41), .flag, "TTBR0 hierarchical permissions disabled")
        /// TCR_EL1.HPD1, bit [42]: TTBR1 hierarchical permissions disabled.
        public static let hpd1 = RegisterField("hpd1", "HPD1", BitField(bit: 42), .flag, "TTBR1 hierarchical permissions disabled")
        /// TCR_EL1.HWU0[62:59], bits [46:43]: TTBR0 hardware use of descriptor bits 62:59.
        public static let hwu0 = RegisterField("hwu0", "HWU0[62:59]", BitField(46, 43), .number, "TTBR0 hardware use of descriptor bits 62:59")
        /// TCR_EL1.HWU1[62:59], bits [50:47]: TTBR1 hardware use of descriptor bits 62:59.
        public static let hwu1 = RegisterField("hwu1", "HWU1[62:59]", BitField(50, 47), .number, "TTBR1 hardware use of descriptor bits 62:59")
        /// TCR_EL1.TBID0, bit [51]: TBI0 for data accesses only.
        public static let tbid0 = RegisterField("tbid0", "TBID0", BitField(bit: 51), .flag, "TBI0 for data accesses only")
        /// TCR_EL1.TBID1, bit [52]: TBI1 for data accesses only.
        public static let tbid1 = RegisterField("tbid1", "TBID1", BitField(bit: 52), .flag, "TBI1 for data accesses only")
        /// TCR_EL1.NFD0, bit [53]: TTBR0 non-fault translation disabled for SVE.
        public static let nfd0 = RegisterField("nfd0", "NFD0", BitField(bit: 53), .flag, "TTBR0 non-fault translation disabled for SVE")
        /// TCR_EL1.NFD1, bit [54]: TTBR1 non-fault translation disabled for SVE.
        public static let nfd1 = RegisterField("nfd1", "NFD1", BitField(bit: 54), .flag, "TTBR1 non-fault translation disabled for SVE")
        /// TCR_EL1.E0PD0, bit [55]: EL0 access to TTBR0 range faults.
        public static let e0pd0 = RegisterField("e0pd0", "E0PD0", BitField(bit: 55), .flag, "EL0 access to TTBR0 range faults")
        /// TCR_EL1.E0PD1, bit [56]: EL0 access to TTBR1 range faults.
        public static let e0pd1 = RegisterField("e0pd1", "E0PD1", BitField(bit: 56), .flag, "EL0 access to TTBR1 range faults")
        /// TCR_EL1.TCMA0, bit [57]: TTBR0 unchecked tag 0 accesses (MTE).
        public static let tcma0 = RegisterField("tcma0", "TCMA0", BitField(bit: 57), .flag, "TTBR0 unchecked tag 0 accesses (MTE)")
        /// TCR_EL1.TCMA1, bit [58]: TTBR1 unchecked tag 0xf accesses (MTE).
        public static let tcma1 = RegisterField("tcma1", "TCMA1", BitField(bit: 58), .flag, "TTBR1 unchecked tag 0xf accesses (MTE)")
        /// TCR_EL1.DS, bit [59]: 52-bit addresses with 4K/16K (FEAT_LPA2).
        public static let ds = RegisterField("ds", "DS", BitField(bit: 59), .flag, "52-bit addresses with 4K/16K (FEAT_LPA2)")
        /// TCR_EL1.MTX0, bit [60]: TTBR0 extended memory tag.
        public static let mtx0 = RegisterField("mtx0", "MTX0", BitField(bit: 60), .flag, "TTBR0 extended memory tag")
        /// TCR_EL1.MTX1, bit [61]: TTBR1 extended memory tag.
        public static let mtx1 = RegisterField("mtx1", "MTX1", BitField(bit: 61), .flag, "TTBR1 extended memory tag")
    }

    /// The named fields of TCR_EL1, lowest bit first.
    public static let fields: [RegisterField] = [
        Field.t0sz, Field.epd0, Field.irgn0, Field.orgn0, Field.sh0, Field.tg0,
        Field.t1sz, Field.a1, Field.epd1, Field.irgn1, Field.orgn1, Field.sh1, Field.tg1,
        Field.ips, Field.as, Field.tbi0, Field.tbi1, Field.ha, Field.hd, Field.hpd0, Field.hpd1,
        Field.hwu0, Field.hwu1, Field.tbid0, Field.tbid1, Field.nfd0, Field.nfd1,
        Field.e0pd0, Field.e0pd1, Field.tcma0, Field.tcma1, Field.ds, Field.mtx0, Field.mtx1,
    ]

    // Typed projections of the fields that decide translation.

    /// The granule of one half; nil for a reserved TGx encoding.
    public func granule(_ half: TranslationTableBase) -> Granule? {
        half == .ttbr0 ? Granule(tg0: self[Field.tg0]) : Granule(tg1: self[Field.tg1])
    }

    /// TxSZ of one half.
    public func txsz(_ half: TranslationTableBase) -> Int {
        Int(self[half == .ttbr0 ? Field.t0sz : Field.t1sz])
    }

    /// Input address size of one half: 64 - TxSZ.
    public func inputBits(_ half: TranslationTableBase) -> Int { 64 - txsz(half) }

    /// EPDx of one half: walks of that half's range fault (translation fault, no walk).
    public func walksDisabled(_ half: TranslationTableBase) -> Bool {
        self[half == .ttbr0 ? Field.epd0 : Field.epd1] != 0
    }

    /// Whether the top byte of an address of this half is ignored (TBIx),
    /// for a data access or, with `fetch`, an instruction fetch: TBIDx=1
    /// limits TBIx to data accesses (Arm ARM `AArch64.AddrTop`).
    public func topByteIgnored(_ half: TranslationTableBase, fetch: Bool = false) -> Bool {
        guard self[half == .ttbr0 ? Field.tbi0 : Field.tbi1] != 0 else { return false }
        return !(fetch && self[half == .ttbr0 ? Field.tbid0 : Field.tbid1] != 0)
    }

    /// HPDx of one half: the table descriptors' APTable, PXNTable and UXNTable are ignored.
    public func hierarchicalPermissionsDisabled(_ half: TranslationTableBase) -> Bool {
        self[half == .ttbr0 ? Field.hpd0 : Field.hpd1] != 0
    }

    /// E0PDx of one half (FEAT_E0PD): an EL0 access to that half's range faults.
    public func el0AccessFaults(_ half: TranslationTableBase) -> Bool {
        self[half == .ttbr0 ? Field.e0pd0 : Field.e0pd1] != 0
    }

    /// SHx of one half: the shareability of that half's table walks.
    public func walkShareability(_ half: TranslationTableBase) -> Shareability {
        Shareability(rawValue: self[half == .ttbr0 ? Field.sh0 : Field.sh1])!
    }

    /// IPS: the intermediate physical address size; nil for a reserved encoding.
    public var physicalAddressSize: PhysicalAddressSize? { PhysicalAddressSize(rawValue: self[Field.ips]) }
    /// DS: 52-bit output and input addresses with the 4K and 16K granules (FEAT_LPA2).
    public var ds: Bool { self[Field.ds] != 0 }
    /// HA: the hardware sets the Access flag instead of an Access flag fault (FEAT_HAFDBS).
    public var hardwareAccessFlag: Bool { self[Field.ha] != 0 }

    /// Sets the fields of one half from a granule and VA size, the way a
    /// layout describes it. TG0 and TG1 get their own encodings.
    public mutating func configure(_ half: TranslationTableBase, granule: Granule, inputBits: Int) {
        if half == .ttbr0 {
            self[Field.tg0] = granule.tg0
            self[Field.t0sz] = UInt64(64 - inputBits)
        } else {
            self[Field.tg1] = granule.tg1
            self[Field.t1sz] = UInt64(64 - inputBits)
        }
    }

    /// The descriptor format one half walks with; nil for a reserved granule
    /// or IPS encoding.
    public func descriptorFormat(_ half: TranslationTableBase) -> DescriptorFormat? {
        guard let granule = granule(half), let pa = physicalAddressSize else { return nil }
        return try? DescriptorFormat(granule: granule, ds: ds && granule != .k64, paBits: pa.bits)
    }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}

/// The two halves of the EL1&0 regime's input address space.
public enum TranslationTableBase: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// TTBR0_EL1 (the lower range, VA[63:55] zero) and TTBR1_EL1 (the upper range, VA[63:55] one).
    case ttbr0 = 0, ttbr1 = 1
    /// The register name: `TTBR0_EL1` or `TTBR1_EL1`.
    public var description: String { self == .ttbr0 ? "TTBR0_EL1" : "TTBR1_EL1" }
}
