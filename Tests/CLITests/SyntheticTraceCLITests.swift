import Foundation
import Testing

/// `vmsa trace --synthetic`: the trace `make scale` pipes into replay, the
/// same written to a file or streamed, and its usage errors.
@Suite struct SyntheticTraceCLITests {
    let dir: URL
    init() throws { dir = try VMSATool.scratchDirectory("synthetic") }

    @Test("the synthetic trace opens with its source and is the same on standard output and in a file")
    func fileAndStandardOutputAgree() throws {
        let piped = try VMSATool.run(["trace", "--synthetic", "3", "--seed", "1"], cwd: dir)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.lines == [
            #"{"op":"source","linux":"v6.12","from":"synthetic 3 seed 1"}"#,
            #"{"op":"set_ptes","addr":"0x1025cc10000","pte":"0x00680002dcc10fc3","nr":16}"#,
            #"{"op":"set_ptes","addr":"0x10eec670000","pte":"0x0068000f6c670fc3","nr":16}"#,
            #"{"op":"set_ptes","addr":"0x102555e0000","pte":"0x00680002d55e0fc3","nr":16}"#,
        ])
        let written = try VMSATool.run(["trace", "--synthetic", "3", "--seed", "1", "-o", "t.jsonl"], cwd: dir)
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8) == piped.stdout)
    }

    @Test("replay streaming the trace from standard input reports what replay of the file reports")
    func streamedReplayEqualsFileReplay() throws {
        let trace = try VMSATool.run(["trace", "--synthetic", "20000", "--seed", "4", "-o", "t.jsonl"], cwd: dir)
        #expect(trace.status == 0, "\(trace.stderr)")
        let text = try String(contentsOf: dir.appendingPathComponent("t.jsonl"), encoding: .utf8)
        let fromFile = try VMSATool.run(["replay", "t.jsonl", "--granule", "64k", "--report", "--json"], cwd: dir)
        let streamed = try VMSATool.run(["replay", "-", "--granule", "64k", "--report", "--json"], stdin: text, cwd: dir)
        #expect(fromFile.status == 0 && streamed.status == 0, "\(fromFile.stderr)\(streamed.stderr)")
        #expect(fromFile.stdout == streamed.stdout)
        #expect(fromFile.stdout.contains(#""ops":20000,"translated":20000,"fallbacks":0,"mode":"native""#))
        #expect(fromFile.stdout.contains(#""equivalent":true"#))
    }

    @Test("--synthetic takes only --seed and -o; --seed goes with it", arguments: [
        (["trace", "--synthetic", "5", "self"], "--synthetic makes a trace of its own, which does not read a PID; it takes only --seed and -o"),
        (["trace", "--synthetic", "5", "--adapt", "64k"], "--synthetic makes a trace of its own, which does not read --adapt; it takes only --seed and -o"),
        (["trace", "--synthetic", "5", "--max-mapping", "9"], "--synthetic makes a trace of its own, which does not read --max-mapping; it takes only --seed and -o"),
        (["trace", "--synthetic=-5"], "--synthetic -5 is not a count of operations; expected 0 or more"),
        (["trace", "self", "--seed", "3"], "--seed is the seed of --synthetic; give it with --synthetic N"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let r = try VMSATool.run(arguments, cwd: dir)
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
