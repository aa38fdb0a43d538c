/// VTCR_EL2, the Virtualization Translation Control Register: the stage-2
/// translation of the EL1&0 regime (Linux arch/arm64/tools/sysreg,
/// kvm_arm.h VTCR_EL2_*). One input range, TG0 encoded as TCR_EL1.TG0;
/// SL0 (with SL2 for 4K and DS=1) picks the start level.
public struct VTCR: SystemRegister, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let name = "VTCR_EL2"
    /// Bit 31 is RES1 (Linux VTCR_EL2_RES1).
    public static let res1Mask: UInt64 = BitField(bit: 31).mask

    public enum Field {
        public static let t0sz = RegisterField("t0sz", "T0SZ", BitField(5, 0), .number, "IPA size: 2^(64-T0SZ) bytes")
        public static let sl0 = RegisterField("sl0", "SL0", BitField(7, 6), .number, "start level (meaning depends on TG0)")
        public static let irgn0 = RegisterField("irgn0", "IRGN0", BitField(9, 8), .number, "walk inner cacheability")
        public static let orgn0 = RegisterField("orgn0", "ORGN0", BitField(11, 10), .number, "walk outer cacheability")
        public static let sh0 = RegisterField("sh0", "SH0", BitField(13, 12), .number, "walk shareability")
        public static let tg0 = RegisterField("tg0", "TG0", BitField(15, 14), .number, "granule: 00 4K, 01 64K, 10 16K")
        public static let ps = RegisterField("ps", "PS", BitField(18, 16), .number, "physical address size of stage-2 output")
        public static let vs = RegisterField("vs", "VS", BitField(bit: 19), .flag, "16-bit VMIDs (else 8-bit)")
        public static let ha = RegisterField("ha", "HA", BitField(bit: 21), .flag, "hardware Access flag update")
        public static let hd = RegisterField("hd", "HD", BitField(bit: 22), .flag, "hardware dirty state update")
        public static let hwu59 = RegisterField("hwu59", "HWU59", BitField(bit: 25), .flag, "hardware use of descriptor bit 59")
        public static let hwu60 = RegisterField("hwu60", "HWU60", BitField(bit: 26), .flag, "hardware use of descriptor bit 60")
        public static let hwu61 = RegisterField("hwu61", "HWU61", BitField(bit: 27), .flag, "hardware use of descriptor bit 61")
        public static let hwu62 = RegisterField("hwu62", "HWU62", BitField(bit: 28), .flag, "hardware use of descriptor bit 62")
        public static let nsw = RegisterField("nsw", "NSW", BitField(bit: 29), .flag, "Secure stage 2 walks go to Non-secure PA")
        public static let nsa = RegisterField("nsa", "NSA", BitField(bit: 30), .flag, "Secure stage 2 output is Non-secure PA")
        public static let ds = RegisterField("ds", "DS", BitField(bit: 32), .flag, "52-bit addresses with 4K/16K (FEAT_LPA2)")
        public static let sl2 = RegisterField("sl2", "SL2", BitField(bit: 33), .flag, "with SL0=0, 4K and DS=1: start at level -1")
        public static let assuredOnly = RegisterField("assuredOnly", "AssuredOnly", BitField(bit: 34), .flag, "AssuredOnly attribute enable (FEAT_THE)")
        public static let tl1 = RegisterField("tl1", "TL1", BitField(bit: 35), .flag, "TopLevel1 check (FEAT_THE)")
        public static let s2pie = RegisterField("s2pie", "S2PIE", BitField(bit: 36), .flag, "stage 2 permission indirection (FEAT_S2PIE)")
        public static let s2poe = RegisterField("s2poe", "S2POE", BitField(bit: 37), .flag, "stage 2 permission overlay (FEAT_S2POE)")
        public static let d128 = RegisterField("d128", "D128", BitField(bit: 38), .flag, "128-bit descriptors (FEAT_D128)")
        public static let gcsh = RegisterField("gcsh", "GCSH", BitField(bit: 40), .flag, "guarded control stack hardening (FEAT_THE)")
        public static let tl0 = RegisterField("tl0", "TL0", BitField(bit: 41), .flag, "TopLevel0 check (FEAT_THE)")
    }

    public static let fields: [RegisterField] = [
        Field.t0sz, Field.sl0, Field.irgn0, Field.orgn0, Field.sh0, Field.tg0, Field.ps, Field.vs, Field.ha, Field.hd,
        Field.hwu59, Field.hwu60, Field.hwu61, Field.hwu62, Field.nsw, Field.nsa, Field.ds, Field.sl2,
        Field.assuredOnly, Field.tl1, Field.s2pie, Field.s2poe, Field.d128, Field.gcsh, Field.tl0,
    ]

    public var granule: Granule? { Granule(tg0: self[Field.tg0]) }
    public var inputBits: Int { 64 - Int(self[Field.t0sz]) }
    public var physicalAddressSize: PhysicalAddressSize? { PhysicalAddressSize(rawValue: self[Field.ps]) }
    public var ds: Bool { self[Field.ds] != 0 }
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

    public var description: String { Hex.format(rawValue) }
}
