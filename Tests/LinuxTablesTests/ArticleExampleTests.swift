import Testing
import LinuxTables

/// The Swift example of the DocC article "Replaying a Linux trace and
/// reading the report", run on the article's two-line trace, with the
/// report `vmsa replay --granule 16k --report` prints for it there.
@Suite struct ArticleExampleTests {
    static let traceLines = [
        #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#,
        #"{"op":"set_ptes","addr":"0x7f0000010000","pte":"0x0068000041300fc3","nr":3}"#,
    ]

    @Test func replayingATrace() throws {
        let traceLines = Self.traceLines
        let process = try ProcessTables(native: .k16)
        var warnings = 0
        for (n, line) in traceLines.enumerated() {
            let op = try TableOperation.parse(line: line, number: n + 1)
            if try process.apply(op) != nil { warnings += 1 }
        }
        let report = try ReplayReport(process, warnings: warnings)
        #expect(report.operations == 2 && report.translated == 1 && report.fallbacks == 1)
        #expect(report.mode == .fallback && report.warnings == 1)
        #expect(report.census.linuxEntries == 19 && report.census.nativeEntries == 4)
        #expect(report.census.linuxTableBytes == 16 << 10 && report.census.nativeTableBytes == 64 << 10)
        #expect(report.census.tlb == TLBEntries(fourK: 19, fourKContiguous: 4, native: 7))
        #expect(report.equivalence.equivalent)
    }
}
