import Testing
import VMSA
import VMSAJSON
@testable import LinuxTables

/// The ABI adapter and the PG_SIZE model on small processes whose costs are
/// worked out by hand in the comments. VAs are 2M-aligned unless said, so
/// the adapted frames (`AdaptedFrames`, from PFN 0x80000, at the VA's offset
/// within 2M) are easy to follow.
struct PageSizeCostTests {
    static let base: UInt64 = 0x7f00_0000_0000
    static let page = LinuxKernel.granule.pageSize

    static func snapshot(_ records: [TraceRecord]) throws -> ProcessSnapshot {
        let s = try ProcessSnapshot()
        for r in records { try s.add(r) }
        s.finish()
        return s
    }

    /// The adapted trace's records and the full cost at `granule`.
    static func measure(_ records: [TraceRecord], _ granule: Granule) throws -> (trace: [TraceRecord], cost: ProcessCost) {
        let s = try snapshot(records)
        var trace: [TraceRecord] = []
        let cost = try ProcessCost(s, granule: granule, baseline: try ProcessCost.Baseline(s)) { trace.append($0) }
        return (trace, cost)
    }

    // A 12K file (three 4K pages, all present at scattered PFNs) mapped at a
    // 64K-aligned VA by a 64K process.
    static let file12K = ProcessMapping(start: base, end: base + 0x3000, flags: [.read], offset: 0, path: "/lib/x.so", fileSize: 0x3000)
    static let file12KTrace: [TraceRecord] = [
        .vma(file12K), .operation(.setPTEs(va: VirtualAddress(base), pte: LinuxPTE(pfn: 0x41203, prot: LinuxProtection.readOnly).rawValue, nr: 3)),
    ]

    @Test func aTwelveKFileInA64KProcessGetsThirteenPagesOfPadding() throws {
        let (trace, c) = try Self.measure(Self.file12KTrace, .k64)
        // The VMA rounds out to one 64K page: 3 file pages + 13 past end of
        // file (the proposal's "13 anonymous 4K pages"), all 13 outside the
        // 4K VMA, so an emulator without padding raises SIGBUS on each.
        #expect(trace == [
            .vma(ProcessMapping(start: Self.base, end: Self.base + 0x10000, flags: [.read], offset: 0, path: "/lib/x.so", fileSize: 0x3000)),
            .operation(.setPTEs(va: VirtualAddress(Self.base), pte: LinuxPTE(pfn: 0x80000, prot: LinuxProtection.readOnly).rawValue, nr: 16)),
        ])
        #expect(c.adapter.residentPages == 3 && c.adapter.adaptedPages == 16)
        #expect(c.adapter.paddedFilePages == 13 && c.adapter.sigbusPages == 13 && c.adapter.roundingPages == 0)
        #expect(c.adapter.sigbusFiles == ["/lib/x.so": 13] && c.sigbusSummary == "x.so 13")
        #expect(c.addedBytes == 13 * 4096 && c.residentBytes == 12288)
        #expect(ProcessCost.percent(c.addedBytes, of: c.residentBytes) == "433.3")
        // One native 64K page: no fallback; 16 4K entries fold into one
        // contiguous run. Tables: PGD+PUD+PMD+PTE at 4K (16K); at 64K the
        // 48-bit walk starts at level 1: three 64K tables (192K).
        #expect(c.replay.fallbacks == 0 && c.fallbackReasons.isEmpty && c.replay.equivalence.equivalent)
        #expect(c.replay.census.nativeEntries == 1)
        #expect(c.replay.census.tlb == TLBEntries(fourK: 16, fourKContiguous: 1, native: 1))
        #expect(c.replay.census.linuxTableBytes == 16384 && c.replay.census.nativeTableBytes == 196_608)
        // The 4K process: 3 TLB entries, no 64K run; 16K of Linux table.
        #expect(c.baseline.tlb.fourK == 3 && c.baseline.tlb.fourKContiguous == 3 && c.baseline.linuxTableBytes == 16384)
        #expect(c.tlbEntriesSaved == 2 && c.tableBytesSaved == 16384 - 196_608)
        // PG_SIZE 64K: the file's one 64K page-cache page holds the 12K;
        // struct pages 3 -> 1 saves 2 * 64 bytes; no chunk is wholly mapped.
        #expect(c.pageSize.allocatedBytes == 65536 && c.pageSize.addedBytes == 53248)
        #expect(c.pageSize.structPageBytesSaved == 128 && c.pageSize.alignedBytes == 0 && c.pageSize.mappedBytes == 12288)
    }

    // An anonymous VMA [base+0x3000, base+0x9000) (misaligned at both ends),
    // written pages present at +0x3000, +0x4000 and +0x8000.
    static let anonymous = ProcessMapping(start: base + 0x3000, end: base + 0x9000, flags: [.read, .write])
    static let written = TraceSynthesizer.protection(anonymous, fileOrShared: false)
    static let anonymousTrace: [TraceRecord] = [
        .vma(anonymous),
        .operation(.setPTEs(va: VirtualAddress(base + 0x3000), pte: LinuxPTE(pfn: 0x50000, prot: written).rawValue, nr: 2)),
        .operation(.setPTEs(va: VirtualAddress(base + 0x8000), pte: LinuxPTE(pfn: 0x50002, prot: written).rawValue, nr: 1)),
    ]

    @Test func aMisalignedAnonymousVMAFaultsWholeProcessPages() throws {
        // 16K: rounded to [base, base+0xc000); each of its three 16K pages
        // holds one present 4K page, so 3 * 3 = 9 pages are added (300%).
        let (t16, c16) = try Self.measure(Self.anonymousTrace, .k16)
        #expect(t16.last == .operation(.setPTEs(va: VirtualAddress(Self.base), pte: LinuxPTE(pfn: 0x80000, prot: Self.written).rawValue, nr: 12)))
        #expect(c16.addedBytes == 9 * 4096 && ProcessCost.percent(c16.addedBytes, of: c16.residentBytes) == "300.0")
        #expect(c16.adapter.paddedFilePages == 0 && c16.adapter.sigbusPages == 0 && c16.adapter.movedVMAs == 0)
        // 12 4K entries: no whole 64K run; three native 16K pages.
        #expect(c16.replay.fallbacks == 0 && c16.replay.census.tlb == TLBEntries(fourK: 12, fourKContiguous: 12, native: 3))
        // 64K: one 64K page with 3 present, 13 added (433.3%).
        let (_, c64) = try Self.measure(Self.anonymousTrace, .k64)
        #expect(c64.addedBytes == 13 * 4096 && c64.replay.census.tlb == TLBEntries(fourK: 16, fourKContiguous: 1, native: 1))
        // PG_SIZE 16K: three VA chunks allocated (48K for 12K), struct pages
        // 3 -> 3 saves nothing; 64K: one chunk, 3 -> 1 saves 128 bytes.
        #expect(c16.pageSize.allocatedBytes == 49152 && c16.pageSize.structPageBytesSaved == 0 && c16.pageSize.alignedBytes == 0)
        #expect(c64.pageSize.allocatedBytes == 65536 && c64.pageSize.structPageBytesSaved == 128)
    }

    // A THP at base+2M (a 2M PMD leaf) and one 4K page after it, in one
    // anonymous VMA of 2M + 4K.
    static let thp = ProcessMapping(start: base + 0x20_0000, end: base + 0x40_1000, flags: [.read, .write])
    static let thpTrace: [TraceRecord] = [
        .vma(thp),
        .operation(.setPMD(va: VirtualAddress(base + 0x20_0000), pmd: LinuxPTE(pfn: 0x60000, prot: LinuxProtection.section(written)).rawValue)),
        .operation(.setPTEs(va: VirtualAddress(base + 0x40_0000), pte: LinuxPTE(pfn: 0x70005, prot: written).rawValue, nr: 1)),
    ]

    @Test func aTHPStaysHugeAndOnlyTheTailIsRounded() throws {
        let (trace, c) = try Self.measure(Self.thpTrace, .k64)
        // The PMD keeps its VA with fresh 2M-aligned frames (0x80000); the 4K
        // tail becomes one 64K page (frames after the THP's, 0x80200): 15 added.
        #expect(trace.dropFirst() == [
            .operation(.setPMD(va: VirtualAddress(Self.base + 0x20_0000), pmd: LinuxPTE(pfn: 0x80000, prot: LinuxProtection.section(Self.written)).rawValue)),
            .operation(.setPTEs(va: VirtualAddress(Self.base + 0x40_0000), pte: LinuxPTE(pfn: 0x80200, prot: Self.written).rawValue, nr: 16)),
        ])
        #expect(c.adapter.residentPages == 513 && c.addedBytes == 15 * 4096)
        // TLB: 4K 1 + 16, contiguous 1 + 1; at 64K the THP is one run of 32
        // 64K pages (one entry) and the tail one page. The 4K process: 1 + 1.
        #expect(c.replay.fallbacks == 0 && c.replay.census.tlb == TLBEntries(fourK: 17, fourKContiguous: 2, native: 2))
        #expect(c.baseline.tlb.fourK == 2)
        // PG_SIZE 16K: the THP is allocated and aligned whole, the tail one
        // 16K page (12K added); struct pages 513 -> 128 + 1 saves 384 * 64.
        let (_, c16) = try Self.measure(Self.thpTrace, .k16)
        #expect(c16.addedBytes == 3 * 4096 && c16.replay.census.tlb.native == 2)
        #expect(c16.pageSize.allocatedBytes == 0x20_0000 + 0x4000 && c16.pageSize.addedBytes == 0x3000)
        #expect(c16.pageSize.structPageBytesSaved == 384 * 64 && c16.pageSize.alignedBytes == 0x20_0000)
    }

    // A shared file mapping of a 20K file at base+0x1000 (file offset 0, so
    // not congruent to its offset modulo 16K), present at file offsets 0 and
    // 0x4000, clean shared pages.
    static let shared = ProcessMapping(start: base + 0x1000, end: base + 0x6000, flags: [.read, .write, .shared], offset: 0,
                                       path: "/dev/shm/x", fileSize: 0x5000)
    static let sharedTrace: [TraceRecord] = [
        .vma(shared),
        .operation(.setPTEs(va: VirtualAddress(base + 0x1000), pte: LinuxPTE(pfn: 0x41000, prot: LinuxProtection.sharedRW).rawValue, nr: 1)),
        .operation(.setPTEs(va: VirtualAddress(base + 0x5000), pte: LinuxPTE(pfn: 0x41007, prot: LinuxProtection.sharedRW).rawValue, nr: 1)),
    ]

    @Test func aSharedFileMappingMovesToItsFileOffsetAndIsPadded() throws {
        let (trace, c) = try Self.measure(Self.sharedTrace, .k16)
        // Moved up 0x3000 so VA = file offset modulo 16K, rounded to
        // [base+0x4000, base+0xc000). Page 1 (offsets 0-0x4000): 1 present
        // + 3 file pages (rounding); page 2 (0x4000-0x8000): 1 present + 3
        // past end of file (padding), which also lie outside the 4K VMA
        // (SIGBUS). 6 added to 2: 300%. Attributes stay shared and clean.
        #expect(trace == [
            .vma(ProcessMapping(start: Self.base + 0x4000, end: Self.base + 0xc000, flags: [.read, .write, .shared], offset: 0,
                                path: "/dev/shm/x", fileSize: 0x5000)),
            .operation(.setPTEs(va: VirtualAddress(Self.base + 0x4000), pte: LinuxPTE(pfn: 0x80004, prot: LinuxProtection.sharedRW).rawValue, nr: 8)),
        ])
        #expect(c.adapter.movedVMAs == 1 && c.adapter.paddedFilePages == 3 && c.adapter.sigbusPages == 3)
        #expect(c.roundingBytes == 3 * 4096 && c.addedBytes == 6 * 4096 && ProcessCost.percent(c.addedBytes, of: c.residentBytes) == "300.0")
        #expect(c.replay.fallbacks == 0 && c.replay.census.tlb.native == 2)
        // PG_SIZE 16K: two page-cache pages of the file (32K for 8K); 2 -> 2
        // struct pages saves nothing; VA is not congruent to the offset, so nothing is aligned.
        #expect(c.pageSize.allocatedBytes == 32768 && c.pageSize.structPageBytesSaved == 0 && c.pageSize.alignedBytes == 0)
    }

    @Test func swappedPagesSwapWholeAndWhollyUsedPagesAreAligned() throws {
        // An anonymous 32K VMA: [base, base+0x4000) all present (one whole
        // 16K chunk), one swapped page at +0x5000 and nothing else.
        let vma = ProcessMapping(start: Self.base, end: Self.base + 0x8000, flags: [.read, .write])
        let (trace, c) = try Self.measure([
            .vma(vma),
            .operation(.setPTEs(va: VirtualAddress(Self.base), pte: LinuxPTE(pfn: 0x50000, prot: Self.written).rawValue, nr: 4)),
            .operation(.setSwap(va: VirtualAddress(Self.base + 0x5000), nr: 1, entry: SwapEntry(type: 1, offset: 9))),
        ], .k16)
        // The second 16K page had no present 4K page: it is swapped out
        // whole (four entries from the swapped one's offset) and adds nothing.
        #expect(trace.dropFirst() == [
            .operation(.setPTEs(va: VirtualAddress(Self.base), pte: LinuxPTE(pfn: 0x80000, prot: Self.written).rawValue, nr: 4)),
            .operation(.setSwap(va: VirtualAddress(Self.base + 0x4000), nr: 4, entry: SwapEntry(type: 1, offset: 9))),
        ])
        #expect(c.addedBytes == 0 && c.replay.fallbacks == 0)
        // PG_SIZE 16K: the whole chunk is one aligned page; 4 struct pages -> 1.
        #expect(c.pageSize.alignedBytes == 0x4000 && c.pageSize.allocatedBytes == 0x4000 && c.pageSize.structPageBytesSaved == 3 * 64)
    }

    @Test func theUnadaptedProcessFallsBackWhereTheAdaptedOneDoesNot() throws {
        // The same 12K file replayed as it is on a 64K native table: three
        // 4K PTEs cannot make one 64K page.
        let s = try Self.snapshot(Self.file12KTrace)
        #expect(s.tables.fallbacks == 1 && s.tables.mode == .fallback)
        let c = try ProcessCost(s, granule: .k64, baseline: try ProcessCost.Baseline(s))
        #expect(c.replay.fallbacks == 0 && c.replay.mode == .native)
    }

    @Test func costsAddUpOverProcesses() throws {
        var total = ProcessCost(granule: .k64)
        total += try Self.measure(Self.file12KTrace, .k64).cost
        total += try Self.measure(Self.anonymousTrace, .k64).cost
        // 13 + 13 pages added to 3 + 3 resident.
        #expect(total.addedBytes == 26 * 4096 && total.residentBytes == 6 * 4096 && total.replay.operations == 2)
        #expect(total.baseline.tlb.fourK == 6 && total.pageSize.allocatedBytes == 2 * 65536)
    }

    @Test func vmasAreInferredFromATableWithoutThem() throws {
        // No "vma" records: runs of entries with one protection become VMAs.
        let rx = LinuxProtection.readOnlyExec
        let s = try Self.snapshot([
            .operation(.setPTEs(va: VirtualAddress(Self.base), pte: LinuxPTE(pfn: 0x100, prot: rx).rawValue, nr: 2)),
            .operation(.setPTEs(va: VirtualAddress(Self.base + 0x2000), pte: LinuxPTE(pfn: 0x200, prot: Self.written).rawValue, nr: 1)),
            .operation(.setSwap(va: VirtualAddress(Self.base + 0x3000), nr: 1, entry: SwapEntry(type: 1, offset: 5))),
        ])
        #expect(s.vmasInferred)
        #expect(s.vmas == [ProcessMapping(start: Self.base, end: Self.base + 0x2000, flags: [.read, .exec]),
                           ProcessMapping(start: Self.base + 0x2000, end: Self.base + 0x4000, flags: [.read, .write])])
        // 16K: the second VMA shares the first's 16K page, so it moves up one page.
        let c = try ProcessCost(s, granule: .k16, baseline: try ProcessCost.Baseline(s))
        #expect(c.adapter.movedVMAs == 1 && c.adapter.addedPages == 2 + 3 && c.replay.fallbacks == 0)
    }

    @Test func vmaRecordsRoundTripAndOldTracesStillParse() throws {
        let line = Self.file12K.json.jsonText
        #expect(line == #"{"op":"vma","start":"0x7f0000000000","end":"0x7f0000003000","perms":"r--p","offset":"0x0","path":"/lib/x.so","fileSize":"0x3000"}"#)
        #expect(try TraceRecord.parse(line: line, number: 1) == .vma(Self.file12K))
        #expect(try TraceRecord.parse(line: Self.anonymous.json.jsonText, number: 1) == .vma(Self.anonymous))
        #expect(throws: JSONError(#"line 3: "perms" is "rwzp"; expected four letters as in /proc/PID/maps, such as "rw-p" or "r-xs""#)) {
            try TraceRecord.parse(line: #"{"op":"vma","start":"0x1000","end":"0x2000","perms":"rwzp","offset":"0x0"}"#, number: 3)
        }
    }
}
