import Testing
import VMSA
import VMSATables
@testable import LinuxTables

/// The native mirror, parameterised over both native granules.
struct MirrorTests {
    static let base: UInt64 = 0x7f00_0000_0000
    static let cont = Descriptor.Bits.contiguous.mask

    func nativeWord(_ p: ProcessTables, _ va: UInt64, level: Level = .three) -> UInt64? {
        guard let t = p.mirror.walkFromRoot(va, to: level) else { return nil }
        return p.mirror.arena[table: t, index: p.mirror.index(of: va, at: level)]
    }

    @Test(arguments: [Granule.k16, .k64])
    func setPTEsOfWholeNativePagesWriteOneEntryEach(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let k = p.mirror.linuxPerPage
        let pte = LinuxPTE(LinuxProtection.sharedRW | 0x4120_0000)   // PFN 0x41200, aligned to both
        #expect(try p.setPTEs(VirtualAddress(Self.base), pte, nr: 2 * k) == nil)
        // The Linux value re-based: same attribute bits, page type, address at the native granule.
        #expect(nativeWord(p, Self.base) == 0x0068_0000_4120_0fc3)
        #expect(nativeWord(p, Self.base + granule.pageSize) == 0x0068_0000_4120_0fc3 + granule.pageSize)
        #expect(nativeWord(p, Self.base + 2 * granule.pageSize) == 0)
        #expect(p.mode == .native)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test(arguments: [Granule.k16, .k64])
    func pmdLeafBecomesOneContiguousRun(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let va = Self.base + 0x20_0000
        #expect(try p.setPMD(VirtualAddress(va), LinuxPTE(0x0068_0000_4140_0fc1)) == nil)
        let n = Int(0x20_0000 / granule.pageSize)
        #expect(n == granule.contiguousCount(at: .three))   // 32 x 64K, 128 x 16K
        for j in 0..<n {
            #expect(nativeWord(p, va + UInt64(j) * granule.pageSize) == (0x0068_0000_4140_0fc3 | Self.cont) + UInt64(j) * granule.pageSize)
        }
        #expect(nativeWord(p, va + 0x20_0000) == 0)
        #expect(try EquivalenceChecker.check(p).equivalent)
        #expect(try p.clearPMD(VirtualAddress(va)) == nil)
        #expect(nativeWord(p, va) ?? 0 == 0)
    }

    @Test func pudLeafBecomesTwo512MBlocksAt64K() throws {
        let p = try ProcessTables(native: .k64)
        let va = Self.base + 0x4000_0000
        _ = try p.setPUD(VirtualAddress(va), LinuxPTE(0x0068_0000_8000_0fc1))
        #expect(nativeWord(p, va, level: .two) == 0x0068_0000_8000_0fc1)
        #expect(nativeWord(p, va + 0x2000_0000, level: .two) == 0x0068_0000_a000_0fc1)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test func pudLeafBecomesAContiguousRunOf32MBlocksAt16K() throws {
        let p = try ProcessTables(native: .k16)
        let va = Self.base + 0x4000_0000
        _ = try p.setPUD(VirtualAddress(va), LinuxPTE(0x0068_0000_8000_0fc1))
        for j in 0..<32 {
            #expect(nativeWord(p, va + UInt64(j) << 25, level: .two) == (0x0068_0000_8000_0fc1 | Self.cont) + UInt64(j) << 25)
        }
        #expect(try TableCensus(p).tlb.native == 1)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test(arguments: [Granule.k16, .k64])
    func linuxPTETablesShareTheirNativeTable(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        // 256 Linux PTE tables share one 64K native PTE table (512M); 16 share one 16K table (32M).
        let sharing = Int(granule.entrySize(at: .two) / 0x20_0000)
        #expect(sharing == (granule == .k64 ? 256 : 16))
        let region = Self.base & ~(granule.entrySize(at: .two) - 1)
        var native = Set<Int32>()
        for i in 0..<sharing {
            let t = try p.pteTable(for: region + UInt64(i) * 0x20_0000, allocate: true)!
            native.insert(p.mirror.slot(t, 0))
        }
        #expect(native.count == 1)
        let next = try p.pteTable(for: region + granule.entrySize(at: .two), allocate: true)!
        #expect(!native.contains(p.mirror.slot(next, 0)))
        // A Linux PMD table (1G) keeps a list: 2 native PTE tables at 64K, 32 at 16K.
        #expect(p.mirror.slotCount(.two) == (granule == .k64 ? 2 : 32))
        #expect(p.mirror.slotCount(.one) == (granule == .k64 ? 1 : 8))
        #expect(p.mirror.slotCount(.three) == 1)
    }

    @Test(arguments: [Granule.k16, .k64])
    func rootWalkLookupGivesTheSameTable(granule: Granule) throws {
        var gen = RandomOperations(seed: 7)
        let direct = try ProcessTables(native: granule)
        let walked = try ProcessTables(native: granule)
        walked.mirror.lookup = .rootWalk
        for _ in 0..<3000 {
            let op = gen.next()
            let a = Result { () throws(LinuxTableError) in try direct.apply(op) }
            let b = Result { () throws(LinuxTableError) in try walked.apply(op) }
            #expect(a == b)
        }
        let points = EquivalenceChecker.boundaries(direct.mirror.regime, direct.mirror.arena)
        for va in points { #expect(nativeWord(direct, va) == nativeWord(walked, va)) }
        #expect(direct.mirror.tableBytes == walked.mirror.tableBytes)
    }

    @Test(arguments: [Granule.k16, .k64])
    func reclaimFreesTheNativeTableAndTheNextAccessRebuildsIt(granule: Granule) throws {
        var gen = RandomOperations(seed: 11)
        let p = try ProcessTables(native: granule)
        for _ in 0..<2000 { _ = Result { () throws(LinuxTableError) in try p.apply(gen.next()) } }
        let points = EquivalenceChecker.boundaries(p.mirror.regime, p.mirror.arena)
        let before = points.map { nativeWord(p, $0) }
        let mode = p.mode
        p.reclaimNative()
        #expect(p.mirror.tableBytes == granule.pageSize)   // only the empty root is left
        try p.ensureNative()
        #expect(points.map { nativeWord(p, $0) } == before)
        #expect(p.mode == mode)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test(arguments: [Granule.k16, .k64])
    func freeingTheLastLinuxTableFreesTheNativeTables(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let empty = p.mirror.tableBytes
        _ = try p.setPTEs(VirtualAddress(Self.base), LinuxPTE(0x0068_0000_4120_0fc3), nr: 64)
        _ = try p.setPMD(VirtualAddress(Self.base + 0x20_0000), LinuxPTE(0x0068_0000_4140_0fc1))
        #expect(p.mirror.tableBytes > empty)
        _ = try p.freePMD(VirtualAddress(Self.base))
        #expect(p.mirror.tableBytes == empty)
        #expect(p.linux.tableBytes == 2 * 4096)            // PGD and PUD remain; the PMD and PTE tables went
        #expect(nativeWord(p, Self.base) == nil)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test(arguments: [Granule.k16, .k64])
    func a39BitLinuxTableMirrorsToo(granule: Granule) throws {
        let p = try ProcessTables(native: granule, vaBits: 39)
        #expect(p.linux.startLevel == .one)
        #expect(p.linux.tcr[TCR.Field.t0sz] == 25)
        let va: UInt64 = 0x7f_0000_0000
        #expect(try p.setPTEs(VirtualAddress(va), LinuxPTE(0x0068_0000_4120_0fc3), nr: 32) == nil)
        #expect(try p.setPUD(VirtualAddress(0x40_0000_0000), LinuxPTE(0x0068_0000_8000_0fc1)) == nil)
        #expect(try p.setPMD(VirtualAddress(va + 0x20_0000), LinuxPTE(0x0068_0000_4140_0fc1)) == nil)
        #expect(throws: LinuxTableError.addressOutOfRange(op: "set_ptes", va: 1 << 39, vaBits: 39)) {
            try p.setPTEs(VirtualAddress(1 << 39), LinuxPTE(0x0068_0000_4120_0fc3), nr: 1)
        }
        let census = try TableCensus(p)
        #expect(census.linuxEntries == 34)
        #expect(try EquivalenceChecker.check(p).equivalent)
        p.reclaimNative()
        #expect(try EquivalenceChecker.check(p).equivalent)
    }
}
