import Foundation
import Testing

/// `vmsa trace --image`: a captured image's 4K user tables as a replay
/// trace, its errors, and the source record replay --report prints.
@Suite struct TraceImageCLITests {
    let dir: URL
    init() throws { dir = try VMSATool.scratchDirectory("trace-image") }

    /// Present runs (one contpte-folded), PROT_NONE, swap and a THP block.
    static let trace = """
        {"op":"set_ptes","addr":"0x7f0000000000","pte":"0x00e8000041200f43","nr":16}
        {"op":"set_ptes","addr":"0x7f0000010000","pte":"0x0060000050000fc3","nr":4}
        {"op":"modify_prot","addr":"0x7f0000010000","nr":4,"prot":"0x0060000000000f82"}
        {"op":"set_swap","addr":"0x7f0000020000","nr":8,"type":1,"offset":"0x100"}
        {"op":"set_pmd","addr":"0x7f0000200000","pte":"0x0068000041400fc1"}

        """

    func linuxImage() throws {
        let r = try VMSATool.run(["replay", "-", "--native", "64k", "--linux-image", "linux.img"], stdin: Self.trace, cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("trace --image turns a Linux image back into the operations that built it")
    func traceImage() throws {
        try linuxImage()
        let r = try VMSATool.run(["trace", "--image", "linux.img"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines == [
            #"{"op":"source","linux":"v6.12","from":"image linux.img"}"#,
            #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x00e8000041200f43","nr":16}"#,
            #"{"op":"set_ptes","addr":"0x7f0000010000","pte":"0x0060000050000f82","nr":4}"#,
            #"{"op":"set_swap","addr":"0x7f0000020000","nr":8,"type":1,"offset":"0x100"}"#,
            #"{"op":"set_pmd","addr":"0x7f0000200000","pte":"0x0068000041400fc1"}"#,
        ])
        #expect(r.stderr == "vmsa: Linux v6.12 tables: 4 tables read, 29 entries: 4 operations\n")

        // Replaying the trace rebuilds the same Linux table.
        #expect(try VMSATool.run(["trace", "--image", "linux.img", "-o", "t.jsonl"], cwd: dir).status == 0)
        let again = try VMSATool.run(["replay", "t.jsonl", "--native", "64k", "--linux-image", "again.img"], cwd: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try VMSATool.run(["dump", "again.img", "--format", "raw", "-o", "-"], cwd: dir).stdout
                == (try VMSATool.run(["dump", "linux.img", "--format", "raw", "-o", "-"], cwd: dir).stdout))
    }

    @Test("replay --report names the trace's source and kernel")
    func reportShowsSource() throws {
        try linuxImage()
        #expect(try VMSATool.run(["trace", "--image", "linux.img", "--linux", "v6.1", "-o", "t.jsonl"], cwd: dir).status == 0)
        let text = try VMSATool.run(["replay", "t.jsonl", "--native", "16k", "--report"], cwd: dir)
        #expect(text.lines.first == "source            image linux.img, Linux v6.1 tables", "\(text.stdout)")
        let json = try VMSATool.run(["replay", "t.jsonl", "--native", "16k", "--report", "--json"], cwd: dir)
        #expect(json.stdout.hasSuffix(#","source":{"from":"image linux.img","linux":"v6.1"}}"# + "\n"), "\(json.stdout)")
        // A trace without the record reports as before.
        let plain = try VMSATool.run(["replay", "-", "--native", "16k", "--report", "--json"], stdin: Self.trace, cwd: dir)
        #expect(!plain.stdout.contains("source"))
        // The record only opens a trace.
        let late = try VMSATool.run(["replay", "-", "--native", "16k"], stdin: Self.trace + #"{"op":"source","linux":"v6.1","from":"x"}"#, cwd: dir)
        #expect(late.status == 65 && late.stderr == "vmsa: line 6: a \"source\" record must be the first line of the trace\n", "\(late.stderr)")
    }

    static let layout16K = """
        { "tablesBase": "0x40100000", "paBits": 48, "mair": "0xff",
          "ttbr0": { "granule": "16k", "vaBits": 48 },
          "mappings": [ { "va": "0x400000", "pa": "0x40000000", "size": "0x4000", "attrIndx": 0, "ap": 1 } ] }
        """

    static let badArguments: [([String], String)] = [
        (["trace"], "vmsa: give a PID, --image IMAGE or --gdb HOST:PORT\n"),
        (["trace", "self", "--image", "x.img"], "vmsa: give one of a PID, --image IMAGE and --gdb HOST:PORT\n"),
        (["trace", "--image", "x.img", "--linux", "v5.4"], "vmsa: --linux v5.4 is not a modelled kernel; expected v6.1, v6.12\n"),
        (["trace", "self", "--linux", "v6.1"], "vmsa: --linux names the kernel of --image's tables; a PID trace is written in v6.12 form\n"),
        (["trace", "--image", "x.img", "--assume-present"], "vmsa: --assume-present is for a PID; --image reads the tables themselves\n"),
    ]

    @Test("trace takes a PID or --image, not both, and a modelled --linux", arguments: badArguments)
    func usageErrors(args: [String], message: String) throws {
        let r = try VMSATool.run(args, cwd: dir)
        #expect(r.status == 64)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }

    @Test("trace --image refuses a 16K image, naming the granule, and an unreadable file")
    func badImages() throws {
        try Self.layout16K.write(to: dir.appendingPathComponent("16k.json"), atomically: true, encoding: .utf8)
        #expect(try VMSATool.run(["build", "16k.json", "-o", "16k.img"], cwd: dir).status == 0)
        let r = try VMSATool.run(["trace", "--image", "16k.img"], cwd: dir)
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: 16k.img: the image's TTBR0 half uses the 16K granule; the Linux model reads 4K tables (TG0 = 4K)\n")
        #expect(r.stdout.isEmpty)
        let missing = try VMSATool.run(["trace", "--image", "missing.img"], cwd: dir)
        #expect(missing.status == 66 && missing.stderr.hasPrefix("vmsa: cannot read missing.img"), "\(missing.stderr)")
    }
}
