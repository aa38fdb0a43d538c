/// What decides how a stage-2 descriptor reads beyond its format:
/// HCR_EL2.FWB (FEAT_S2FWB) picks the MemAttr reading, and FEAT_XNX makes
/// XN[0] [53] a field instead of RES0.
public struct Stage2Features: Hashable, Sendable {
    /// HCR_EL2.FWB (FEAT_S2FWB): MemAttr forces the final attributes.
    public var fwb: Bool
    /// FEAT_XNX: XN[0] separates EL1 from EL0 execution.
    public var xnx: Bool
    /// The features; both off by default, as on a PE without them.
    public init(fwb: Bool = false, xnx: Bool = false) {
        self.fwb = fwb
        self.xnx = xnx
    }
}
