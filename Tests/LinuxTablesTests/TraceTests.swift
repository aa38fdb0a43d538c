import Testing
import VMSA
import VMSAJSON
@testable import LinuxTables

/// The trace format: parsing, errors naming the line and value, round trips,
/// and the shipped example traces.
struct TraceTests {
    static let examples: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/examples/traces/"
    }()

    @Test func parsesTheDesignExamples() throws {
        #expect(try TableOperation.parse(line: #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#, number: 1)
                == .setPTEs(va: VirtualAddress(0x7f00_0000_0000), pte: 0x0068_0000_4120_0fc3, nr: 16))
        #expect(try TableOperation.parse(line: #"{"op":"modify_prot","addr":"0x7f0000000000","nr":16,"prot":"0x0060000000000fc3"}"#, number: 1)
                == .modifyProt(va: VirtualAddress(0x7f00_0000_0000), nr: 16, prot: 0x0060_0000_0000_0fc3))
        #expect(try TableOperation.parse(line: #"{"op":"set_swap","addr":"0x7f0000010000","nr":16,"type":1,"offset":"0x100"}"#, number: 1)
                == .setSwap(va: VirtualAddress(0x7f00_0001_0000), nr: 16, entry: SwapEntry(type: 1, offset: 0x100)))
        #expect(try TableOperation.parse(line: #"{"op":"clear_pmd","addr":"0x7f0000200000"}"#, number: 1) == .clearPMD(va: VirtualAddress(0x7f00_0020_0000)))
        #expect(try TableOperation.parse(line: #"{"op":"reclaim"}"#, number: 1) == .reclaim)
    }

    @Test func jsonRoundTrips() throws {
        var gen = RandomOperations(seed: 3)
        for _ in 0..<2000 {
            let op = gen.next()
            #expect(try TableOperation.parse(line: op.json.jsonText, number: 1) == op)
        }
    }

    static let badLines: [(String, String)] = [
        (#"{"op":"map","addr":"0x1000"}"#,
         #"line 7: "op" is "map"; expected one of "set_ptes", "clear_ptes", "modify_prot", "wrprotect", "mkold", "mkyoung", "mkclean", "mkdirty", "set_swap", "set_pmd", "clear_pmd", "set_pud", "clear_pud", "alloc_pte", "free_pte", "free_pmd", "reclaim", "source", "vma""#),
        (#"{"op":"set_ptes","addr":"0x1000","pte":"0x3","nr":0}"#, #"line 7: "nr" is 0; expected an integer from 1 to 512"#),
        (#"{"op":"set_ptes","addr":"0x1000","pte":"fc3g","nr":1}"#, #"line 7: "pte" is "fc3g"; expected a hex string such as "0x40000000""#),
        (#"{"op":"clear_ptes","nr":1}"#, #"line 7: "addr" is missing; expected a hex string such as "0x40000000""#),
        (#"{"op":"clear_ptes","addr":"0x1000","nr":1,"size":2}"#, #"line 7: unknown key "size"; expected one of "addr", "nr", "op""#),
        (#"{"addr":"0x1000"}"#, #"line 7: "op" is missing; expected one of "set_ptes", "clear_ptes", "modify_prot", "wrprotect", "mkold", "mkyoung", "mkclean", "mkdirty", "set_swap", "set_pmd", "clear_pmd", "set_pud", "clear_pud", "alloc_pte", "free_pte", "free_pmd", "reclaim", "source", "vma""#),
        (#"{"op":"reclaim""#, "line 7: invalid JSON at line 1, column 16: unterminated object"),
    ]

    @Test func sourceRecordOpensATrace() throws {
        let source = TraceSource(linux: .v6_1, from: "image guest.img")
        #expect(source.json.jsonText == #"{"op":"source","linux":"v6.1","from":"image guest.img"}"#)
        #expect(try TraceRecord.parse(line: source.json.jsonText, number: 1) == .source(source))
        #expect(try TraceRecord.parse(line: #"{"op":"reclaim"}"#, number: 2) == .operation(.reclaim))
        #expect(throws: JSONError(#"line 3: "linux" is "v5.4"; expected one of "v6.1", "v6.12""#)) {
            try TraceRecord.parse(line: #"{"op":"source","linux":"v5.4","from":"x"}"#, number: 3)
        }
        #expect(throws: JSONError(#"line 4: a "source" record is not an operation"#)) {
            try TableOperation.parse(line: source.json.jsonText, number: 4)
        }
    }

    @Test(arguments: badLines)
    func badLinesNameTheLineAndTheValue(line: String, message: String) {
        #expect(throws: JSONError(message)) { try TableOperation.parse(line: line, number: 7) }
    }

    static let badOperations: [(TableOperation, LinuxTableError, String)] = [
        (.setPTEs(va: VirtualAddress(0x7f00_001f_f000), pte: 0x0068_0000_4120_0fc3, nr: 2),
         .countPastTable(op: "set_ptes", va: 0x7f00_001f_f000, nr: 2, fits: 1),
         "set_ptes count 2 from 0x7f00001ff000 runs past the end of its PTE table; at most 1 entries fit"),
        (.setPTEs(va: VirtualAddress(0x1000), pte: 0x10_0040, nr: 1), .notPresent(op: "set_ptes", pte: 0x10_0040),
         "set_ptes value 0x0000000000100040 is not a present entry; expected PTE_VALID or PTE_PRESENT_INVALID set (use set_swap for swap entries)"),
        (.setPTEs(va: VirtualAddress(0x1800), pte: 0x0068_0000_4120_0fc3, nr: 1), .misalignedAddress(op: "set_ptes", va: 0x1800, alignment: 0x1000),
         "set_ptes address 0x1800 is not aligned; expected a multiple of 4 KiB"),
        (.setPTEs(va: VirtualAddress(1 << 48), pte: 0x0068_0000_4120_0fc3, nr: 1), .addressOutOfRange(op: "set_ptes", va: 1 << 48, vaBits: 48),
         "set_ptes address 0x1000000000000 is outside the 48-bit user address space; expected below 0x1000000000000"),
        (.setPMD(va: VirtualAddress(0x20_0000), pmd: 0x0068_0000_4120_1fc1), .badEntry(op: "set_pmd", pte: 0x0068_0000_4120_1fc1,
            problem: "RES0 bits set: 0x1000"),
         "set_pmd value 0x0068000041201fc1 is not a valid Linux entry here: RES0 bits set: 0x1000"),
        (.setPMD(va: VirtualAddress(0x20_0000), pmd: 0x0068_0000_4120_0fc3), .badEntry(op: "set_pmd", pte: 0x0068_0000_4120_0fc3,
            problem: "it is a table descriptor; expected a block (type 0b01)"),
         "set_pmd value 0x0068000041200fc3 is not a valid Linux entry here: it is a table descriptor; expected a block (type 0b01)"),
        (.setSwap(va: VirtualAddress(0x1000), nr: 1, entry: SwapEntry(type: 0, offset: 0)), .badSwapEntry(op: "set_swap", type: 0, offset: 0),
         "set_swap swap type 0 offset 0x0 does not fit; expected a type from 0 to 31 and an offset below 2^50, not both zero"),
    ]

    @Test(arguments: badOperations)
    func badOperationsAreRefusedWithTheValue(op: TableOperation, error: LinuxTableError, message: String) throws {
        let p = try ProcessTables(native: .k64)
        #expect(throws: error) { try p.apply(op) }
        #expect(error.description == message)
    }

    @Test func aPTEBatchOverAHugeLeafIsRefused() throws {
        let p = try ProcessTables(native: .k64)
        _ = try p.setPMD(VirtualAddress(0x20_0000), LinuxPTE(0x0068_0000_4140_0fc1))
        #expect(throws: LinuxTableError.leafInTheWay(op: "set_ptes", va: 0x20_0000, level: .two)) {
            try p.setPTEs(VirtualAddress(0x20_0000), LinuxPTE(0x0068_0000_4120_0fc3), nr: 1)
        }
    }

    /// Replays a shipped trace and returns the process and its warnings.
    func replay(_ name: String, _ granule: Granule) throws -> (ProcessTables, [MirrorWarning]) {
        let text = try String(contentsOfFile: Self.examples + name, encoding: .utf8)
        let p = try ProcessTables(native: granule)
        var warnings: [MirrorWarning] = []
        for (n, line) in text.split(separator: "\n").enumerated() {
            if let w = try p.apply(TableOperation.parse(line: String(line), number: n + 1)) { warnings.append(w) }
        }
        return (p, warnings)
    }

    @Test(arguments: [Granule.k16, .k64])
    func cleanTraceStaysNative(granule: Granule) throws {
        let (p, warnings) = try replay("clean-64k.jsonl", granule)
        #expect(warnings.isEmpty)
        #expect(p.mode == .native)
        let report = try ReplayReport(p, warnings: 0)
        #expect(report.equivalence.equivalent)
        #expect(report.census.tlb.fourK == 304)
        #expect(report.census.tlb.native == (granule == .k64 ? 19 : 76))
    }

    @Test func splittingTraceFallsBackAndStaysEquivalent() throws {
        let (p, warnings) = try replay("fallback.jsonl", .k64)
        #expect(warnings.map(\.reason) == [.nonConsecutivePFN, .misalignedStart, .mixedAttributes, .misalignedStart, .partialNativePage])
        #expect(warnings.first?.enteredFallback == true)
        #expect(p.mode == .fallback)
        let report = try ReplayReport(p, warnings: warnings.count)
        #expect(report.equivalence.equivalent)
        #expect(report.json.jsonText == #"{"ops":9,"translated":4,"fallbacks":5,"mode":"fallback","linuxEntries":40,"nativeEntries":2,"linuxTableBytes":20480,"nativeTableBytes":196608,"tlbEntries":{"4k":40,"4k-contiguous":10,"native":10},"warnings":5,"equivalent":true}"#)
    }

    @Test(arguments: [Granule.k16, .k64])
    func hugeAndSwapTrace(granule: Granule) throws {
        let (p, warnings) = try replay("huge-and-swap.jsonl", granule)
        #expect(warnings.isEmpty)
        #expect(p.linux.lookup(VirtualAddress(0x7f00_0081_0000)).entry == .migration(pfn: 0x41010, writable: true, exclusive: true))
        #expect(p.linux.lookup(VirtualAddress(0x7f00_0082_0000)).entry == .hwpoison(pfn: 0x41020))
        #expect(p.linux.lookup(VirtualAddress(0x7f00_0083_0000)).entry == .marker(1))
        #expect(p.linux.lookup(VirtualAddress(0x7f00_0020_0000)) == (.present(pfn: 0x41400, valid: true), .two))
        let census = try TableCensus(p)
        #expect(census.linuxEntries == 3)
        #expect(census.nativeEntries == (granule == .k64 ? 66 : 288))
        #expect(try EquivalenceChecker.check(p).equivalent)
    }
}
