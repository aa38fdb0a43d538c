import Testing
import VMSA
@testable import VMSATables

/// `TreeDump.lines(lineLimit:)` stops a dump after that many lines, with one line saying so.
@Suite struct TreeDumpLimitTests {
    @Test func aLimitKeepsTheFirstLinesAndSaysWhereItStopped() throws {
        let image = try WalkTests.runImage()
        let whole = TreeDump.lines(image, halves: [.ttbr0])
        #expect(TreeDump.lines(image, halves: [.ttbr0], lineLimit: whole.count) == whole)
        #expect(TreeDump.lines(image, halves: [.ttbr0], lineLimit: .max) == whole)
        for limit in 0..<whole.count {
            let cut = TreeDump.lines(image, halves: [.ttbr0], lineLimit: limit)
            #expect(Array(cut.dropLast()) == Array(whole.prefix(limit)))
            #expect(cut.last == "... the dump stops here, at its limit of \(limit) lines")
        }
    }

    @Test func tablesThatPointBackAtEachOtherStopAtTheLimit() {
        // A 4K level-0 table whose every entry points at the table itself:
        // the tree holds 512^4 leaf lines, the limit a few.
        let base: UInt64 = 0x4000_0000
        let words = [UInt64](repeating: base | 0b11, count: Granule.k4.entriesPerTable)
        var tcr = TCR(rawValue: 0)
        tcr.configure(.ttbr0, granule: .k4, inputBits: 48)
        tcr[TCR.Field.epd1] = 1
        let image = TableImage(tablesBase: base, tcr: tcr, mair: MAIR(rawValue: 0xff), ttbr0: TTBR(baseAddress: base),
                               ttbr1: TTBR(rawValue: 0), words: words)
        let lines = TreeDump.lines(image, halves: [.ttbr0], lineLimit: 100)
        #expect(lines.count == 101)
        #expect(lines.last == "... the dump stops here, at its limit of 100 lines")
    }
}
