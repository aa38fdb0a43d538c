import ArgumentParser
import VMSAJSON

struct BenchCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the hot paths against the plain-C reference compiled into this binary.",
        discussion: """
            Each operation runs its Swift implementation and the C reference on the same input, \
            several times; the fastest run counts (the machine is shared). Both must produce the \
            same checksum, or the run fails with status 1. Build with -c release for real figures.
            """)

    @Flag(help: "One JSON object per operation: name, unit, swift, c, ratio (ns/op).") var json = false
    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Runs per implementation; the fastest counts.") var runs: Int = 5
    @Option(parsing: .unconditional, help: "Shrink every workload by this factor (1 = full size, at most \(BenchSuite.largestScale)).") var scale: Int = 1
    @Option(help: "Run only operations whose name contains this text.") var filter: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--repeat \(runs) is not a positive count") }
        guard (1...BenchSuite.largestScale).contains(scale) else {
            throw ValidationError("--scale \(scale) is out of range; expected 1 to \(BenchSuite.largestScale), where every workload is at its smallest")
        }
    }

    func execute() throws {
        var mismatches: [String] = []
        if !json {
            Output.line(pad("operation", 28) + pad("unit", 12) + pad("swift ns/op", 13) + pad("C ns/op", 10) + "ratio")
        }
        for bench in BenchSuite.all(scale: scale) where filter.map({ bench.name.contains($0) }) ?? true {
            let (swiftNs, swiftSum) = measure(bench.swift)
            let cResult = bench.c.map(measure)
            if let c = cResult, c.checksum != swiftSum {
                mismatches.append(bench.name)
            }
            let ratio = cResult.map { swiftNs / $0.nsPerOp }
            if json {
                Output.json([
                    ("name", .string(bench.name)), ("unit", .string(bench.unit)),
                    ("swift", .number(fmt(swiftNs))), ("c", cResult.map { .number(fmt($0.nsPerOp)) } ?? .null),
                    ("ratio", ratio.map { .number(fmt($0)) } ?? .null),
                ])
            } else {
                Output.line(pad(bench.name, 28) + pad(bench.unit, 12) + pad(fmt(swiftNs), 13)
                    + pad(cResult.map { fmt($0.nsPerOp) } ?? "-", 10) + (ratio.map { fmt($0) } ?? "-"))
            }
        }
        if !mismatches.isEmpty {
            throw CLIError(.checkFailed, "Swift and C disagree on the result of: \(mismatches.joined(separator: ", "))")
        }
    }

    /// Fastest of `runs` runs, in ns per operation, and the run's checksum.
    private func measure(_ body: () -> (operations: Int, checksum: UInt64)) -> (nsPerOp: Double, checksum: UInt64) {
        var best = Double.infinity
        var checksum: UInt64 = 0
        let clock = ContinuousClock()
        for _ in 0..<runs {
            var result = (operations: 0, checksum: UInt64(0))
            let elapsed = clock.measure { result = body() }
            let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best = min(best, ns / Double(max(1, result.operations)))
            checksum = result.checksum
        }
        return (best, checksum)
    }

    private func fmt(_ v: Double) -> String {
        let hundredths = (v * 100).rounded()
        let whole = Int(hundredths) / 100, frac = Int(hundredths) % 100
        return "\(whole)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
