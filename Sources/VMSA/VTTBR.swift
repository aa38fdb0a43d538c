/// VTTBR_EL2: the base of the stage-2 start-level table(s), the VMID and
/// CnP. The VMID is VTTBR[63:48] with VTCR_EL2.VS=1 and [55:48] otherwise,
/// [63:56] then RES0 (Linux VTTBR_VMID_SHIFT 48, VTTBR_CNP_BIT). The base
/// address layout (52-bit bases keep BADDR[51:48] in [5:2]) is TTBR's.
public struct VTTBR: SystemRegister, CustomStringConvertible {
    /// The 64-bit value of VTTBR_EL2, as MRS reads it.
    public var rawValue: UInt64
    /// VTTBR_EL2 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `VTTBR_EL2`.
    public static let name = "VTTBR_EL2"

    /// The fields of VTTBR_EL2, each by its Arm ARM name and bit positions.
    public enum Field {
        /// VTTBR_EL2.CnP, bit [0]: Common not private.
        public static let cnp = RegisterField("cnp", "CnP", BitField(bit: 0), .flag, "common not private")
        /// VTTBR_EL2.BADDR, bits [47:1]: Table base address field.
        public static let baddr = RegisterField("baddr", "BADDR", BitField(47, 1), .hex, "table base address field")
        /// VTTBR_EL2.VMID, bits [63:48]: Virtual machine identifier.
        public static let vmid = RegisterField("vmid", "VMID", BitField(63, 48), .number, "virtual machine identifier")
    }
    /// The named fields of VTTBR_EL2, lowest bit first.
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

    /// CnP, bit [0]: the table is common to every PE in the Inner Shareable domain.
    public var cnp: Bool { self[Field.cnp] != 0 }

    /// VTTBR_EL2 for a stage-2 start-level table at `baseAddress` and `vmid` in [63:48]; the base is laid out as TTBR's.
    public init(baseAddress: UInt64, vmid: UInt16, cnp: Bool = false, fiftyTwoBit: Bool = false) {
        rawValue = TTBR(baseAddress: baseAddress, asid: vmid, cnp: cnp, fiftyTwoBit: fiftyTwoBit).rawValue
    }

    /// VMID[15:8] set with 8-bit VMIDs.
    public func problems(sixteenBitVMID: Bool) -> [RegisterProblem] {
        guard !sixteenBitVMID, Self.vmidHigh.isSet(rawValue) else { return [] }
        return [.fieldRes0(name: "VMID[15:8]", bits: Self.vmidHigh, context: "with VTCR_EL2.VS=0 (8-bit VMIDs)")]
    }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
