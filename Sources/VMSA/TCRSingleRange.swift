/// TCR_EL2 without VHE (HCR_EL2.E2H=0) and TCR_EL3: one input range
/// (TTBR0_ELx), PS instead of IPS, one TBI/HPD; bits 31 and 23 are RES1
/// (Linux TCR_EL2_RES1). With E2H=1, TCR_EL2 has the TCR_EL1 layout: `TCR`.
public protocol SingleRangeTCR: SystemRegister {}

public enum SingleRangeTCRField {
    public static let t0sz = RegisterField("t0sz", "T0SZ", BitField(5, 0), .number, "VA range size: 2^(64-T0SZ) bytes")
    public static let irgn0 = RegisterField("irgn0", "IRGN0", BitField(9, 8), .number, "walk inner cacheability")
    public static let orgn0 = RegisterField("orgn0", "ORGN0", BitField(11, 10), .number, "walk outer cacheability")
    public static let sh0 = RegisterField("sh0", "SH0", BitField(13, 12), .number, "walk shareability")
    public static let tg0 = RegisterField("tg0", "TG0", BitField(15, 14), .number, "granule: 00 4K, 01 64K, 10 16K")
    public static let ps = RegisterField("ps", "PS", BitField(18, 16), .number, "physical address size")
    public static let tbi = RegisterField("tbi", "TBI", BitField(bit: 20), .flag, "top byte ignored")
    public static let ha = RegisterField("ha", "HA", BitField(bit: 21), .flag, "hardware Access flag update")
    public static let hd = RegisterField("hd", "HD", BitField(bit: 22), .flag, "hardware dirty state update")
    public static let hpd = RegisterField("hpd", "HPD", BitField(bit: 24), .flag, "hierarchical permissions disabled")
    public static let hwu59 = RegisterField("hwu59", "HWU59", BitField(bit: 25), .flag, "hardware use of descriptor bit 59")
    public static let hwu60 = RegisterField("hwu60", "HWU60", BitField(bit: 26), .flag, "hardware use of descriptor bit 60")
    public static let hwu61 = RegisterField("hwu61", "HWU61", BitField(bit: 27), .flag, "hardware use of descriptor bit 61")
    public static let hwu62 = RegisterField("hwu62", "HWU62", BitField(bit: 28), .flag, "hardware use of descriptor bit 62")
    public static let tbid = RegisterField("tbid", "TBID", BitField(bit: 29), .flag, "TBI for data accesses only")
    public static let tcma = RegisterField("tcma", "TCMA", BitField(bit: 30), .flag, "unchecked tag 0 accesses (MTE)")
    public static let ds = RegisterField("ds", "DS", BitField(bit: 32), .flag, "52-bit addresses with 4K/16K (FEAT_LPA2)")
    public static let mtx = RegisterField("mtx", "MTX", BitField(bit: 33), .flag, "extended memory tag")

    public static let all: [RegisterField] = [
        t0sz, irgn0, orgn0, sh0, tg0, ps, tbi, ha, hd, hpd, hwu59, hwu60, hwu61, hwu62, tbid, tcma, ds, mtx,
    ]
    /// RES1 bits 31 and 23.
    public static let res1: UInt64 = BitField(bit: 31).mask | BitField(bit: 23).mask
}

extension SingleRangeTCR {
    public static var fields: [RegisterField] { SingleRangeTCRField.all }
    public static var res1Mask: UInt64 { SingleRangeTCRField.res1 }

    public var granule: Granule? { Granule(tg0: self[SingleRangeTCRField.tg0]) }
    public var inputBits: Int { 64 - Int(self[SingleRangeTCRField.t0sz]) }
    public var physicalAddressSize: PhysicalAddressSize? { PhysicalAddressSize(rawValue: self[SingleRangeTCRField.ps]) }
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
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let name = "TCR_EL2"
    public var description: String { Hex.format(rawValue) }
}

/// TCR_EL3.
public struct TCREL3: SingleRangeTCR, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let name = "TCR_EL3"
    public var description: String { Hex.format(rawValue) }
}
