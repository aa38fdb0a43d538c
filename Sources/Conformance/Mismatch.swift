import VMSA

/// One disagreement between vmsa and a probe, with everything needed to see
/// why: the address, what each side answered, and the walk's descriptors.
public struct Mismatch: Hashable, Sendable, CustomStringConvertible {
    public var leg: ProbeLeg
    public var va: UInt64
    /// What was compared: "AT S1E0W", "EL1 fetch", "table word", …
    public var check: String
    public var vmsa: String
    public var probe: String
    public var walk: [WalkStep]

    public init(leg: ProbeLeg, va: UInt64, check: String, vmsa: String, probe: String, walk: [WalkStep]) {
        self.leg = leg
        self.va = va
        self.check = check
        self.vmsa = vmsa
        self.probe = probe
        self.walk = walk
    }

    public var description: String {
        var lines = ["\(leg.rawValue) mismatch at VA \(Hex.format(va)), \(check):",
                     "  vmsa:  \(vmsa)",
                     "  probe: \(probe)"]
        for step in walk { lines.append("  walk:  \(step)") }
        return lines.joined(separator: "\n")
    }
}
