/// What decides how a stage-2 descriptor reads beyond its format:
/// HCR_EL2.FWB (FEAT_S2FWB) picks the MemAttr reading, and FEAT_XNX makes
/// XN[0] [53] a field instead of RES0.
public struct Stage2Features: Hashable, Sendable {
    public var fwb: Bool
    public var xnx: Bool
    public init(fwb: Bool = false, xnx: Bool = false) {
        self.fwb = fwb
        self.xnx = xnx
    }
}
