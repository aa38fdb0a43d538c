import Foundation
import Testing

/// Bad layouts, images and traces: one sentence on standard error, the
/// contract's exit status, and no output file left behind.
@Suite("Bad files and traces")
struct BadInputCLITests {
    let dir: URL

    init() throws {
        dir = try VMSATool.scratchDirectory("bad")
    }

    func file(_ name: String, _ text: String) throws -> String {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }

    @Test("bad layouts exit 65 and write nothing", arguments: [
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k"},"mappings":[{"va":"0x0","pa":"0x0","size":"0x20000"},{"va":"0x10000","pa":"0x80000000","size":"0x10000"}]}"#,
         "overlaps mappings[0]"),
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"64k"},"mappings":[{"va":"0x0","pa":"0x1000","size":"0x10000"}]}"#,
         "0x1000"),
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k","vaBits":39},"mappings":[{"va":"0x7fff000000","pa":"0x0","size":"0x2000000"}]}"#,
         "0x7fff000000"),
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k"},"mappings":[{"va":"0x0","pa":"0x0","size":"0x0"}]}"#,
         "size"),
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k"},"mappings":[{"va":"0x0","pa":"0x10000000000000","size":"0x1000"}]}"#,
         "0x10000000000000"),
        (#"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k"},"colour":"red","mappings":[]}"#,
         "unknown key \"colour\""),
    ])
    func badLayout(layout: String, mentions: String) throws {
        let name = try file("bad.json", layout)
        let r = try VMSATool.run(["build", name, "-o", "out.img"], cwd: dir)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("vmsa: bad.json: ") && r.stderr.contains(mentions), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(left == ["bad.json"], "left behind: \(left)")
    }

    @Test("more probes than the MMU probe's buffer holds is a usage error naming the limit, not a failure")
    func tooManyProbes() throws {
        let r = try VMSATool.run(["conform", "--probes", "2000000"], cwd: dir)
        #expect(r.status == 64)
        // (0xc0000000 - 0xb0400000) / (8 + 136) bytes per address.
        #expect(r.stderr == "vmsa: --probes 2000000 is more than the MMU probe's buffer holds; expected at most 1835008\n")
        #expect(r.stdout.isEmpty)
    }

    @Test("junk in the probe directory is one error naming the file and what was expected, exit 66, at once", arguments: [
        ("text", "not an ELF file"),
        ("host", "an ELF file for e_machine 62, not EM_AARCH64 (183)"),
    ])
    func junkProbes(kind: String, found: String) throws {
        let probes = dir.appendingPathComponent("probes-\(kind)")
        try FileManager.default.createDirectory(at: probes, withIntermediateDirectories: true)
        // An x86-64 executable (the host's /bin/true) where an AArch64 one belongs.
        let walk = kind == "host" ? try Data(contentsOf: URL(fileURLWithPath: "/bin/true")) : Data("not a probe\n".utf8)
        try walk.write(to: probes.appendingPathComponent("walk_probe"))
        for name in ["layout_probe", "mmu_probe.elf"] {
            try Data("not a probe\n".utf8).write(to: probes.appendingPathComponent(name))
        }
        let started = Date()
        let r = try VMSATool.run(["conform", "--probe-dir", probes.path, "--probes", "4"], cwd: dir)
        #expect(r.status == 66)
        #expect(r.stderr == "vmsa: \(probes.path)/walk_probe is \(found); expected an AArch64 ELF executable (rebuild with `make probes`)\n")
        #expect(r.stdout.isEmpty)
        // Found when the toolchain is located, not after a probe's timeout.
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a missing file exits 66")
    func missing() throws {
        let r = try VMSATool.run(["dump", "no-such.img"], cwd: dir)
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("vmsa: cannot read no-such.img"))
    }

    @Test("a directory or a missing file given as input is exit 66 in one sentence, whichever command reads it", arguments: [
        (["build", "DIR", "-o", "x.img"], "cannot read DIR: it is a directory, not a file"),
        (["dump", "DIR"], "cannot read DIR: it is a directory, not a file"),
        (["replay", "DIR"], "cannot read DIR: it is a directory, not a file"),
        (["decode", "--file", "DIR", "--level", "3"], "cannot read DIR: it is a directory, not a file"),
        (["import", "-o", "x.img", "--ram", "DIR@0x40000000", "--tcr", "0", "--ttbr0", "0", "--ttbr1", "0"], "cannot read DIR: it is a directory, not a file"),
        (["replay", "gone.jsonl"], "cannot read gone.jsonl: no such file"),
        (["build", "gone.json", "-o", "x.img"], "cannot read gone.json: no such file"),
        (["translate", "gone.img", "0x0"], "cannot read gone.img: no such file"),
    ])
    func unreadableInput(args: [String], message: String) throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("DIR"), withIntermediateDirectories: true)
        let r = try VMSATool.run(args, cwd: dir)
        #expect(r.status == 66)
        #expect(r.stderr == "vmsa: \(message)\n")
        #expect(r.stdout.isEmpty)
    }

    @Test("a truncated or corrupted image exits 65")
    func badImage() throws {
        let layout = try file("ok.json", #"{"tablesBase":"0x40000000","mair":["normal-wb"],"ttbr0":{"granule":"4k","vaBits":39},"mappings":[{"va":"0x400000","pa":"0x80000000","size":"0x1000"}]}"#)
        #expect(try VMSATool.run(["build", layout, "-o", "ok.img"], cwd: dir).status == 0)
        let good = try Data(contentsOf: dir.appendingPathComponent("ok.img"))
        try good.prefix(200).write(to: dir.appendingPathComponent("short.img"))
        var flipped = good
        // TTBR0_EL1 in the v2 header, which the checksum covers.
        flipped[40] ^= 0x40
        try flipped.write(to: dir.appendingPathComponent("flipped.img"))
        for name in ["short.img", "flipped.img"] {
            let r = try VMSATool.run(["translate", name, "0x400000"], cwd: dir)
            #expect(r.status == 65, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("vmsa: \(name): "), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    @Test("bad trace lines exit 65 naming the line and the value", arguments: [
        (#"{"op":"set_ptez","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#, #""op" is "set_ptez""#),
        (#"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":0}"#, #""nr" is 0; expected an integer from 1 to 512"#),
        (#"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":600}"#, #""nr" is 600; expected an integer from 1 to 512"#),
        (#"{"op":"set_ptes","addr":"0x7f0000000000","pte":"zz","nr":1}"#, #""pte" is "zz"; expected a hex string"#),
        ("not json", "invalid JSON"),
    ])
    func badTrace(line: String, mentions: String) throws {
        let good = #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#
        let r = try VMSATool.run(["replay", "-", "--native", "64k"], stdin: good + "\n" + line + "\n")
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("vmsa: line 2: ") && r.stderr.contains(mentions), "\(r.stderr)")
    }

    @Test("a 100 MB line on standard input is refused at the 1 MiB bound, naming the line, exit 65", arguments: [
        (["replay", "-", "--native", "64k"], "line 2"),
        (["decode"], "standard input line 2"),
        (["tcr", "decode"], "standard input line 2"),
        (["encode", "--json"], "line 2"),
    ])
    func overlongLine(args: [String], place: String) throws {
        // Streamed by the shell, never held by the test: one good line, then
        // 100 MB without a newline. The tool stops at the bound, not at the end.
        let first = args[0] == "replay" ? #"{"op":"mkold","addr":"0x7f0000000000","nr":1}"# : args[0] == "encode" ? #"{"kind":"invalid"}"# : "0x0"
        let script = "{ echo '\(first)'; head -c 100000000 /dev/zero | tr '\\0' 7; } | \"$0\" \"$@\""
        let r = try VMSATool.run(["-c", script, VMSATool.binary.path] + args, program: URL(fileURLWithPath: "/bin/sh"))
        #expect(r.status == 65)
        #expect(r.stderr.hasSuffix("vmsa: \(place) is longer than 1 MiB, the most one input line may hold\n"), "\(r.stderr)")
    }

    @Test("decode --file of an endless device is refused at the bound, not read whole")
    func endlessPageFile() throws {
        let r = try VMSATool.run(["decode", "--file", "/dev/zero", "--level", "3"])
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: /dev/zero is larger than 1 MiB; expected one table page, as raw words or a hexdump\n")
    }

    @Test("replay usage errors exit 64")
    func replayUsage() throws {
        let r = try VMSATool.run(["replay", "-", "--native", "8k"], stdin: "")
        #expect(r.status == 64)
    }
}
