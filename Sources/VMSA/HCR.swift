/// HCR_EL2, the Hypervisor Configuration Register: only the fields that
/// change translation are named (Linux kvm_arm.h HCR_*); its other bits are
/// traps and routing controls, kept as they are, not reported as RES0.
public struct HCR: SystemRegister, CustomStringConvertible {
    /// The 64-bit value of HCR_EL2, as MRS reads it.
    public var rawValue: UInt64
    /// HCR_EL2 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The Arm ARM name of the register, `HCR_EL2`.
    public static let name = "HCR_EL2"
    /// False: HCR_EL2's unnamed bits are traps and routing controls, not RES0.
    public static let unnamedBitsAreRES0 = false

    /// The fields of HCR_EL2, each by its Arm ARM name and bit positions.
    public enum Field {
        /// HCR_EL2.VM, bit [0]: Stage 2 translation of EL1&0 enabled.
        public static let vm = RegisterField("vm", "VM", BitField(bit: 0), .flag, "stage 2 translation of EL1&0 enabled")
        /// HCR_EL2.PTW, bit [2]: Stage 1 walks to stage-2 Device memory fault.
        public static let ptw = RegisterField("ptw", "PTW", BitField(bit: 2), .flag, "stage 1 walks to stage-2 Device memory fault")
        /// HCR_EL2.DC, bit [12]: Default cacheability: stage 1 off reads as Normal WB.
        public static let dc = RegisterField("dc", "DC", BitField(bit: 12), .flag, "default cacheability: stage 1 off reads as Normal WB")
        /// HCR_EL2.TGE, bit [27]: EL0 runs in the EL2 (or EL2&0) regime.
        public static let tge = RegisterField("tge", "TGE", BitField(bit: 27), .flag, "EL0 runs in the EL2 (or EL2&0) regime")
        /// HCR_EL2.RW, bit [31]: EL1 is AArch64.
        public static let rw = RegisterField("rw", "RW", BitField(bit: 31), .flag, "EL1 is AArch64")
        /// HCR_EL2.CD, bit [32]: Stage 2 data accesses Non-cacheable.
        public static let cd = RegisterField("cd", "CD", BitField(bit: 32), .flag, "stage 2 data accesses Non-cacheable")
        /// HCR_EL2.ID, bit [33]: Stage 2 instruction fetches Non-cacheable.
        public static let id = RegisterField("id", "ID", BitField(bit: 33), .flag, "stage 2 instruction fetches Non-cacheable")
        /// HCR_EL2.E2H, bit [34]: EL2 host (VHE): the EL2&0 regime, TCR_EL2 in TCR_EL1 layout.
        public static let e2h = RegisterField("e2h", "E2H", BitField(bit: 34), .flag, "EL2 host (VHE): the EL2&0 regime, TCR_EL2 in TCR_EL1 layout")
        /// HCR_EL2.FWB, bit [46]: Stage 2 MemAttr forces the result (FEAT_S2FWB).
        public static let fwb = RegisterField("fwb", "FWB", BitField(bit: 46), .flag, "stage 2 MemAttr forces the result (FEAT_S2FWB)")
    }
    /// The named fields of HCR_EL2, lowest bit first.
    public static let fields: [RegisterField] = [
        Field.vm, Field.ptw, Field.dc, Field.tge, Field.rw, Field.cd, Field.id, Field.e2h, Field.fwb,
    ]

    /// VM: stage-2 translation of the EL1&0 regime is enabled.
    public var stage2Enabled: Bool { self[Field.vm] != 0 }
    /// FWB (FEAT_S2FWB): stage-2 MemAttr forces the final memory type.
    public var fwb: Bool { self[Field.fwb] != 0 }
    /// E2H: EL2 is a host (VHE) and runs the EL2&0 regime.
    public var e2h: Bool { self[Field.e2h] != 0 }
    /// TGE: EL0 runs in the EL2 or EL2&0 regime instead of EL1&0.
    public var tge: Bool { self[Field.tge] != 0 }

    /// The regime EL2 code runs in, and the one EL0 runs in with TGE=1.
    public var el2Regime: TranslationRegimeKind { e2h ? .el20 : .el2 }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
