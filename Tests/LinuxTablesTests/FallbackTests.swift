import Testing
import VMSA
@testable import LinuxTables

/// Every fallback reason, with its warning, and the registers of both modes.
struct FallbackTests {
    static let va: UInt64 = 0x7f00_0000_0000
    static let pte = LinuxPTE(0x0068_0000_4120_0fc3)

    /// A process with one whole native page mapped at `va`.
    func mapped(_ granule: Granule) throws -> ProcessTables {
        let p = try ProcessTables(native: granule)
        #expect(try p.setPTEs(VirtualAddress(Self.va), Self.pte, nr: p.mirror.linuxPerPage) == nil)
        return p
    }

    func expectFallback(_ p: ProcessTables, _ w: MirrorWarning?, _ reason: FallbackReason, page: UInt64 = va) throws {
        #expect(w?.reason == reason)
        #expect(w?.nativePage == VirtualAddress(page))
        #expect(p.mode == .fallback)
        // The hardware table is now the Linux table: TTBR0 with TG0 = 4K.
        #expect(p.activeTCR.granule(.ttbr0) == .k4)
        #expect(p.activeTCR[TCR.Field.tg0] == 0b00)
        #expect(p.activeTTBR0 == p.linux.ttbr0)
        let eq = try EquivalenceChecker.check(p)
        #expect(eq.equivalent, "\(eq.divergences)")
    }

    @Test(arguments: [Granule.k16, .k64])
    func misalignedStart(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let w = try p.setPTEs(VirtualAddress(Self.va + 0x1000), Self.pte, nr: 1)
        try expectFallback(p, w, .misalignedStart)
        #expect(w?.enteredFallback == true)
        #expect(w?.description == "set_ptes at 0x7f0000001000 nr 1 cannot be translated: misaligned start (native page 0x7f0000000000); the process falls back to its 4K Linux table")
        #expect(p.fallbacks == 1 && p.translated == 0)
    }

    @Test(arguments: [Granule.k16, .k64])
    func partialNativePage(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let w = try p.setPTEs(VirtualAddress(Self.va), Self.pte, nr: p.mirror.linuxPerPage - 1)
        try expectFallback(p, w, .partialNativePage)
        #expect(w.map { MirrorWarning(op: $0.op, address: $0.address, count: $0.count, reason: $0.reason, nativePage: $0.nativePage, enteredFallback: false).description }
                == "set_ptes at 0x7f0000000000 nr \(p.mirror.linuxPerPage - 1) cannot be translated: partial native page (native page 0x7f0000000000)")
    }

    @Test(arguments: [Granule.k16, .k64])
    func misalignedPFN(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let w = try p.setPTEs(VirtualAddress(Self.va), Self.pte.advancingPFN(by: 1), nr: p.mirror.linuxPerPage)
        try expectFallback(p, w, .misalignedPFN)
    }

    @Test(arguments: [Granule.k16, .k64])
    func nonConsecutivePFN(granule: Granule) throws {
        let p = try mapped(granule)
        let half = p.mirror.linuxPerPage / 2
        let w = try p.setPTEs(VirtualAddress(Self.va + UInt64(half) << 12), Self.pte.advancingPFN(by: 0x1000), nr: half)
        try expectFallback(p, w, .nonConsecutivePFN)
    }

    @Test(arguments: [Granule.k16, .k64])
    func mixedAttributes(granule: Granule) throws {
        let p = try mapped(granule)
        let w = try p.wrprotect(VirtualAddress(Self.va), nr: p.mirror.linuxPerPage / 2)
        try expectFallback(p, w, .mixedAttributes)
        #expect(w?.description.hasPrefix("wrprotect at 0x7f0000000000 nr \(p.mirror.linuxPerPage / 2) cannot be translated: mixed attributes") == true)
    }

    @Test(arguments: [Granule.k16, .k64])
    func mixedPresence(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let k = p.mirror.linuxPerPage
        // Half the page PROT_NONE, half never mapped: all invalid, so expressible.
        #expect(try p.setPTEs(VirtualAddress(Self.va), LinuxPTE(pfn: 0x41200, prot: LinuxProtection.none), nr: k / 2) == nil)
        #expect(p.mode == .native)
        // mprotect of the whole page makes half of it valid.
        let w = try p.modifyProt(VirtualAddress(Self.va), nr: k, prot: LinuxProtection.readOnly)
        try expectFallback(p, w, .mixedPresence)
    }

    @Test(arguments: [Granule.k16, .k64])
    func youngAndDirtyDifferencesAreGathered(granule: Granule) throws {
        let p = try mapped(granule)
        #expect(try p.changeYoungDirty(.mkold, VirtualAddress(Self.va), nr: 1) == nil)
        #expect(try p.changeYoungDirty(.mkdirty, VirtualAddress(Self.va + 0x1000), nr: 1) == nil)
        #expect(p.mode == .native)
        let t = p.mirror.walkFromRoot(Self.va, to: .three)!
        // Young from the entries still young, dirty from the one made dirty.
        #expect(LinuxPTE(p.mirror.arena[table: t, index: p.mirror.index(of: Self.va, at: .three)]).isDirty)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test(arguments: [Granule.k16, .k64])
    func fallbackEndsWhenEveryPageIsWholeAgain(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let k = p.mirror.linuxPerPage
        #expect(try p.setPTEs(VirtualAddress(Self.va), Self.pte, nr: 1)?.reason == .partialNativePage)
        for i in 1..<(k - 1) {
            #expect(try p.setPTEs(VirtualAddress(Self.va + UInt64(i) << 12), Self.pte.advancingPFN(by: UInt64(i)), nr: 1)?.reason == .misalignedStart)
        }
        #expect(p.mode == .fallback)
        // The last 4K fault completes the native page: back to the native table.
        #expect(try p.setPTEs(VirtualAddress(Self.va + UInt64(k - 1) << 12), Self.pte.advancingPFN(by: UInt64(k - 1)), nr: 1) == nil)
        #expect(p.mode == .native)
        #expect(p.activeTCR.granule(.ttbr0) == granule)
        #expect(p.activeTCR[TCR.Field.tg0] == granule.tg0)
        #expect(p.activeTTBR0 == p.mirror.ttbr0)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }

    @Test func inFallbackAlignedRunsKeepContiguousEntries() throws {
        let p = try ProcessTables(native: .k64)
        // A whole 64K run at one place, and a split page elsewhere that forces fallback.
        _ = try p.setPTEs(VirtualAddress(Self.va + 0x10_0000), Self.pte, nr: 16)
        _ = try p.setPTEs(VirtualAddress(Self.va + 0x1000), Self.pte, nr: 1)
        #expect(p.mode == .fallback)
        let t = p.linux.table(at: .three, for: Self.va)!
        for k in 0..<16 { #expect(p.linux.entry(t, 256 + k).isCont) }
        #expect(try TableCensus(p).tlb.fourKContiguous == 2)
        #expect(try EquivalenceChecker.check(p).equivalent)
    }
}
