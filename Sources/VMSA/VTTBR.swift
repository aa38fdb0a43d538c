/// VTTBR_EL2: the base of the stage-2 start-level table(s), the VMID and
/// CnP. The VMID is VTTBR[63:48] with VTCR_EL2.VS=1 and [55:48] otherwise,
/// [63:56] then RES0 (Linux VTTBR_VMID_SHIFT 48, VTTBR_CNP_BIT). The base
/// address layout (52-bit bases keep BADDR[51:48] in [5:2]) is TTBR's.
public struct VTTBR: SystemRegister, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let name = "VTTBR_EL2"

    public enum Field {
        public static let cnp = RegisterField("cnp", "CnP", BitField(bit: 0), .flag, "common not private")
        public static let baddr = RegisterField("baddr", "BADDR", BitField(47, 1), .hex, "table base address field")
        public static let vmid = RegisterField("vmid", "VMID", BitField(63, 48), .number, "virtual machine identifier")
    }
    public static let fields: [RegisterField] = [Field.cnp, Field.baddr, Field.vmid]

    /// VMID[7:0] of an 8-bit VMID (VTCR_EL2.VS=0).
    public static let vmid8 = BitField(55, 48)
    /// VMID[15:8], RES0 with 8-bit VMIDs.
    public static let vmidHigh = BitField(63, 56)

    /// The table base, laid out as TTBR does it.
    public func baseAddress(fiftyTwoBit: Bool) -> UInt64 {
        TTBR(rawValue: rawValue).baseAddress(fiftyTwoBit: fiftyTwoBit)
    }

    /// The VMID as the PE reads it: 16 bits with VS=1, 8 with VS=0.
    public func vmid(sixteenBit: Bool) -> UInt16 {
        UInt16(truncatingIfNeeded: (sixteenBit ? Field.vmid.bits : Self.vmid8).extract(rawValue))
    }

    public var cnp: Bool { self[Field.cnp] != 0 }

    public init(baseAddress: UInt64, vmid: UInt16, cnp: Bool = false, fiftyTwoBit: Bool = false) {
        rawValue = TTBR(baseAddress: baseAddress, asid: vmid, cnp: cnp, fiftyTwoBit: fiftyTwoBit).rawValue
    }

    /// VMID[15:8] set with 8-bit VMIDs.
    public func problems(sixteenBitVMID: Bool) -> [RegisterProblem] {
        guard !sixteenBitVMID, Self.vmidHigh.isSet(rawValue) else { return [] }
        return [.fieldRes0(name: "VMID[15:8]", bits: Self.vmidHigh, context: "with VTCR_EL2.VS=0 (8-bit VMIDs)")]
    }

    public var description: String { Hex.format(rawValue) }
}
