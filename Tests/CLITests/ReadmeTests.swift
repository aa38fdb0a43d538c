import Foundation
import Testing

/// The README is tested: every `$ vmsa …` example (and the shell lines
/// between them) runs, in order, in a scratch directory holding the
/// project's examples, and prints exactly what the README shows, standard
/// error included. `…` in a shown line stands for text that changes from
/// run to run (a time, a PID).
///
/// Not run here, and where they are run instead: the live-guest walkthrough
/// (lines naming `--gdb`, `guest.img` or `probe.jsonl`; the real-kernel leg
/// runs the same commands on three booted kernels), `vmsa conform` (the
/// whole matrix is `make test`'s last step), `vmsa bench` (timings), and
/// `vmsa report` over this machine's processes (they change from run to
/// run; ReportCLITests reports a process it starts, and `report --image`
/// examples run here).
@Suite("README examples")
struct ReadmeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Example {
        let line: Int
        let command: String
        let output: [String]
    }

    /// Commands checked elsewhere (see the suite's comment).
    static func checkedElsewhere(_ command: String) -> Bool {
        ["--gdb", "guest.img", "probe.jsonl", "vmsa conform", "vmsa bench", "$!"].contains { command.contains($0) }
            || (command.hasPrefix("vmsa report") && !command.contains("--image"))
    }

    static func examples() throws -> [Example] {
        let text = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        var out: [Example] = []
        var inBlock = false
        var current: (line: Int, command: String, output: [String])?
        func flush() {
            if let c = current {
                var o = c.output
                while o.last == "" { o.removeLast() }
                out.append(Example(line: c.line, command: c.command, output: o))
            }
            current = nil
        }
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                flush()
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                flush()
                current = (n + 1, String(line.dropFirst(2)), [])
            } else {
                current?.output.append(String(line))
            }
        }
        return out
    }

    /// Whether `got` is what `shown` says, `…` matching any text.
    static func matches(_ shown: String, _ got: String) -> Bool {
        let parts = shown.components(separatedBy: "…")
        guard parts.count > 1 else { return shown == got }
        var rest = Substring(got)
        for (i, p) in parts.enumerated() {
            if i == 0 {
                guard rest.hasPrefix(p) else { return false }
                rest = rest.dropFirst(p.count)
            } else if i == parts.count - 1 {
                return rest.hasSuffix(p)
            } else {
                guard let r = rest.range(of: p) else { return false }
                rest = rest[r.upperBound...]
            }
        }
        return true
    }

    @Test func everyExamplePrintsWhatTheReadmeShows() throws {
        let dir = try VMSATool.scratchDirectory("readme")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("examples"),
                                                   withDestinationURL: Self.repository.appendingPathComponent("examples"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        let path = VMSATool.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var ran = 0
        for example in try Self.examples() where !Self.checkedElsewhere(example.command) {
            let r = try VMSATool.run(["-c", "export PATH='\(path)'; " + example.command + " 2>&1"], cwd: dir,
                                     program: URL(fileURLWithPath: "/bin/bash"))
            var got = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while got.last == "" { got.removeLast() }
            let same = got.count == example.output.count && zip(example.output, got).allSatisfy { Self.matches($0, $1) }
            #expect(same, "README.md:\(example.line): $ \(example.command)\nshown:\n\(example.output.joined(separator: "\n"))\nprinted:\n\(got.joined(separator: "\n"))")
            ran += 1
        }
        #expect(ran > 40)
    }
}
