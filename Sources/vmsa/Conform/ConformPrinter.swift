import Conformance
import Foundation
import VMSA
import VMSAJSON

/// How `vmsa conform` prints: one line (or one JSON object per leg) per
/// configuration, the mismatches under it, and `N passed, M failed`.
struct ConformPrinter: Sendable {
    let json: Bool

    /// Mismatches printed per leg.
    static let mismatchesShown = 5

    func print(_ r: ConfigurationResult) {
        if json {
            for leg in r.legs {
                var entries: [(String, JSONValue)] = [
                    ("config", .string(r.name)), ("regime", .string(r.regime)), ("leg", .string(leg.leg.rawValue)), ("probes", .int(leg.probes)),
                    ("passed", .int(leg.passed)), ("failed", .int(leg.failed)),
                    ("expectedDifferences", .int(leg.expectedDifferenceCount)),
                ]
                if leg.failed > 0 {
                    entries.append(("mismatches", .array(leg.mismatches.prefix(Self.mismatchesShown).map(Self.mismatchJSON))))
                }
                Output.json(entries)
            }
            for e in r.errors { Output.error("\(r.name): \(e)") }
            return
        }
        let ok = r.failed == 0 && r.errors.isEmpty
        var line = (ok ? "ok   " : "FAIL ") + pad(r.name, 28)
        for leg in r.legs {
            line += " " + leg.leg.rawValue + " " + pad("\(leg.passed)/\(leg.probes)", 11)
        }
        let differences = r.legs.flatMap { $0.expectedDifferences }
        if !differences.isEmpty {
            var byKind: [QEMUDeviation: Int] = [:]
            for (k, v) in differences { byKind[k, default: 0] += v }
            line += " expected: " + QEMUDeviation.allCases.compactMap { k in byKind[k].map { "\(k) \($0)" } }.joined(separator: ", ")
        }
        line += String(format: "  %.2fs", r.seconds)
        Output.line(line)
        for e in r.errors { Output.line("  error: \(e)") }
        for leg in r.legs where leg.failed > 0 {
            for m in leg.mismatches.prefix(Self.mismatchesShown) {
                Output.line(m.description.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
            if leg.failed > Self.mismatchesShown { Output.line("  … \(leg.failed) \(leg.leg.rawValue) probes failed in all") }
        }
    }

    func summary(_ results: [ConfigurationResult]) {
        let probes = results.reduce(0) { $0 + $1.probes }
        let passed = results.reduce(0) { $0 + $1.passed }
        let failed = results.reduce(0) { $0 + $1.failed }
        if json {
            Output.json([("summary", .bool(true)), ("configurations", .int(results.count)), ("probes", .int(probes)),
                         ("passed", .int(passed)), ("failed", .int(failed))])
        } else {
            Output.line("\(passed) passed, \(failed) failed")
        }
    }

    static func mismatchJSON(_ m: Mismatch) -> JSONValue {
        .object(JSONObject([
            ("va", .hex(m.va)), ("check", .string(m.check)), ("vmsa", .string(m.vmsa)), ("probe", .string(m.probe)),
            ("walk", .array(m.walk.map { s in
                .object(JSONObject([("level", .int(s.level.rawValue)), ("entry", .hex(s.entryAddress)),
                                    ("descriptor", .hex(s.descriptor.rawValue)), ("kind", .string(s.kind.rawValue))]))
            })),
        ]))
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
