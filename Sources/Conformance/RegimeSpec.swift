import VMSA
import VMSATables

/// One configuration of the regime part of the matrix: a translation regime
/// other than EL1&0 stage 1 alone, its granule and input size, asked of
/// QEMU's MMU through the AT instructions of that regime.
public struct RegimeSpec: Hashable, Sendable {
    /// What the configuration's tables are and which AT instructions ask them.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// EL2 without VHE: AT S1E2R/W.
        case el2
        /// EL2&0 (E2H=1, TGE=1): AT S1E2R/W and S1E0R/W.
        case el20
        /// EL3: AT S1E3R/W.
        case el3
        /// Stage 2 alone (stage 1 off, IPA = VA): AT S12E1R/W, S12E0R/W.
        case s2
        /// An EL1&0 stage 1 under a stage 2: AT S12E1R/W, S12E0R/W and S1E1R.
        case twoStage = "s1+s2"

        /// The stage-1 (or, for `s2`, stage-2) regime of the configuration's tables.
        var regime: TranslationRegimeKind {
            switch self {
            case .el2: .el2
            case .el20: .el20
            case .el3: .el3
            case .s2: .s2
            case .twoStage: .el10
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var granule: Granule
    /// VA bits of stage 1, or IPA bits of a stage-2-only configuration.
    public var inputBits: Int
    /// The stage-2 start level (nil: the natural one); a lower level than
    /// natural concatenates root tables.
    package var stage2StartLevel: Level?
    /// HCR_EL2.FWB and .PTW for stage 2.
    public var fwb = false
    public var ptw = false
    /// The output size (IPS/PS).
    public var paBits: Int

    /// The output size of most configurations: small enough that an
    /// address beyond it is expressible in every descriptor format.
    public static let defaultPABits = 40

    public init(name: String, kind: Kind, granule: Granule, inputBits: Int, stage2StartLevel: Level? = nil,
                fwb: Bool = false, ptw: Bool = false, paBits: Int = RegimeSpec.defaultPABits) {
        self.paBits = paBits
        self.name = name
        self.kind = kind
        self.granule = granule
        self.inputBits = inputBits
        self.stage2StartLevel = stage2StartLevel
        self.fwb = fwb
        self.ptw = ptw
    }

    /// The regime configurations `vmsa conform` runs after the EL1&0 matrix:
    /// every regime at 4K, 16K and 64K; stage 2 with 2, 16 and 4
    /// concatenated roots; two stages with every stage-1 granule, and with
    /// FWB and PTW.
    public static var all: [RegimeSpec] {
        var out: [RegimeSpec] = []
        for (g, bits) in [(Granule.k4, 39), (.k16, 40), (.k64, 42)] {
            out.append(RegimeSpec(name: "el2 \(g.name)\(bits)", kind: .el2, granule: g, inputBits: bits))
            out.append(RegimeSpec(name: "el2&0 \(g.name)\(bits)", kind: .el20, granule: g, inputBits: bits))
            out.append(RegimeSpec(name: "el3 \(g.name)\(bits)", kind: .el3, granule: g, inputBits: bits))
        }
        out += [
            RegimeSpec(name: "s2 4k40 sl1 x2", kind: .s2, granule: .k4, inputBits: 40, stage2StartLevel: .one),
            RegimeSpec(name: "s2 4k39", kind: .s2, granule: .k4, inputBits: 39),
            RegimeSpec(name: "s2 16k40 sl2 x16", kind: .s2, granule: .k16, inputBits: 40, stage2StartLevel: .two),
            // QEMU 7.2 judges SL0 against PS, not PAMax (16K level 1 needs
            // more than 40 bits there): PS 44 keeps both readings legal.
            RegimeSpec(name: "s2 16k40 pa44", kind: .s2, granule: .k16, inputBits: 40, paBits: 44),
            // An IPA wider than PS is CONSTRAINED UNPREDICTABLE: PS covers it.
            RegimeSpec(name: "s2 64k44 sl2 x4", kind: .s2, granule: .k64, inputBits: 44, stage2StartLevel: .two, paBits: 44),
            RegimeSpec(name: "s2 64k40", kind: .s2, granule: .k64, inputBits: 40),
            RegimeSpec(name: "s1+s2 4k39", kind: .twoStage, granule: .k4, inputBits: 39),
            RegimeSpec(name: "s1+s2 16k40", kind: .twoStage, granule: .k16, inputBits: 40),
            RegimeSpec(name: "s1+s2 64k42", kind: .twoStage, granule: .k64, inputBits: 42),
            RegimeSpec(name: "s1+s2 4k39 fwb ptw", kind: .twoStage, granule: .k4, inputBits: 39, fwb: true, ptw: true),
        ]
        return out
    }

    /// The regime tag of `conform --json` (`el2`, `el20`, `el3`, `s2`, `s1+s2`).
    package var regimeTag: String { kind == .el20 ? "el20" : kind.rawValue }
}
