/// TCR_EL2 without VHE (HCR_EL2.E2H=0) and TCR_EL3: one input range
/// (TTBR0_ELx), PS instead of IPS, one TBI/HPD; bits 31 and 23 are RES1
/// (Linux TCR_EL2_RES1). With E2H=1, TCR_EL2 has the TCR_EL1 layout: `TCR`.
public protocol SingleRangeTCR: SystemRegister {}

/// The fields of TCR_EL2 (E2H=0) and TCR_EL3, which share one layout.
public enum SingleRangeTCRField {
    /// TCR_EL2/TCR_EL3.T0SZ, bits [5:0]: VA range size: 2^(64-T0SZ) bytes.
    public static let t0sz = RegisterField("t0sz", "T0SZ", BitField(5, 0), .number, "VA range size: 2^(64-T0SZ) bytes")
    /// TCR_EL2/TCR_EL3.IRGN0, bits [9:8]: Walk inner cacheability.
    public static let irgn0 = RegisterField("irgn0", "IRGN0", BitField(9, 8), .number, "walk inner cacheability")
    /// TCR_EL2/TCR_EL3.ORGN0, bits [11:10]: Walk outer cacheability.
    public static let orgn0 = RegisterField("orgn0", "ORGN0", BitField(11, 10), .number, "walk outer cacheability")
    /// TCR_EL2/TCR_EL3.SH0, bits [13:12]: Walk shareability.
    public static let sh0 = RegisterField("sh0", "SH0", BitField(13, 12), .number, "walk shareability")
    /// TCR_EL2/TCR_EL3.TG0, bits [15:14]: Granule: 00 4K, 01 64K, 10 16K.
    public static let tg0 = RegisterField("tg0", "TG0", BitField(15, 14), .number, "granule: 00 4K, 01 64K, 10 16K")
    /// TCR_EL2/TCR_EL3.PS, bits [18:16]: Physical address size.
    public static let ps = RegisterField("ps", "PS", BitField(18, 16), .number, "physical address size")
    /// TCR_EL2/TCR_EL3.TBI, bit [20]: Top byte ignored.
    public static let tbi = RegisterField("tbi", "TBI", BitField(bit: 20), .flag, "top byte ignored")
    /// TCR_EL2/TCR_EL3.HA, bit [21]: Hardware Access flag update.
    public static let ha = RegisterField("ha", "HA", BitField(bit: 21), .flag, "hardware Access flag update")
    /// TCR_EL2/TCR_EL3.HD, bit [22]: Hardware dirty state update.
    public static let hd = RegisterField("hd", "HD", BitField(bit: 22), .flag, "hardware dirty state update")
    /// TCR_EL2/TCR_EL3.HPD, bit [24]: Hierarchical permissions disabled.
    public static let hpd = RegisterField("hpd", "HPD", BitField(bit: 24), .flag, "hierarchical permissions disabled")
    /// TCR_EL2/TCR_EL3.HWU59, bit [25]: Hardware use of descriptor bit 59.
    public static let hwu59 = RegisterField("hwu59", "HWU59", BitField(bit: 25), .flag, "hardware use of descriptor bit 59")
    /// TCR_EL2/TCR_EL3.HWU60, bit [26]: Hardware use of descriptor bit 60.
    public static let hwu60 = RegisterField("hwu60", "HWU60", BitField(bit: 26), .flag, "hardware use of descriptor bit 60")
    /// TCR_EL2/TCR_EL3.HWU61, bit [27]: Hardware use of descriptor bit 61.
    public static let hwu61 = RegisterField("hwu61", "HWU61", BitField(bit: 27), .flag, "hardware use of descriptor bit 61")
    /// TCR_EL2/TCR_EL3.HWU62, bit [28]: Hardware use of descriptor bit 62.
    public static let hwu62 = RegisterField("hwu62", "HWU62", BitField(bit: 28), .flag, "hardware use of descriptor bit 62")
    /// TCR_EL2/TCR_EL3.TBID, bit [29]: TBI for data accesses only.
    public static let tbid = RegisterField("tbid", "TBID", BitField(bit: 29), .flag, "TBI for data accesses only")
    /// TCR_EL2/TCR_EL3.TCMA, bit [30]: Unchecked tag 0 accesses (MTE).
    public static let tcma = RegisterField("tcma", "TCMA", BitField(bit: 30), .flag, "unchecked tag 0 accesses (MTE)")
    /// TCR_EL2/TCR_EL3.DS, bit [32]: 52-bit addresses with 4K/16K (FEAT_LPA2).
    public static let ds = RegisterField("ds", "DS", BitField(bit: 32), .flag, "52-bit addresses with 4K/16K (FEAT_LPA2)")
    /// TCR_EL2/TCR_EL3.MTX, bit [33]: Extended memory tag.
    public static let mtx = RegisterField("mtx", "MTX", BitField(bit: 33), .flag, "extended memory tag")

    /// Every named field, lowest bit first.
    public static let all: [RegisterField] = [
        t0sz, irgn0, orgn0, sh0, tg0, ps, tbi, ha, hd, hpd, hwu59, hwu60, hwu61, hwu62, tbid, tcma, ds, mtx,
    ]
    /// RES1 bits 31 and 23.
    public static let res1: UInt64 = BitField(bit: 31).mask | BitField(bit: 23).mask
}

extension SingleRangeTCR {
    /// The shared field table, `SingleRangeTCRField.all`.
    public static var fields: [RegisterField] { SingleRangeTCRField.all }
    /// RES1 bits 31 and 23 (Linux `TCR_EL2_RES1`).
    public static var res1Mask: UInt64 { SingleRangeTCRField.res1 }

    /// TG0: the granule; nil for the reserved encoding.
    public var granule: Granule? { Granule(tg0: self[SingleRangeTCRField.tg0]) }
    /// Input address size: 64 - T0SZ.
    public var inputBits: Int { 64 - Int(self[SingleRangeTCRField.t0sz]) }
    /// PS: the physical address size; nil for a reserved encoding.
    public var physicalAddressSize: PhysicalAddressSize? { PhysicalAddressSize(rawValue: self[SingleRangeTCRField.ps]) }
    /// DS: 52-bit addresses with the 4K and 16K granules (FEAT_LPA2).
    public var ds: Bool { self[SingleRangeTCRField.ds] != 0 }

    /// Reserved TG0 or PS, an input size the granule does not support,
    /// RES0 set and RES1 clear.
    public var problems: [RegisterProblem] {
        var found: [RegisterProblem] = []
        if let g = granule {
            let supported = Granule.minInputBits...g.maxInputBits(ds: ds && g != .k64, lva: true)
            if !supported.contains(inputBits) {
                found.append(.inputSizeOutOfRange(t0sz: 64 - inputBits, granule: g, supported: supported))
            }
        } else {
            found.append(.reservedEncoding(field: "TG0", value: self[SingleRangeTCRField.tg0]))
        }
        if physicalAddressSize == nil { found.append(.reservedEncoding(field: "PS", value: self[SingleRangeTCRField.ps])) }
        return found + reservedBitProblems
    }
}

/// TCR_EL2 of the non-VHE EL2 regime.
public struct TCREL2: SingleRangeTCR, CustomStringConvertible {
    /// The 64-bit value of TCR_EL2, as MRS reads it.
    public var rawValue: UInt64
    /// TCR_EL2 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `TCR_EL2`.
    public static let name = "TCR_EL2"
    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}

/// TCR_EL3.
public struct TCREL3: SingleRangeTCR, CustomStringConvertible {
    /// The 64-bit value of TCR_EL3, as MRS reads it.
    public var rawValue: UInt64
    /// TCR_EL3 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `TCR_EL3`.
    public static let name = "TCR_EL3"
    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
