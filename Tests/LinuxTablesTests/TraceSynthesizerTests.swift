import Testing
import VMSA
@testable import LinuxTables

/// /proc/PID/maps and pagemap into trace operations.
struct TraceSynthesizerTests {
    @Test func parsesMapsLines() {
        let m = ProcessMapping(line: "7f1c2d400000-7f1c2d422000 r-xp 00028000 08:01 123456   /usr/lib/x86_64-linux-gnu/libc.so.6")
        #expect(m == ProcessMapping(start: 0x7f1c_2d40_0000, end: 0x7f1c_2d42_2000, flags: [.read, .exec], offset: 0x28000,
                                    path: "/usr/lib/x86_64-linux-gnu/libc.so.6"))
        #expect(m?.isAnonymous == false)
        let heap = ProcessMapping(line: "55d0c0000000-55d0c0021000 rw-p 00000000 00:00 0                          [heap]")
        #expect(heap?.flags == [.read, .write] && heap?.isAnonymous == true)
        #expect(ProcessMapping(line: "7f00-7e00 rw-p 0 00:00 0") == nil)
        #expect(ProcessMapping(line: "garbage") == nil)
    }

    @Test func decodesPagemapEntries() {
        let present = PagemapEntry(rawValue: 1 << 63 | 1 << 61 | 0x41200)
        #expect(present.isPresent && present.isFileOrShared && present.pfn == 0x41200)
        let swapped = PagemapEntry(rawValue: 1 << 62 | 0x100 << 5 | 3)
        #expect(swapped.isSwapped && swapped.swapType == 3 && swapped.swapOffset == 0x100)
    }

    @Test func writtenPrivatePagesAreWritableAndDirty() {
        let vma = ProcessMapping(start: 0x1000, end: 0x2000, flags: [.read, .write])
        #expect(TraceSynthesizer.protection(vma, fileOrShared: false) == 0x00e8_0000_0000_0f43)
        #expect(TraceSynthesizer.protection(vma, fileOrShared: true) == LinuxProtection.readOnly)
    }

    @Test func runsSplitAtPTETablesAndSwapAndHugePagesAreFound() {
        let start: UInt64 = 0x7f00_001f_e000   // two pages before a 2M boundary
        var pages: [TraceSynthesizer.Page] = (0..<4).map { .present(pfn: 0x50000 + UInt64($0), fileOrShared: false) }
        pages += [.absent, .swapped(type: 1, offset: 7), .swapped(type: 1, offset: 8), .absent]
        // Pad to the next 2M boundary, then one transparent huge page.
        pages += Array(repeating: .absent, count: 512 - 6)
        pages += (0..<512).map { .present(pfn: 0x60000 + UInt64($0), fileOrShared: false) }
        let vma = ProcessMapping(start: start, end: start + UInt64(pages.count) << 12, flags: [.read, .write])
        var ops: [TableOperation] = []
        TraceSynthesizer().operations(for: vma, pages: pages) { ops.append($0) }
        let rw = TraceSynthesizer.protection(vma, fileOrShared: false)
        #expect(ops == [
            .setPTEs(va: VirtualAddress(start), pte: LinuxPTE(pfn: 0x50000, prot: rw).rawValue, nr: 2),
            .setPTEs(va: VirtualAddress(0x7f00_0020_0000), pte: LinuxPTE(pfn: 0x50002, prot: rw).rawValue, nr: 2),
            .setSwap(va: VirtualAddress(0x7f00_0020_3000), nr: 2, entry: SwapEntry(type: 1, offset: 7)),
            .setPMD(va: VirtualAddress(0x7f00_0040_0000), pmd: LinuxPTE(pfn: 0x60000, prot: LinuxProtection.section(rw)).rawValue),
        ])
        let p = try! ProcessTables(native: .k64)
        for op in ops { _ = try! p.apply(op) }
        #expect(try! EquivalenceChecker.check(p).equivalent)
    }
}
