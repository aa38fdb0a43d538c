/// VTCR_EL2, the Virtualization Translation Control Register: the stage-2
/// translation of the EL1&0 regime (Linux arch/arm64/tools/sysreg,
/// kvm_arm.h VTCR_EL2_*). One input range, TG0 encoded as TCR_EL1.TG0;
/// SL0 (with SL2 for 4K and DS=1) picks the start level.
public struct VTCR: SystemRegister, CustomStringConvertible {
    /// The 64-bit value of VTCR_EL2, as MRS reads it.
    public var rawValue: UInt64
    /// VTCR_EL2 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `VTCR_EL2`.
    public static let name = "VTCR_EL2"
    /// Bit 31 is RES1 (Linux VTCR_EL2_RES1).
    public static let res1Mask: UInt64 = BitField(bit: 31).mask

    /// The fields of VTCR_EL2, each by its Arm ARM name and bit positions.
    public enum Field {
        /// VTCR_EL2.T0SZ, bits [5:0]: IPA size: 2^(64-T0SZ) bytes.
        public static let t0sz = RegisterField("t0sz", "T0SZ", BitField(5, 0), .number, "IPA size: 2^(64-T0SZ) bytes")
        /// VTCR_EL2.SL0, bits [7:6]: Start level (meaning depends on TG0).
        public static let sl0 = RegisterField("sl0", "SL0", BitField(7, 6), .number, "start level (meaning depends on TG0)")
        /// VTCR_EL2.IRGN0, bits [9:8]: Walk inner cacheability.
        public static let irgn0 = RegisterField("irgn0", "IRGN0", BitField(9, 8), .number, "walk inner cacheability")
        /// VTCR_EL2.ORGN0, bits [11:10]: Walk outer cacheability.
        public static let orgn0 = RegisterField("orgn0", "ORGN0", BitField(11, 10), .number, "walk outer cacheability")
        /// VTCR_EL2.SH0, bits [13:12]: Walk shareability.
        public static let sh0 = RegisterField("sh0", "SH0", BitField(13, 12), .number, "walk shareability")
        /// VTCR_EL2.TG0, bits [15:14]: Granule: 00 4K, 01 64K, 10 16K.
        public static let tg0 = RegisterField("tg0", "TG0", BitField(15, 14), .number, "granule: 00 4K, 01 64K, 10 16K")
        /// VTCR_EL2.PS, bits [18:16]: Physical address size of stage-2 output.
        public static let ps = RegisterField("ps", "PS", BitField(18, 16), .number, "physical address size of stage-2 output")
        /// VTCR_EL2.VS, bit [19]: 16-bit VMIDs (else 8-bit).
        public static let vs = RegisterField("vs", "VS", BitField(bit: 19), .flag, "16-bit VMIDs (else 8-bit)")
        /// VTCR_EL2.HA, bit [21]: Hardware Access flag update.
        public static let ha = RegisterField("ha", "HA", BitField(bit: 21), .flag, "hardware Access flag update")
        /// VTCR_EL2.HD, bit [22]: Hardware dirty state update.
        public static let hd = RegisterField("hd", "HD", BitField(bit: 22), .flag, "hardware dirty state update")
        /// VTCR_EL2.HWU59, bit [25]: Hardware use of descriptor bit 59.
        public static let hwu59 = RegisterField("hwu59", "HWU59", BitField(bit: 25), .flag, "hardware use of descriptor bit 59")
        /// VTCR_EL2.HWU60, bit [26]: Hardware use of descriptor bit 60.
        public static let hwu60 = RegisterField("hwu60", "HWU60", BitField(bit: 26), .flag, "hardware use of descriptor bit 60")
        /// VTCR_EL2.HWU61, bit [27]: Hardware use of descriptor bit 61.
        public static let hwu61 = RegisterField("hwu61", "HWU61", BitField(bit: 27), .flag, "hardware use of descriptor bit 61")
        /// VTCR_EL2.HWU62, bit [28]: Hardware use of descriptor bit 62.
        public static let hwu62 = RegisterField("hwu62", "HWU62", BitField(bit: 28), .flag, "hardware use of descriptor bit 62")
        /// VTCR_EL2.NSW, bit [29]: Secure stage 2 walks go to Non-secure PA.
        public static let nsw = RegisterField("nsw", "NSW", BitField(bit: 29), .flag, "Secure stage 2 walks go to Non-secure PA")
        /// VTCR_EL2.NSA, bit [30]: Secure stage 2 output is Non-secure PA.
        public static let nsa = RegisterField("nsa", "NSA", BitField(bit: 30), .flag, "Secure stage 2 output is Non-secure PA")
        /// VTCR_EL2.DS, bit [32]: 52-bit addresses with 4K/16K (FEAT_LPA2).
        public static let ds = RegisterField("ds", "DS", BitField(bit: 32), .flag, "52-bit addresses with 4K/16K (FEAT_LPA2)")
        /// VTCR_EL2.SL2, bit [33]: With SL0=0, 4K and DS=1: start at level -1.
        public static let sl2 = RegisterField("sl2", "SL2", BitField(bit: 33), .flag, "with SL0=0, 4K and DS=1: start at level -1")
        /// VTCR_EL2.AssuredOnly, bit [34]: AssuredOnly attribute enable (FEAT_THE).
        public static let assuredOnly = RegisterField("assuredOnly", "AssuredOnly", BitField(bit: 34), .flag, "AssuredOnly attribute enable (FEAT_THE)")
        /// VTCR_EL2.TL1, bit [35]: TopLevel1 check (FEAT_THE).
        public static let tl1 = RegisterField("tl1", "TL1", BitField(bit: 35), .flag, "TopLevel1 check (FEAT_THE)")
        /// VTCR_EL2.S2PIE, bit [36]: Stage 2 permission indirection (FEAT_S2PIE).
        public static let s2pie = RegisterField("s2pie", "S2PIE", BitField(bit: 36), .flag, "stage 2 permission indirection (FEAT_S2PIE)")
        /// VTCR_EL2.S2POE, bit [37]: Stage 2 permission overlay (FEAT_S2POE).
        public static let s2poe = RegisterField("s2poe", "S2POE", BitField(bit: 37), .flag, "stage 2 permission overlay (FEAT_S2POE)")
        /// VTCR_EL2.D128, bit [38]: 128-bit descriptors (FEAT_D128).
        public static let d128 = RegisterField("d128", "D128", BitField(bit: 38), .flag, "128-bit descriptors (FEAT_D128)")
        /// VTCR_EL2.GCSH, bit [40]: Guarded control stack hardening (FEAT_THE).
        public static let gcsh = RegisterField("gcsh", "GCSH", BitField(bit: 40), .flag, "guarded control stack hardening (FEAT_THE)")
        /// VTCR_EL2.TL0, bit [41]: TopLevel0 check (FEAT_THE).
        public static let tl0 = RegisterField("tl0", "TL0", BitField(bit: 41), .flag, "TopLevel0 check (FEAT_THE)")
    }

    /// The named fields of VTCR_EL2, lowest bit first.
    public static let fields: [RegisterField] = [
        Field.t0sz, Field.sl0, Field.irgn0, Field.orgn0, Field.sh0, Field.tg0, Field.ps, Field.vs, Field.ha, Field.hd,
        Field.hwu59, Field.hwu60, Field.hwu61, Field.hwu62, Field.nsw, Field.nsa, Field.ds, Field.sl2,
        Field.assuredOnly, Field.tl1, Field.s2pie, Field.s2poe, Field.d128, Field.gcsh, Field.tl0,
    ]

    /// TG0: the stage-2 granule; nil for the reserved encoding.
    public var granule: Granule? { Granule(tg0: self[Field.tg0]) }
    /// IPA size: 64 - T0SZ.
    public var inputBits: Int { 64 - Int(self[Field.t0sz]) }
    /// PS: the stage-2 output (physical) address size; nil for a reserved encoding.
    public var physicalAddressSize: PhysicalAddressSize? { PhysicalAddressSize(rawValue: self[Field.ps]) }
    /// DS: 52-bit addresses with the 4K and 16K granules (FEAT_LPA2).
    public var ds: Bool { self[Field.ds] != 0 }
    /// VS: 16-bit VMIDs in VTTBR_EL2[63:48] (else 8-bit in [55:48]).
    public var sixteenBitVMID: Bool { self[Field.vs] != 0 }

    /// The stage-2 start level and concatenated root tables these fields
    /// give on a PE with `paMax`-bit physical addresses.
    public func geometry(paMax: Int, ttst: Bool = false) throws(Stage2SetupError) -> Stage2Geometry {
        guard let granule else { throw .reservedGranule(self[Field.tg0]) }
        return try Stage2Geometry(granule: granule, t0sz: Int(self[Field.t0sz]), sl0: Int(self[Field.sl0]),
                                  sl2: self[Field.sl2] != 0, ds: ds, paMax: paMax, ttst: ttst)
    }

    /// The descriptor format of the stage-2 tables (PS as the PA size).
    public var descriptorFormat: DescriptorFormat? {
        guard let granule, let pa = physicalAddressSize else { return nil }
        return try? DescriptorFormat(granule: granule, ds: ds && granule != .k64, paBits: pa.bits)
    }

    /// Every problem of this value: reserved TG0 or PS, RES0/RES1 bits and
    /// an SL0/SL2/T0SZ combination the Arm ARM does not allow.
    public func problems(paMax: Int) -> [RegisterProblem] {
        var found: [RegisterProblem] = []
        if physicalAddressSize == nil { found.append(.reservedEncoding(field: "PS", value: self[Field.ps])) }
        do { _ = try geometry(paMax: paMax) } catch { found.append(.stage2Setup(error)) }
        return found + reservedBitProblems
    }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
