import Foundation
import Testing

/// `decode --file`: a whole table page from a raw dump or a hexdump, one
/// line per valid entry with its index.
@Suite("Decode a table page from a file")
struct DecodePageCLITests {
    let dir: URL

    init() throws {
        dir = try VMSATool.scratchDirectory("page")
    }

    /// A 4K level-3 page: entries 0 and 3 are PAGE_KERNEL pages, 511 a PAGE_SHARED-like one (AP=3, DBM: clean and writable).
    static let entries: [Int: UInt64] = [0: 0x0068_0000_4000_0703, 3: 0x0068_0000_4000_3703, 511: 0x0068_0000_4100_0fc3]
    static let expected = [
        "[0] 0x0068000040000703 page -> 0x40000000 AttrIndx=0 AP=0 SH=3 AF DBM PXN UXN",
        "[3] 0x0068000040003703 page -> 0x40003000 AttrIndx=0 AP=0 SH=3 AF DBM PXN UXN",
        "[511] 0x0068000041000fc3 page -> 0x41000000 AttrIndx=0 AP=3 SH=3 AF nG DBM PXN UXN",
    ]

    func page() throws -> Data {
        var bytes = [UInt8](repeating: 0, count: 4096)
        for (i, w) in Self.entries { for k in 0..<8 { bytes[i * 8 + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))) } }
        let data = Data(bytes)
        try data.write(to: dir.appendingPathComponent("page.bin"))
        return data
    }

    func shell(_ command: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = dir
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(command)")
    }

    @Test("raw words, od (with its * for repeats), od -v and xxd all decode the same", arguments: [
        "cp page.bin page.in", "od -A x -t x8 page.bin > page.in", "od -A x -t x8 -v page.bin > page.in", "xxd page.bin > page.in",
    ])
    func formats(make: String) throws {
        _ = try page()
        try shell(make)
        let r = try VMSATool.run(["decode", "--file", "page.in", "--level", "3"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines == Self.expected)
        let json = try VMSATool.run(["decode", "--file", "page.in", "--level", "3", "--json"], cwd: dir)
        #expect(json.lines.count == 3 && json.lines[2].hasSuffix(#","index":511}"#), "\(json.stdout)")
    }

    @Test("devmem-style values, one per line")
    func devmem() throws {
        try "0x0068000040000703\n0x0000000000000000\n0x0068000040003703\n".write(to: dir.appendingPathComponent("d.txt"), atomically: true, encoding: .utf8)
        let r = try VMSATool.run(["decode", "--file", "d.txt"], cwd: dir)
        #expect(r.lines == [Self.expected[0], "[2] 0x0068000040003703 page -> 0x40003000 AttrIndx=0 AP=0 SH=3 AF DBM PXN UXN"])
    }

    @Test("a file that is not whole descriptors is bad data (65) in one sentence")
    func badFiles() throws {
        try Data([1, 2, 3, 4, 5, 6, 0xff]).write(to: dir.appendingPathComponent("odd.bin"))
        let odd = try VMSATool.run(["decode", "--file", "odd.bin"], cwd: dir)
        #expect(odd.status == 65 && odd.stderr == "vmsa: odd.bin is 7 bytes, not a whole number of 8-byte descriptors\n")
        try "000000 0068000040000703 zz\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        let bad = try VMSATool.run(["decode", "--file", "bad.txt"], cwd: dir)
        #expect(bad.status == 65 && bad.stderr.hasPrefix("vmsa: bad.txt line 1: \"zz\""), "\(bad.stderr)")
        let both = try VMSATool.run(["decode", "--file", "bad.txt", "0x3"], cwd: dir)
        #expect(both.status == 64)
    }
}
