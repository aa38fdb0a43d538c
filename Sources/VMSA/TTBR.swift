/// TTBR0_EL1 / TTBR1_EL1: the base of one half's start-level table, its
/// ASID and CnP. With a 52-bit output address, BADDR[51:48] sit in [5:2]
/// (Linux `phys_to_ttbr`), and the table must then be 64-byte aligned.
public struct TTBR: SystemRegister, CustomStringConvertible {
    /// The 64-bit value of TTBRn_EL1, as MRS reads it.
    public var rawValue: UInt64
    /// TTBRn_EL1 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `TTBRn_EL1`.
    public static let name = "TTBRn_EL1"

    /// The fields of TTBRn_EL1, each by its Arm ARM name and bit positions.
    public enum Field {
        /// TTBRn_EL1.CnP, bit [0]: Common not private.
        public static let cnp = RegisterField("cnp", "CnP", BitField(bit: 0), .flag, "common not private")
        /// TTBRn_EL1.BADDR, bits [47:1]: Table base address field.
        public static let baddr = RegisterField("baddr", "BADDR", BitField(47, 1), .hex, "table base address field")
        /// TTBRn_EL1.ASID, bits [63:48]: Address space identifier.
        public static let asid = RegisterField("asid", "ASID", BitField(63, 48), .number, "address space identifier")
    }
    /// The named fields of TTBRn_EL1, lowest bit first.
    public static let fields: [RegisterField] = [Field.cnp, Field.baddr, Field.asid]

    /// BADDR[51:48] of a 52-bit base, held in [5:2].
    public static let baseHigh = BitField(5, 2)
    /// BADDR[47:6] of a 52-bit base.
    public static let baseLow52 = BitField(47, 6)
    /// Alignment a 52-bit base needs, because [5:2] carry address bits.
    public static let alignment52: UInt64 = 64

    /// TTBRn_EL1 for a start-level table at `baseAddress`; `fiftyTwoBit` places BADDR[51:48] in [5:2] (Linux `phys_to_ttbr`).
    public init(baseAddress: UInt64, asid: UInt16 = 0, cnp: Bool = false, fiftyTwoBit: Bool = false) {
        var raw = UInt64(asid) << UInt64(Field.asid.bits.lsb)
        if fiftyTwoBit {
            raw |= baseAddress & Self.baseLow52.mask
            raw = Self.baseHigh.inserting(baseAddress >> 48, into: raw)
        } else {
            raw |= baseAddress & Field.baddr.bits.mask
        }
        if cnp { raw |= Field.cnp.bits.mask }
        rawValue = raw
    }

    /// The table base address; `fiftyTwoBit` reads [5:2] as BADDR[51:48].
    public func baseAddress(fiftyTwoBit: Bool) -> UInt64 {
        if fiftyTwoBit { return (rawValue & Self.baseLow52.mask) | (Self.baseHigh.extract(rawValue) << 48) }
        return rawValue & Field.baddr.bits.mask
    }

    /// ASID, bits [63:48] (only [55:48] count with TCR_EL1.AS=0).
    public var asid: UInt16 { UInt16(self[Field.asid]) }
    /// CnP, bit [0]: the table is common to every PE in the Inner Shareable domain.
    public var cnp: Bool { self[Field.cnp] != 0 }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
