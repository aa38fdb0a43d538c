import Testing
import VMSA
@testable import LinuxTables

/// contpte folding in the Linux table.
struct ContPTETests {
    static let va: UInt64 = 0x7f00_0000_0000
    static let pte = LinuxPTE(0x0068_0000_4120_0fc3)
    static let cont = LinuxPTEBits.cont.mask

    func table() throws -> (LinuxPageTable, TableHandle) {
        let p = try ProcessTables(native: .k64)
        return (p.linux, try p.pteTable(for: Self.va, allocate: true)!)
    }

    @Test func wholeAlignedRunIsWrittenFolded() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte, 32)
        for k in 0..<32 { #expect(l.entry(t, k).rawValue == (Self.pte.rawValue | Self.cont) + UInt64(k) << 12) }
    }

    @Test func misalignedPFNOrSpecialIsNotFolded() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte.advancingPFN(by: 1), 16)
        l.setPTEs(t, 16, Self.pte.mkspecial(), 16)
        for k in 0..<32 { #expect(!l.entry(t, k).isCont) }
    }

    @Test func nonConsecutivePFNsAreNotFoldedAndKeepTheirPFNs() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte, 8)
        l.setPTEs(t, 8, Self.pte.advancingPFN(by: 0x100), 8)
        for k in 0..<16 {
            #expect(!l.entry(t, k).isCont)
            #expect(l.entry(t, k).pfn == 0x41200 + UInt64(k < 8 ? k : 0x100 + k - 8))
        }
    }

    @Test func completingARunInHalvesFoldsIt() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte, 8)
        #expect(!l.entry(t, 0).isCont)
        l.setPTEs(t, 8, Self.pte.advancingPFN(by: 8), 8)
        for k in 0..<16 { #expect(l.entry(t, k).isCont) }
    }

    @Test func youngChangesApplyToTheWholeFoldedRun() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte, 16)
        l.changeYoungDirty(t, 5, 1, .mkold)
        for k in 0..<16 { #expect(!l.entry(t, k).isYoung && l.entry(t, k).isCont) }
        l.changeYoungDirty(t, 0, 1, .mkdirty)
        for k in 0..<16 { #expect(l.entry(t, k).isDirty) }
    }

    @Test func partialWrprotectUnfoldsAndGathersYoungAndDirty() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte.mkold(), 16)
        // Entry 3 becomes young and dirty behind contpte's back (as the MMU would with HA/HD).
        l.setEntry(t, 3, LinuxPTE(l.entry(t, 3).rawValue | LinuxPTEBits.af.mask).mkdirty())
        l.wrprotectPTEs(t, 0, 4)
        for k in 0..<16 {
            let e = l.entry(t, k)
            #expect(!e.isCont)
            #expect(e.isYoung && e.isDirty, "entry \(k): \(e)")   // contpte_convert spread them
            #expect(e.isWrite == (k >= 4))
            #expect(e.pfn == 0x41200 + UInt64(k))
        }
    }

    @Test func getAndClearGathersYoungAndDirty() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte.mkold(), 4)
        l.setEntry(t, 2, l.entry(t, 2).mkdirty())
        l.setEntry(t, 3, l.entry(t, 3).mkyoung())
        let gathered = l.getAndClearPTEs(t, 0, 4)
        #expect(gathered.rawValue == Self.pte.mkdirty().rawValue)
        for k in 0..<4 { #expect(l.entry(t, k).isNone) }
    }

    @Test func modifyProtSkipsNonPresentEntries() throws {
        let (l, t) = try table()
        l.setPTEs(t, 0, Self.pte, 2)
        l.setSwapEntries(t, 2, SwapEntry(type: 1, offset: 9), 1)
        l.modifyProt(t, 0, 4, LinuxProtection.readOnly)
        #expect(l.entry(t, 0).rawValue == 0x0060_0000_4120_0fc3)
        #expect(l.entry(t, 2) == SwapEntry(type: 1, offset: 9).pte)
        #expect(l.entry(t, 3).isNone)
    }
}
