import Foundation
import Testing

/// `vmsa import`: an image from a memory dump (raw RAM files or an ELF
/// core) and registers, checked against the image the dump was taken of.
@Suite("Import a memory dump")
struct ImportCLITests {
    let dir: URL

    init() throws {
        dir = try VMSATool.scratchDirectory("import")
    }

    static func layout(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/layouts/\(name)").path
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Builds `layout` into a.img and writes what a dump of it would hold:
    /// the table memory as a.raw and the registers as regs.json. Returns tablesBase.
    func dumped(_ layout: String) throws -> UInt64 {
        #expect(try VMSATool.run(["build", Self.layout(layout), "-o", "a.img"], cwd: dir).status == 0)
        #expect(try VMSATool.run(["dump", "a.img", "--format", "raw", "-o", "a.raw"], cwd: dir).status == 0)
        let regs = try VMSATool.run(["dump", "a.img", "--format", "registers", "--json"], cwd: dir)
        try regs.stdout.write(toFile: path("regs.json"), atomically: true, encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(regs.stdout.utf8)) as? [String: Any])
        return try #require(UInt64((object["tablesBase"] as? String ?? "").dropFirst(2), radix: 16))
    }

    /// An ELF64 arm64 core as QEMU's dump-guest-memory writes one (header,
    /// PT_NOTE, then PT_LOADs by p_paddr), written from the ELF spec.
    static func core(_ loads: [(paddr: UInt64, bytes: Data)]) -> Data {
        func le<T: FixedWidthInteger>(_ v: T) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let note = Data(count: 24), phnum = 1 + loads.count
        var header = Data([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]) + Data(count: 9)   // ELFCLASS64, ELFDATA2LSB, EV_CURRENT
        header += le(UInt16(4)) + le(UInt16(183)) + le(UInt32(1)) + le(UInt64(0))      // ET_CORE, EM_AARCH64, e_version, e_entry
        header += le(UInt64(64)) + le(UInt64(0)) + le(UInt32(0))                        // e_phoff, e_shoff, e_flags
        header += le(UInt16(64)) + le(UInt16(56)) + le(UInt16(phnum)) + Data(count: 6)  // e_ehsize, e_phentsize, e_phnum
        var offset = UInt64(64 + 56 * phnum)
        func phdr(_ type: UInt32, _ paddr: UInt64, _ size: Int) -> Data {
            le(type) + le(UInt32(7)) + le(offset) + le(UInt64(0)) + le(paddr) + le(UInt64(size)) + le(UInt64(size)) + le(UInt64(0))
        }
        var table = phdr(4, 0, note.count)
        offset += UInt64(note.count)
        for l in loads {
            table += phdr(1, l.paddr, l.bytes.count)
            offset += UInt64(l.bytes.count)
        }
        return loads.reduce(header + table + note) { $0 + $1.bytes }
    }

    /// VAs to compare: every leaf's and hole's first and last byte (from
    /// `dump --format json`), and some beyond them.
    func probes(_ image: String) throws -> [String] {
        let dump = try VMSATool.run(["dump", image, "--format", "json"], cwd: dir)
        var vas = ["0x0", "0xffffffffffffffff", "0x0000800000000000", "0xffff7fffffffffff"]
        for line in dump.lines {
            let item = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            vas += [item["va"], item["end"]].compactMap { $0 as? String }
        }
        return vas
    }

    /// translate --json on both images agrees for every probe, as read, write at EL1 and EL0, and
    /// execute; `options` (PSTATE.PAN) go to b's EL1 data accesses, the only ones they apply to.
    func expectSameTranslations(_ a: String, _ b: String, overriding options: [String] = []) throws {
        let vas = try probes(a)
        #expect(vas.count > 20)
        for (access, dataAtEL1) in [(["--access", "r"], true), (["--access", "w"], true), (["--access", "w", "--el", "0"], false), (["--access", "x"], false)] {
            let x = try VMSATool.run(["translate", a, "--json"] + access + vas, cwd: dir)
            let y = try VMSATool.run(["translate", b, "--json"] + access + (dataAtEL1 ? options : []) + vas, cwd: dir)
            #expect(x.status == 0 && y.status == 0, "\(y.stderr)")
            #expect(x.lines.count == vas.count && x.stdout == y.stdout, "\(access)")
        }
    }

    @Test("a raw RAM file and an ELF core of an image import to the same walks", arguments: [
        "per-process-4k.json", "per-process-64k.json", "both-16k.json", "lpa2-52bit.json",
    ])
    func importMatchesImage(layout: String) throws {
        let base = try dumped(layout)
        let ram = try VMSATool.run(["import", "--ram", "a.raw@\(String(base, radix: 16))", "--registers", "regs.json", "-o", "ram.img", "--json"], cwd: dir)
        #expect(ram.status == 0 && ram.stderr.isEmpty, "\(ram.stderr)")
        #expect(ram.stdout.hasPrefix(#"{"image":"ram.img","version":2,"tables":"#) && ram.stdout.hasSuffix(#","missing":[]}"# + "\n"), "\(ram.stdout)")
        try expectSameTranslations("a.img", "ram.img")
        #expect(try VMSATool.run(["diff", "a.img", "ram.img"], cwd: dir).stdout == "0 differing ranges\n")

        // The same memory as a core of two PT_LOADs, split at a page.
        let memory = try Data(contentsOf: dir.appendingPathComponent("a.raw"))
        let split = 0x4000
        try Self.core([(base, memory.prefix(split)), (base + UInt64(split), memory.dropFirst(split))]).write(to: dir.appendingPathComponent("core.elf"))
        let core = try VMSATool.run(["import", "core.elf", "--registers", "regs.json", "-o", "core.img"], cwd: dir)
        #expect(core.status == 0 && core.stderr.isEmpty, "\(core.stderr)")
        #expect(core.stdout.hasPrefix("core.img: ") && core.stdout.contains(" of tables (from \(memory.count / 1024) KiB of RAM)"), "\(core.stdout)")
        try expectSameTranslations("a.img", "core.img")
        // Registers and state come through unchanged.
        #expect(try VMSATool.run(["dump", "core.img", "--format", "registers", "--json"], cwd: dir).stdout.prefix(120)
                == VMSATool.run(["dump", "a.img", "--format", "registers", "--json"], cwd: dir).stdout.prefix(120))
    }

    @Test("the options give the registers, and override the file's")
    func registersFromOptions() throws {
        let base = try dumped("per-process-4k.json")
        let ram = "a.raw@0x\(String(base, radix: 16))"
        // From options alone (bare hex digits), with the CPU state.
        let r = try VMSATool.run(["import", "--ram", ram, "-o", "opt.img", "--tcr", "15b5103510", "--mair", "0x000000040044f0ff",
                                  "--ttbr0", "0x002a000040101000", "--ttbr1", "0x40100000", "--sctlr", "0x30d0199d", "--pan"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // The same walks once PSTATE.PAN is set aside; with it, an EL1 read of an EL0 page faults.
        try expectSameTranslations("a.img", "opt.img", overriding: ["--no-pan"])
        let user = try VMSATool.run(["translate", "opt.img", "0x400010"], cwd: dir)
        #expect(user.stdout.contains("permission fault at level 2"), "\(user.stdout)")
        let regs = try VMSATool.run(["dump", "opt.img", "--format", "registers", "--json"], cwd: dir).stdout
        #expect(regs.contains(#""sctlr_el1":"0x0000000030d0199d","pan":true"#), "\(regs)")
        // A wrong TTBR1 in the file, put right by the option.
        let wrong = try String(contentsOf: dir.appendingPathComponent("regs.json"), encoding: .utf8)
            .replacingOccurrences(of: #""ttbr1_el1":"0x0000000040100000""#, with: #""ttbr1_el1":"0x0000000070000000""#)
        try wrong.write(to: dir.appendingPathComponent("wrong.json"), atomically: true, encoding: .utf8)
        let fixed = try VMSATool.run(["import", "--ram", ram, "--registers", "wrong.json", "--ttbr1", "0x40100000", "-o", "fixed.img"], cwd: dir)
        #expect(fixed.status == 0 && fixed.stderr.isEmpty, "\(fixed.stderr)")
        try expectSameTranslations("a.img", "fixed.img")
        // Only TTBR1 given: TTBR0 is taken as 0 and said so; its root is outside the dump.
        let one = try VMSATool.run(["import", "--ram", ram, "-o", "one.img", "--tcr", "0x15b5103510", "--ttbr1", "0x40100000"], cwd: dir)
        #expect(one.status == 0)
        #expect(one.stderr == """
            vmsa: warning: no TTBR0_EL1 given; taken as 0, so its walks start at PA 0x0
            vmsa: warning: table at PA 0x0 (level 0, TTBR0_EL1) is outside the dump; its walks show as not captured

            """)
    }

    @Test("--data also keeps the RAM the leaves map; without it only the table pages")
    func dataPages() throws {
        let base = try dumped("per-process-4k.json")
        // RAM from 0x40000000: TTBR1's 1 GiB block maps all of it, the tables sit at tablesBase inside it.
        let ramBase: UInt64 = 0x4000_0000
        let tables = try Data(contentsOf: dir.appendingPathComponent("a.raw"))
        let ram = Data(repeating: 0xa5, count: Int(base - ramBase)) + tables + Data(repeating: 0x5a, count: 0x10_0000)
        try ram.write(to: dir.appendingPathComponent("ram.bin"))
        let place = "ram.bin@\(String(ramBase, radix: 16))"
        let plain = try VMSATool.run(["import", "--ram", place, "--registers", "regs.json", "-o", "t.img", "--json"], cwd: dir)
        #expect(plain.stdout.contains(#""bytes":"0x000000000000f000","dumpBytes":"0x000000000020f000""#), "\(plain.stdout)")
        let data = try VMSATool.run(["import", "--ram", place, "--registers", "regs.json", "-o", "d.img", "--json", "--data"], cwd: dir)
        #expect(data.stdout.contains(#""bytes":"0x000000000020f000","dumpBytes":"0x000000000020f000""#), "\(data.stdout)")
        try expectSameTranslations("a.img", "t.img")
        try expectSameTranslations("a.img", "d.img")
    }

    @Test("a table outside the dump is named in a warning and translates as not captured")
    func missingTable() throws {
        let base = try dumped("per-process-4k.json")
        // The last table page (TTBR0's level 3 table at 0x4010e000) left out.
        let memory = try Data(contentsOf: dir.appendingPathComponent("a.raw"))
        #expect(memory.count == 0xf000)
        try memory.prefix(0xe000).write(to: dir.appendingPathComponent("part.raw"))
        let r = try VMSATool.run(["import", "--ram", "part.raw@\(String(base, radix: 16))", "--registers", "regs.json", "-o", "part.img"], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stderr == "vmsa: warning: table at PA 0x4010e000 (level 3, TTBR0_EL1) is outside the dump; its walks show as not captured\n")
        #expect(r.stdout == "part.img: 14 tables in 1 segment, 56 KiB of tables (from 56 KiB of RAM); 1 table not captured\n")
        let t = try VMSATool.run(["translate", "part.img", "0xffffffe00000", "0xffff000000001000"], cwd: dir)
        #expect(t.status == 0)
        #expect(t.lines.first == "0x0000ffffffe00000 table at PA 0x4010e000 not captured (level 3) (TTBR0_EL1)", "\(t.stdout)")
        #expect(t.lines.last?.hasPrefix("0xffff000000001000 -> 0x000040001000 ") == true, "\(t.stdout)")
        let j = try VMSATool.run(["import", "--ram", "part.raw@\(String(base, radix: 16))", "--registers", "regs.json", "-o", "part.img", "--json"], cwd: dir)
        #expect(j.stdout.hasSuffix(#""missing":[{"table":"0x000000004010e000","level":3,"ttbr":0}]}"# + "\n"), "\(j.stdout)")
        // Every other walk is the original's: all but the 2 MiB the lost table maps.
        let lost: ClosedRange<UInt64> = 0xffff_ffe0_0000...0xffff_ffff_ffff
        let vas = try probes("a.img").filter { !lost.contains(UInt64($0.dropFirst(2), radix: 16) ?? 0) }
        #expect(try VMSATool.run(["translate", "a.img", "--json"] + vas, cwd: dir).stdout
                == VMSATool.run(["translate", "part.img", "--json"] + vas, cwd: dir).stdout)
    }

    @Test("bad input: one sentence naming the value, the contract's exit status, no output file")
    func badInput() throws {
        let base = try dumped("per-process-4k.json")
        let ram = "a.raw@\(String(base, radix: 16))"
        let memory = try Data(contentsOf: dir.appendingPathComponent("a.raw"))
        let good = Self.core([(base, memory)])
        func file(_ name: String, _ data: Data) throws -> String {
            try data.write(to: dir.appendingPathComponent(name))
            return name
        }
        func patched(_ at: Int, _ bytes: [UInt8]) -> Data {
            var d = good
            d.replaceSubrange(at..<(at + bytes.count), with: bytes)
            return d
        }
        var overlapping = Self.core([(base, memory), (base + 0x1000, memory.prefix(0x2000))])
        overlapping[overlapping.count - 1] ^= 1  // not the same bytes as the RAM it overlaps
        try "{\"tcr_el1\":\"0x15b5103510\",\"ttbr1_el1\":\"0x40100000\",\"cpsr\":\"0x3c5\"}".write(toFile: path("extra.json"), atomically: true, encoding: .utf8)
        try "{\"tcr_el1\":\"0x15b5103510\",\"ttbr1_el1\":\"zz\"}".write(toFile: path("badhex.json"), atomically: true, encoding: .utf8)
        try "{\"tcr_el1\":".write(toFile: path("broken.json"), atomically: true, encoding: .utf8)
        let cases: [([String], Int32, String)] = [
            (["import", try file("short.elf", good.prefix(40))], 65,
             "short.elf: ELF core is truncated: 40 bytes is shorter than the 64-byte ELF64 header"),
            (["import", try file("class.elf", patched(4, [1]))], 65, "class.elf: ELF e_ident[EI_CLASS] is 1; expected 2 (ELFCLASS64)"),
            (["import", try file("endian.elf", patched(5, [2]))], 65,
             "endian.elf: ELF e_ident[EI_DATA] is 2; expected 1 (ELFDATA2LSB, little-endian)"),
            (["import", try file("x86.elf", patched(18, [62, 0]))], 65,
             "x86.elf: ELF e_machine is 62; expected 183 (EM_AARCH64): this is not an arm64 core"),
            (["import", try file("phoff.elf", patched(32, [0, 0, 1]))], 65,
             "phoff.elf: ELF program header table (e_phoff 0x10000, 2 entries) runs past the end of the 0xf0c8-byte file"),
            (["import", try file("load.elf", patched(64 + 56 + 32, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))], 65,
             "load.elf: ELF program header 1 (PT_LOAD): p_offset 0xc8 with p_filesz 0x10000 runs past the end of the 0xf0c8-byte file"),
            (["import", try file("overlap.elf", overlapping)], 65,
             "overlap.elf: ELF program headers 1 and 2 (PT_LOAD) overlap: PA 0x40100000-0x4010efff and PA 0x40101000-0x40102fff hold different bytes for the same memory"),
            (["import", "--ram", "a.raw"], 64,
             "--ram \"a.raw\": expected FILE@PA with a hex PA aligned to 4 KiB, e.g. ram.bin@0x40000000"),
            (["import", "--ram", "a.raw@0x4010g000"], 64,
             "--ram \"a.raw@0x4010g000\": PA \"0x4010g000\" is not hex; expected FILE@PA with a hex PA aligned to 4 KiB, e.g. ram.bin@0x40000000"),
            (["import", "--ram", "a.raw@40100800"], 64,
             "--ram \"a.raw@40100800\": PA 0x40100800 is not aligned to 4 KiB; expected FILE@PA with a hex PA aligned to 4 KiB, e.g. ram.bin@0x40000000"),
            (["import", "--ram", ram, "--ram", "a.raw@40108000"], 65,
             "a.raw (PA 0x40100000-0x4010efff) and a.raw (PA 0x40108000-0x40116fff) overlap; expected disjoint memory"),
            (["import", "--ram", ram, "--ttbr1", "0x40100000"], 64, "no TCR_EL1 given: expected --tcr or \"tcr_el1\" in --registers"),
            (["import", "--ram", ram, "--tcr", "0x15b5103510"], 64,
             "no TTBR given: expected --ttbr0 or --ttbr1 (or \"ttbr0_el1\"/\"ttbr1_el1\" in --registers)"),
            (["import", "--ram", ram, "--registers", "extra.json"], 65,
             "extra.json: unknown key \"cpsr\"; expected one of \"mair_el1\", \"pan\", \"sctlr_el1\", \"segments\", \"tablesBase\", \"tablesSize\", \"tcr_el1\", \"ttbr0_el1\", \"ttbr1_el1\""),
            (["import", "--ram", ram, "--registers", "badhex.json"], 65,
             "badhex.json: \"ttbr1_el1\" is \"zz\"; expected a hex string such as \"0x40000000\""),
            (["import", "--ram", ram, "--registers", "nothere.json"], 66, "cannot read nothere.json: no such file"),
            (["import", "--ram", ram, "--tcr", "0x15b5103550", "--ttbr1", "0x40100000"], 65, "TCR_EL1 sets RES0 bits 0x40; expected them zero"),
            (["import", "--ram", ram, "--tcr", "0x15b51035x0", "--ttbr1", "0x40100000"], 65, "--tcr \"0x15b51035x0\" is not a 64-bit hex value"),
            (["import", "--ram", "gone.raw@40100000", "--registers", "regs.json"], 66, "cannot read gone.raw: no such file"),
            (["import", "gone.elf", "--registers", "regs.json"], 66, "cannot read gone.elf: no such file"),
            (["import", "--registers", "regs.json"], 64, "no dump given: expected an ELF core or --ram FILE@PA"),
            (["import", "core.elf", "--ram", ram], 64, "give an ELF core or --ram files, not both"),
        ]
        for (arguments, status, message) in cases {
            let needsRegisters = !arguments.contains("--registers") && !arguments.contains("--tcr") && !arguments.contains("--ttbr1")
            let r = try VMSATool.run(arguments + (needsRegisters ? ["--registers", "regs.json"] : []) + ["-o", "out.img"], cwd: dir)
            #expect(r.status == status, "\(arguments): \(r.stderr)")
            #expect(r.stderr == "vmsa: \(message)\n", "\(arguments)")
            #expect(r.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: path("out.img")), "\(arguments)")
        }
    }
}
