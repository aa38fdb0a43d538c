/// What one leg found over one configuration.
public struct LegResult: Sendable {
    public var leg: ProbeLeg
    /// Checked units: mapping requests (layout) or virtual addresses (walk, mmu).
    public var probes = 0
    /// Probes that agree, including those whose only differences are
    /// classified QEMU deviations.
    public var passed = 0
    public var failed = 0
    /// Classified QEMU deviations seen, by kind.
    public var expectedDifferences: [QEMUDeviation: Int] = [:]
    /// The first mismatches found (at most `mismatchLimit`), with detail.
    public var mismatches: [Mismatch] = []
    /// Wall-clock seconds the leg took, QEMU included.
    public var seconds = 0.0

    package static let mismatchLimit = 20

    public init(leg: ProbeLeg) { self.leg = leg }

    public var expectedDifferenceCount: Int { expectedDifferences.values.reduce(0, +) }

    mutating func record(_ mismatches: [Mismatch], deviations: [QEMUDeviation]) {
        probes += 1
        if mismatches.isEmpty {
            passed += 1
        } else {
            failed += 1
            for m in mismatches where self.mismatches.count < Self.mismatchLimit { self.mismatches.append(m) }
        }
        if mismatches.isEmpty, !deviations.isEmpty {
            for d in Set(deviations) { expectedDifferences[d, default: 0] += 1 }
        }
    }
}
