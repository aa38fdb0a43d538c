import Foundation
import VMSA
import VMSATables

/// What the three legs found over one configuration.
public struct ConfigurationResult: Sendable {
    public var name: String
    /// `el10` for the EL1&0 matrix; the regime tag of a regime configuration
    /// (`el2`, `el20`, `el3`, `s2`, `s1+s2`).
    public var regime = "el10"
    /// Layout, walk and MMU, in that order (a leg that could not run has
    /// its probes counted as failed and the reason in `errors`).
    public var legs: [LegResult]
    package var plants: [Plant]
    /// A regime configuration's planted faults, described.
    public var planted: [String] = []
    /// Whether the MMU leg had a stub graft, so made real accesses.
    public var realAccesses: Bool
    public var errors: [String]
    public var seconds: Double

    public var probes: Int { legs.reduce(0) { $0 + $1.probes } }
    public var passed: Int { legs.reduce(0) { $0 + $1.passed } }
    public var failed: Int { legs.reduce(0) { $0 + $1.failed } }
}

/// Runs the matrix: each configuration prepared from the seed, then its
/// layout, walk and MMU legs. Configurations run `parallelism` at a time
/// (each QEMU is single-threaded); results are reported in matrix order.
public struct ConformanceRunner: Sendable {
    public var toolchain: ProbeToolchain
    public var seed: UInt64
    public var probesPerConfiguration: Int
    public var configurations: [MatrixConfiguration]
    /// Run after `configurations`: every other regime, on the regime probe.
    public var regimes: [RegimeSpec]
    public var parallelism: Int

    /// Probes per configuration by default: the 45 configurations make
    /// 108,000 addresses, each a probe of the walk leg and of the MMU leg.
    public static let defaultProbes = 2400
    public static let defaultSeed: UInt64 = 0x766d_7361

    public init(toolchain: ProbeToolchain, seed: UInt64 = defaultSeed, probesPerConfiguration: Int = defaultProbes,
                configurations: [MatrixConfiguration] = ConformanceMatrix.configurations,
                regimes: [RegimeSpec] = RegimeSpec.all,
                parallelism: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.regimes = regimes
        self.toolchain = toolchain
        self.seed = seed
        self.probesPerConfiguration = probesPerConfiguration
        self.configurations = configurations
        self.parallelism = parallelism
    }

    /// Configuration `index` made concrete for this run's seed.
    package func prepare(_ index: Int) throws(ConformanceError) -> PreparedConfiguration {
        // Drawn from the configuration's name, so that `--only` reproduces
        // exactly what the whole run probed.
        let spec = configurations[index]
        var content = MatrixContent(rng: SplitMix64(seed: seed).derived(Self.nameHash(spec.name)), spec: spec)
        return try content.prepare(probes: probesPerConfiguration)
    }

    /// Runs every configuration; `report` is called once per configuration,
    /// in order, as soon as it and those before it are done.
    public func run(report: @escaping @Sendable (ConfigurationResult) -> Void) -> [ConfigurationResult] {
        let count = configurations.count + regimes.count
        let results = Locked([ConfigurationResult?](repeating: nil, count: count))
        let reported = Locked(0)
        let next = Locked(0)
        let workers = max(1, min(parallelism, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.update { n -> Int in defer { n += 1 }; return n }
                guard i < count else { return }
                let result = runOne(i)
                results.update { $0[i] = result }
                // Report every finished configuration that is next in order.
                reported.update { r in
                    let done = results.get()
                    while r < count, let ready = done[r] { report(ready); r += 1 }
                }
            }
        }
        return results.get().map { $0! }
    }

    /// 64-bit FNV-1a of a configuration's name.
    static func nameHash(_ name: String) -> UInt64 {
        name.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    /// Regime configuration `index` made concrete for this run's seed.
    package func prepareRegime(_ index: Int) throws(ConformanceError) -> PreparedRegimeCase {
        let spec = regimes[index]
        let capacity = RegimeProbeInput.capacity(segments: Self.regimeSegmentsBound)
        var content = RegimeContent(rng: SplitMix64(seed: seed).derived(Self.nameHash(spec.name)), spec: spec)
        return try content.prepare(probes: min(probesPerConfiguration, capacity))
    }
    /// Segments a regime configuration's image may have, for the probe's capacity.
    static let regimeSegmentsBound = 64

    /// Prepares and runs configuration `index` (the EL1&0 matrix, then the regimes).
    package func runOne(_ index: Int) -> ConfigurationResult {
        if index >= configurations.count { return runRegime(index - configurations.count) }
        let start = Date()
        let name = configurations[index].name
        let prepared: PreparedConfiguration
        do {
            prepared = try prepare(index)
        } catch {
            return ConfigurationResult(name: name, legs: [], plants: [], realAccesses: false, errors: [error.description],
                                       seconds: Date().timeIntervalSince(start))
        }
        var result = Self.run(prepared, toolchain: toolchain)
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// Prepares and runs regime configuration `index`: the MMU leg on the regime probe.
    package func runRegime(_ index: Int) -> ConfigurationResult {
        let start = Date()
        let spec = regimes[index]
        var result = ConfigurationResult(name: spec.name, legs: [], plants: [], realAccesses: false, errors: [], seconds: 0)
        result.regime = spec.regimeTag
        do {
            let prepared = try prepareRegime(index)
            result.planted = prepared.plants
            // A failure is recorded in `result`.
            try? RegimeLeg.run(prepared, toolchain: toolchain, into: &result)
        } catch {
            result.errors = [error.description]
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// The three legs over one prepared configuration.
    public static func run(_ p: PreparedConfiguration, toolchain: ProbeToolchain) -> ConfigurationResult {
        var legs: [LegResult] = []
        var errors: [String] = []
        func attempt(_ leg: ProbeLeg, probes: Int, _ body: () throws(ConformanceError) -> LegResult) {
            do {
                legs.append(try body())
            } catch {
                var failed = LegResult(leg: leg)
                failed.probes = probes
                failed.failed = probes
                legs.append(failed)
                errors.append("\(leg.rawValue): \(error.description)")
            }
        }
        attempt(.layout, probes: p.layout.mappings.count + p.layout.tables.count) { () throws(ConformanceError) in
            try LayoutLeg.check(p.layout, image: p.built, toolchain: toolchain)
        }
        attempt(.walk, probes: p.vas.count) { () throws(ConformanceError) in
            try WalkLeg.check(p.image, vas: p.vas, toolchain: toolchain)
        }
        attempt(.mmu, probes: p.vas.count) { () throws(ConformanceError) in
            try MMULeg.check(p.image, vas: p.vas, graft: p.graft, toolchain: toolchain)
        }
        return ConfigurationResult(name: p.spec.name, legs: legs, plants: p.plants, realAccesses: p.graft != nil,
                                   errors: errors, seconds: 0)
    }
}
