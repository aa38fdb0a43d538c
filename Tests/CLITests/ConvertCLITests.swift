import Foundation
import Testing
import VMSA
import VMSATables

/// `vmsa convert`: any image in, a sparse version 2 image of its reachable
/// table pages out, and every command reads both alike.
@Suite("Convert and sparse images")
struct ConvertCLITests {
    let dir: URL

    init() throws {
        dir = try VMSATool.scratchDirectory("convert")
    }

    static var layout: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/layouts/per-process-64k.json").path
    }

    /// Found by the image fuzzer: with EPD0 and EPD1 set no table is
    /// reachable, and convert wrote an image with no memory, which no
    /// command could load. It refuses instead, as import does.
    @Test("convert of an image whose TCR_EL1 enables no walk is refused, not written unloadable")
    func convertWithNoWalkIsRefused() throws {
        let tcr = TCR(rawValue: 0x0000_0015_8090_3583)   // EPD0 (bit 7) and EPD1 (bit 23) set
        #expect(tcr.walksDisabled(.ttbr0) && tcr.walksDisabled(.ttbr1))
        let image = TableImage(tablesBase: 0x4000_0000, tcr: tcr, mair: MAIR(rawValue: 0xff), ttbr0: TTBR(rawValue: 0x4000_0000),
                               ttbr1: TTBR(rawValue: 0x4000_1000), words: [UInt64](repeating: 0, count: 1024))
        try Data(image.serialized()).write(to: dir.appendingPathComponent("off.img"))
        #expect(try VMSATool.run(["dump", "off.img"], cwd: dir).status == 0)
        let r = try VMSATool.run(["convert", "off.img", "-o", "out.img"], cwd: dir)
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: TCR_EL1 \(tcr) enables no walk (EPD0 and EPD1 set, or reserved granules): there are no tables to convert\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.img").path))
    }

    @Test("convert keeps the walk and only the reachable pages")
    func convertKeepsTheWalk() throws {
        #expect(try VMSATool.run(["build", Self.layout, "-o", "demo.img"], cwd: dir).status == 0)
        let r = try VMSATool.run(["convert", "demo.img", "-o", "sparse.img", "--json"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == #"{"image":"sparse.img","version":2,"segments":4,"bytes":"0x0000000000049000","sourceBytes":"0x0000000000070000"}"# + "\n")
        let vas = ["0xffff000000001000", "0xffff800080001234", "0x400010", "0x610000", "0x20001234", "0x800000"]
        let dense = try VMSATool.run(["translate", "demo.img"] + vas + ["--json"], cwd: dir)
        let sparse = try VMSATool.run(["translate", "sparse.img"] + vas + ["--json"], cwd: dir)
        #expect(dense.status == 0 && sparse.status == 0)
        #expect(dense.stdout == sparse.stdout)
        #expect(try VMSATool.run(["diff", "demo.img", "sparse.img"], cwd: dir).stdout == "0 differing ranges\n")
        for format in ["tree", "ptdump", "json", "dot"] {
            #expect(try VMSATool.run(["dump", "demo.img", "--format", format], cwd: dir).stdout
                    == VMSATool.run(["dump", "sparse.img", "--format", format], cwd: dir).stdout, "\(format)")
        }
        // `dump --format raw` still writes contiguous memory from tablesBase.
        #expect(try VMSATool.run(["dump", "demo.img", "--format", "raw", "-o", "a.raw"], cwd: dir).status == 0)
        #expect(try VMSATool.run(["dump", "sparse.img", "--format", "raw", "-o", "b.raw"], cwd: dir).status == 0)
        let a = try Data(contentsOf: dir.appendingPathComponent("a.raw")), b = try Data(contentsOf: dir.appendingPathComponent("b.raw"))
        #expect(a.count == 0x70000 && b.count == 0x70000)
        // The sparse copy holds zeros where the dense one holds unreachable bytes; the tables agree.
        #expect(a.prefix(0x200) == b.prefix(0x200))
    }

    @Test("a table the image does not hold is named, not read as invalid")
    func notCapturedIsNamed() throws {
        #expect(try VMSATool.run(["build", Self.layout, "-o", "demo.img"], cwd: dir).status == 0)
        // A table descriptor of TTBR1's root (entry 1) pointed at a PA no segment holds.
        var file = try [UInt8](Data(contentsOf: dir.appendingPathComponent("demo.img")))
        let entry = 152 + 8
        let word: UInt64 = 0x7000_0003
        for i in 0..<8 { file[entry + i] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i))) }
        try Data(file).write(to: dir.appendingPathComponent("hole.img"))
        let r = try VMSATool.run(["translate", "hole.img", "0xffff008000000000", "--json"], cwd: dir)
        // The loader refuses the image: every reachable table must be held.
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: hole.img: TTBR1_EL1 table descriptor at 0x40100008 (level 0) points to 0x70000000, outside the table memory 0x40100000-0x4016ffff\n")
    }

    static var example: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples").path
    }

    @Test("replay writes its final Linux and native tables as sparse images")
    func replayWritesImages() throws {
        let trace = Self.example + "/traces/clean-64k.jsonl"
        let r = try VMSATool.run(["replay", trace, "--native", "64k", "--linux-image", "linux.img", "--native-image", "native.img"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // The native table translates every VA as the Linux table does.
        #expect(try VMSATool.run(["diff", "linux.img", "native.img"], cwd: dir).stdout == "0 differing ranges\n")
        // diff --json ends with a summary object.
        #expect(try VMSATool.run(["diff", "linux.img", "native.img", "--json"], cwd: dir).stdout
                == #"{"summary":true,"differences":0,"bytes":"0x0000000000000000"}"# + "\n")
        let linux = try VMSATool.run(["dump", "linux.img", "--format", "registers", "--json"], cwd: dir).stdout
        let native = try VMSATool.run(["dump", "native.img", "--format", "registers", "--json"], cwd: dir).stdout
        // TG0 = 4K (0b00) for Linux, 64K (0b01) for the native table; TTBR1 walks disabled in both.
        #expect(linux.contains(#""tcr_el1":"0x0000018500803510""#), "\(linux)")
        #expect(native.contains(#""tcr_el1":"0x0000018500807510""#), "\(native)")
    }

    @Test("--version names the tool and the image format it writes")
    func version() throws {
        let r = try VMSATool.run(["--version"])
        #expect(r.status == 0 && r.stdout == "vmsa 0.9.0 (image format 2)\n" && r.stderr.isEmpty)
    }

    @Test("trace's summary is a note, not a warning")
    func traceSummaryIsANote() throws {
        let r = try VMSATool.run(["trace", "self", "-o", "self.jsonl"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let summary = r.stderr.split(separator: "\n").filter { $0.contains("swapped pages") }
        #expect(summary.count == 1 && summary[0].hasPrefix("vmsa: ") && !summary[0].contains("warning"), "\(r.stderr)")
    }
}
