import VMSA
import VMSATables

/// PAR_EL1, the Physical Address Register, in its 64-bit format: what an AT
/// instruction answers (Arm ARM D19.2, PAR_EL1). F selects the layout: on
/// success PA, ATTR, SH and NS; on a fault FST, PTW and S.
public struct PhysicalAddressRegister: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The fields, each once, as the Arm ARM places them.
    enum Bits {
        /// F [0]: the translation failed.
        static let f = BitField(bit: 0)
        /// FST [6:1] (F=1): the fault status code, as ESR_ELx.DFSC.
        static let fst = BitField(6, 1)
        /// PTW [8] (F=1): a stage-2 fault on a stage-1 table walk.
        static let ptw = BitField(bit: 8)
        /// S [9] (F=1): the fault came from stage 2.
        static let s = BitField(bit: 9)
        /// SH [8:7] (F=0): the shareability of the result.
        static let sh = BitField(8, 7)
        /// NS [9] (F=0): the output is in the Non-secure PA space.
        static let ns = BitField(bit: 9)
        /// PA [51:12] (F=0): the output address, page aligned.
        static let pa = BitField(51, 12)
        /// ATTR [63:56] (F=0): the memory attribute, as a MAIR byte.
        static let attr = BitField(63, 56)
    }

    /// F: the AT instruction reported a fault.
    public var faulted: Bool { Bits.f.isSet(rawValue) }

    /// FST, for a fault.
    package var faultStatus: UInt8? { faulted ? UInt8(Bits.fst.extract(rawValue)) : nil }

    /// The fault FST names, when it is a translation, access flag,
    /// permission or address size fault (external aborts are not).
    public var fault: TranslationFault? { faultStatus.flatMap(TranslationFault.init(statusCode:)) }

    /// S: the fault came from stage 2.
    package var stage2Fault: Bool { faulted && Bits.s.isSet(rawValue) }

    /// PTW: the stage-2 fault was on a stage-1 table walk.
    package var onStage1Walk: Bool { faulted && Bits.ptw.isSet(rawValue) }

    /// PA[51:12], on success.
    public var physicalAddress: PhysicalAddress? {
        faulted ? nil : PhysicalAddress(Bits.pa.extract(rawValue) << UInt64(Bits.pa.lsb))
    }

    /// ATTR, on success.
    public var attribute: MemoryAttribute? { faulted ? nil : MemoryAttribute(rawValue: UInt8(Bits.attr.extract(rawValue))) }

    /// SH, on success.
    public var shareability: Shareability? { faulted ? nil : Shareability(rawValue: Bits.sh.extract(rawValue)) }

    /// NS, on success.
    package var nonSecure: Bool? { faulted ? nil : Bits.ns.isSet(rawValue) }

    /// "PAR_EL1 0x…: permission fault at level 3 (FST 0x0f) (stage 2)", or
    /// "PAR_EL1 0x…: PA 0x… ATTR 0xff SH 3".
    public var description: String {
        let head = "PAR_EL1 \(Hex.format(rawValue)): "
        if let fst = faultStatus {
            return head + FaultStatus.describe(fst) + (stage2Fault ? " (stage 2)" : "") + (onStage1Walk ? " (on a stage 2 walk)" : "")
        }
        return head + "PA \(physicalAddress!) ATTR \(Hex.format(Bits.attr.extract(rawValue), digits: 2)) SH \(Bits.sh.extract(rawValue))"
    }
}
