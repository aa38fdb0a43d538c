import Foundation
import Testing
import VMSAJSON

/// `replay --adapt`, `trace --adapt` and `vmsa report`: the page-size
/// models through the command line, on a trace whose costs are worked out
/// by hand (the same four processes as PageSizeCostTests, at other VAs) and
/// on a process this test starts.
@Suite struct ReportCLITests {
    let dir: URL
    init() throws { dir = try VMSATool.scratchDirectory("report") }

    static let example = ReadmeTests.repository.appendingPathComponent("examples/traces/adapt-small.jsonl").path

    /// A `sleep 60` of this test's own, to read while it sleeps.
    static func sleeper() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["60"]
        try p.run()
        return p
    }

    static func object(_ line: String) throws -> JSONValue { try JSONParser.parse(line) }
    static func int(_ v: JSONValue?) -> Int? { if case .number(let n)? = v { return Int(n) } else { return nil } }

    @Test("replay --adapt 64k: the hand-counted costs of a 12K file, a misaligned VMA, a THP and a shared mapping")
    func adaptedReplay() throws {
        let r = try VMSATool.run(["replay", Self.example, "--adapt", "64k", "--report", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 1)
        let o = try Self.object(r.lines[0])
        // Added 4K pages: 13 (12K file: padding) + 13 (misaligned VMA) + 15
        // (THP tail) + 14 (shared: 3 file pages + 11 padding) = 55, to 3 + 3
        // + 513 + 2 = 521 resident: 10.6%. Padding and SIGBUS pages: 13 + 11.
        #expect(Self.int(o["addedBytes"]) == 55 * 4096 && Self.int(o["residentBytes"]) == 521 * 4096)
        #expect(o["addedPercent"] == .number("10.6"))
        #expect(Self.int(o["paddedFilePages"]) == 24 && Self.int(o["sigbusPages"]) == 24 && Self.int(o["movedVMAs"]) == 1)
        #expect(Self.int(o["fallbacks"]) == 0 && o["fallbackReasons"] == .object(JSONObject()) && o["equivalent"] == .bool(true))
        // One TLB entry per 64K page and one for the THP: 16 + 16 + 1 + 16 + 16 at 4K.
        #expect(o["tlbEntries"] == .object(JSONObject([("4k", .int(65)), ("4k-contiguous", .int(5)), ("native", .int(5))])))
        #expect(o["adapt"] == .string("64k"))
    }

    @Test("replay --adapt refuses a contradicting --granule and the image options")
    func adaptUsageErrors() throws {
        let r = try VMSATool.run(["replay", Self.example, "--adapt", "16k", "--granule", "64k"])
        #expect(r.status == 64)
        #expect(r.stderr == "vmsa: --adapt 16k replays on the 16K native table; --granule 64k contradicts it\n")
        let i = try VMSATool.run(["replay", Self.example, "--adapt", "16k", "--native-image", "n.img"], cwd: dir)
        #expect(i.status == 64 && i.stderr.contains("do not go with --adapt"))
        let bad = try VMSATool.run(["replay", "-", "--adapt", "16k"], stdin: #"{"op":"vma","start":"0x2000","end":"0x1000","perms":"rw-p","offset":"0x0"}"#)
        #expect(bad.status == 65)
        #expect(bad.stderr == "vmsa: line 1: \"start\" 0x2000 and \"end\" 0x1000 are not a non-empty range of whole 4K pages\n")
    }

    @Test("trace --adapt writes a trace that replays natively with no fallback")
    func adaptedTrace() throws {
        let t = try VMSATool.run(["trace", "--image", "linux.img"], cwd: dir)
        #expect(t.status == 66)   // no image yet: the error names the file
        #expect(try VMSATool.run(["replay", Self.example, "--granule", "64k", "--linux-image", "linux.img"], cwd: dir).status == 0)
        let a = try VMSATool.run(["trace", "--image", "linux.img", "--adapt", "64k", "-o", "a.jsonl"], cwd: dir)
        #expect(a.status == 0, "\(a.stderr)")
        // An image holds no VMAs: each run of adjacent entries with one
        // protection is one, so the misaligned VMA's two runs and the shared
        // mapping's two pages are two VMAs each, one of them moved up a 64K
        // page: 1 (file) + 2 + 2 (THP, tail) + 2 = 7 set_ptes/set_pmd.
        let r = try VMSATool.run(["replay", "a.jsonl", "--granule", "64k"], cwd: dir)
        #expect(r.lines == ["7 operations, 0 fallback, mode native, equivalent"], "\(r.stderr)")
    }

    @Test("report --pid: a process this test starts gets a row, and the total adds it up")
    func reportOneProcess() throws {
        let sleeper = try Self.sleeper()
        defer { sleeper.terminate() }
        let pid = Int(sleeper.processIdentifier)
        let r = try VMSATool.run(["report", "--pid", String(pid), "--json", "--svg", "chart.svg"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 2)
        let row = try Self.object(r.lines[0]), total = try Self.object(r.lines[1])
        #expect(Self.int(row["pid"]) == pid && row["comm"] == .string("sleep"))
        for size in ["16k", "64k"] {
            // An adapted process has no fallback and translates alike.
            #expect(Self.int(row[size]?["fallbacks"]) == 0 && row[size]?["equivalent"] == .bool(true))
            #expect(row[size]?["addedBytes"] == total[size]?["addedBytes"])
        }
        #expect(total["total"] == .bool(true) && Self.int(total["processes"]) == 1 && Self.int(total["skipped"]) == 0)
        let svg = try String(contentsOf: dir.appendingPathComponent("chart.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.contains(">\(pid) sleep</text>") && svg.hasSuffix("</svg>\n"))
        // Each size's bar in the memory panel carries the row's added KiB.
        for size in ["16K", "64K"] {
            let kib = (Self.int(row[size.lowercased()]?["addedBytes"]) ?? -1) / 1024
            #expect(svg.contains("<title>sleep \(size): \(kib)</title>"), "\(size): \(kib) KiB")
        }
    }

    @Test("trace PID writes each VMA's record, with the mapped file's size, before its operations")
    func traceWritesVMARecords() throws {
        let sleeper = try Self.sleeper()
        defer { sleeper.terminate() }
        let r = try VMSATool.run(["trace", String(sleeper.processIdentifier)])
        #expect(r.status == 0, "\(r.stderr)")
        // The source record comes first (see traceWritesSource), then the VMAs.
        let firstVMA = r.lines.dropFirst().first ?? ""
        let first = try Self.object(firstVMA)
        // The first VMA is the executable's first segment: a file of known size.
        guard case .string(let path)? = first["path"] else { Issue.record("no path in \(firstVMA)"); return }
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(first["op"] == .string("vma") && first["fileSize"] == .string("0x" + String(size ?? -1, radix: 16)))
    }

    @Test("trace PID opens with its source record: the running kernel if the model knows it, else the model's, with a note")
    func traceWritesSource() throws {
        let sleeper = try Self.sleeper()
        defer { sleeper.terminate() }
        let pid = String(sleeper.processIdentifier)
        let r = try VMSATool.run(["trace", pid])
        #expect(r.status == 0, "\(r.stderr)")
        var names = utsname()
        #expect(uname(&names) == 0)
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        // Each release the model knows, by its major.minor.
        let known = ["6.1": "v6.1", "6.12": "v6.12"]
        let majorMinor = release.split(separator: ".").prefix(2).map { String($0.prefix(while: \.isNumber)) }.joined(separator: ".")
        let version = known[majorMinor] ?? "v6.12"
        #expect(r.lines.first == #"{"op":"source","linux":"\#(version)","from":"pid \#(pid)"}"#)
        #expect(r.lines.dropFirst().allSatisfy { !$0.contains(#""op":"source""#) })
        let note = "vmsa: the running kernel \(release) is not one the model knows (v6.1, v6.12); the source record names v6.12, the layout the entries are written in"
        #expect(r.stderr.split(separator: "\n").contains { $0 == note } == (known[majorMinor] == nil), "\(r.stderr)")
        // replay --report names it.
        let replay = try VMSATool.run(["replay", "-", "--granule", "16k", "--report", "--json"], stdin: r.stdout)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains(#""source":{"from":"pid \#(pid)","linux":"\#(version)"}"#), "\(replay.stdout)")
    }

    @Test("replay --json without --report ends with a summary object, as its text form ends with a summary line")
    func replayJSONSummary() throws {
        let fallback = ReadmeTests.repository.appendingPathComponent("examples/traces/fallback.jsonl").path
        let plain = try VMSATool.run(["replay", fallback, "--granule", "16k", "--json"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.lines.count == 4 && plain.lines.dropLast().allSatisfy { $0.hasPrefix(#"{"op":"#) })
        #expect(plain.lines.last == #"{"summary":true,"ops":9,"fallbacks":3,"mode":"native","equivalent":true}"#)
        let text = try VMSATool.run(["replay", fallback, "--granule", "16k"])
        #expect(text.lines == ["9 operations, 3 fallback, mode native, equivalent"])
        let adapted = try VMSATool.run(["replay", Self.example, "--adapt", "16k", "--json"])
        #expect(adapted.status == 0, "\(adapted.stderr)")
        #expect(adapted.lines == [#"{"summary":true,"ops":5,"fallbacks":0,"mode":"native","equivalent":true,"addedBytes":77824,"residentBytes":2134016}"#])
        let adaptedText = try VMSATool.run(["replay", Self.example, "--adapt", "16k"])
        #expect(adaptedText.lines == ["5 operations, 0 fallback, mode native, equivalent; 76 KiB added to 2084 KiB resident (3.6%)"])
    }

    @Test("report skips a process that is gone and counts it")
    func reportSkipsGoneProcesses() throws {
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let r = try VMSATool.run(["report", "--pid", String(gone.processIdentifier), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let total = try Self.object(r.lines.last ?? "")
        #expect(Self.int(total["processes"]) == 0 && Self.int(total["skipped"]) == 1)
        #expect(r.stderr == "vmsa: 0 processes, 1 skipped (exited or denied access while read), 0 kernel threads (no user memory)\n")
    }

    @Test("report refuses --pid with --image, --linux without it, and an image it cannot read")
    func reportUsageErrors() throws {
        let both = try VMSATool.run(["report", "--pid", "1", "--image", "x.img"])
        #expect(both.status == 64)
        #expect(both.stderr == "vmsa: give --pid for this machine's processes or --image IMAGE (or --gdb HOST:PORT), not both\n")
        let linux = try VMSATool.run(["report", "--linux", "v6.1"])
        #expect(linux.status == 64 && linux.stderr.contains("--linux names the kernel of --image's tables"))
        let missing = try VMSATool.run(["report", "--image", "/nonexistent.img"])
        #expect(missing.status == 66 && missing.stderr == "vmsa: cannot read /nonexistent.img: no such file\n")
        let zero = try VMSATool.run(["report", "--pid", "0"])
        #expect(zero.status == 64 && zero.stderr == "vmsa: --pid 0 is not a positive process ID\n")
    }
}
