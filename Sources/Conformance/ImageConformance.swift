import Foundation
import VMSA
import VMSATables

/// `vmsa conform --image`: the walk and MMU legs over a user's own image,
/// probing every mapped range (its first and last bytes and a random one)
/// and random holes, the top and bottom of each half's range.
public enum ImageConformance {
    public static let defaultProbes = 20_000

    /// The addresses to probe in `image`, at most about `count`.
    public static func addresses(_ image: TableImage, graft: StubGraft?, count: Int, seed: UInt64) -> [UInt64] {
        var rng = SplitMix64(seed: seed)
        var leaves: [WalkEntry] = []
        var holes: [WalkEntry] = []
        // A two-stage image's stage 1 is walked at its IPAs.
        let walked = image.stage1View
        for ttbr in image.regime.ranges where image.half(ttbr) != nil {
            for entry in walked.walk(ttbr, mergingNeighbours: true) {
                if entry.isLeaf { leaves.append(entry) } else { holes.append(entry) }
            }
        }
        var chosen: [UInt64] = []
        var seen = Set<UInt64>()
        func add(_ va: UInt64) {
            if let graft, graft.claimed.contains(va) { return }
            if seen.insert(va).inserted { chosen.append(va) }
        }
        for ttbr in image.regime.ranges {
            let range = image.half(ttbr)?.vaRange ?? image.tcr.vaRange(ttbr)
            add(range.lowerBound)
            add(range.upperBound &+ 1 &- ProbeAddresses.wordAlignment)
        }
        // Three probes per mapped range while the budget lasts, the rest random.
        let perLeaf = max(1, min(3, (count * 3 / 4) / max(1, leaves.count)))
        for leaf in leaves.shuffled(using: &rng) where chosen.count < count * 3 / 4 {
            add(leaf.va.rawValue)
            if perLeaf > 1 { add(leaf.lastVA &+ 1 &- ProbeAddresses.wordAlignment) }
            if perLeaf > 2 { add(leaf.va.rawValue &+ (UInt64.random(in: 0...(leaf.size &- 1), using: &rng) & ~(ProbeAddresses.wordAlignment - 1))) }
        }
        var attempts = 0
        while chosen.count < count, attempts < count * 20, !(holes.isEmpty && leaves.isEmpty) {
            attempts += 1
            let pool = holes.isEmpty || (!leaves.isEmpty && Bool.random(using: &rng)) ? leaves : holes
            let e = pool.randomElement(using: &rng)!
            add(e.va.rawValue &+ (UInt64.random(in: 0...(e.size &- 1), using: &rng) & ~(ProbeAddresses.wordAlignment - 1)))
        }
        return chosen
    }

    /// The regime configuration kind of an image of another regime or with a
    /// stage 2; nil for an EL1&0 image, which the walk and MMU legs check.
    static func regimeKind(_ image: TableImage) -> RegimeSpec.Kind? {
        if image.stage2 != nil { return .twoStage }
        switch image.regime.kind {
        case .el10: return nil
        case .el20: return .el20
        case .el2: return .el2
        case .el3: return .el3
        case .s2: return .s2
        }
    }

    /// The regime probe over an image of another regime (or two stages):
    /// every AT instruction of its regime at every address. An EL3 image's
    /// tables must identity-map the probe's window page (`VMSA_REGIME_WINDOW_PA`).
    static func runRegime(_ image: TableImage, kind: RegimeSpec.Kind, probes: Int, seed: UInt64,
                          toolchain: ProbeToolchain) -> (ConfigurationResult, skipped: String?) {
        let start = Date()
        var skipped: String?
        let granule = image.half(.ttbr0)?.granule ?? .k4
        let spec = RegimeSpec(name: "image", kind: kind, granule: granule, inputBits: image.half(.ttbr0)?.inputBits ?? 0,
                              fwb: image.hcr.fwb, ptw: image.hcr[HCR.Field.ptw] != 0)
        let c = PreparedRegimeCase(spec: spec, image: image, plants: [],
                                   vas: addresses(image, graft: nil, count: min(probes, RegimeProbeInput.capacity(segments: image.memorySegments.count)), seed: seed))
        var result = ConfigurationResult(name: "image", legs: [], plants: [], realAccesses: false, errors: [], seconds: 0)
        result.regime = spec.regimeTag
        do {
            try RegimeLeg.run(c, toolchain: toolchain, into: &result)
        } catch .tablesOutsideProbeRAM(let base, let size, let ram) {
            // A user's image whose tables the probe cannot load: the leg is skipped, not failed.
            result.legs = []
            result.errors = []
            skipped = ConformanceError.tablesOutsideProbeRAM(base: base, size: size, ram: ram).description
        } catch {
            // Recorded in `result` as a failed leg.
        }
        result.seconds = Date().timeIntervalSince(start)
        return (result, skipped)
    }

    /// The walk and MMU legs over `image`. The MMU leg is left out (with the
    /// reason in `skipped`) when the image's tables cannot sit where the
    /// bare-metal probe runs.
    public static func run(_ image: TableImage, probes: Int, seed: UInt64, toolchain: ProbeToolchain) -> (ConfigurationResult, skipped: String?) {
        if let kind = regimeKind(image) { return runRegime(image, kind: kind, probes: probes, seed: seed, toolchain: toolchain) }
        let start = Date()
        let graft = StubGraft.make(for: image)
        let vas = addresses(image, graft: graft, count: probes, seed: seed)
        var legs: [LegResult] = []
        var errors: [String] = []
        var skipped: String?
        do {
            legs.append(try WalkLeg.check(image, vas: vas, toolchain: toolchain))
        } catch {
            var failed = LegResult(leg: .walk)
            failed.probes = vas.count
            failed.failed = vas.count
            legs.append(failed)
            errors.append("walk: \(error.description)")
        }
        do {
            legs.append(try MMULeg.check(image, vas: vas, graft: graft, toolchain: toolchain))
        } catch .tablesOutsideProbeRAM(let base, let size, let ram) {
            skipped = ConformanceError.tablesOutsideProbeRAM(base: base, size: size, ram: ram).description
        } catch {
            var failed = LegResult(leg: .mmu)
            failed.probes = vas.count
            failed.failed = vas.count
            legs.append(failed)
            errors.append("mmu: \(error.description)")
        }
        let result = ConfigurationResult(name: "image", legs: legs, plants: [], realAccesses: graft != nil, errors: errors,
                                         seconds: Date().timeIntervalSince(start))
        return (result, skipped)
    }
}
