import Testing
import VMSA
import VMSATables
@testable import LinuxTables

/// The equivalence checker and its walker catch what they must.
struct CheckerTests {
    static let va: UInt64 = 0x7f00_0000_0000

    func mapped() throws -> (ProcessTables, TableHandle, Int) {
        let p = try ProcessTables(native: .k64)
        _ = try p.setPTEs(VirtualAddress(Self.va), LinuxPTE(0x0068_0000_4120_0fc3), nr: 32)
        _ = try p.setPMD(VirtualAddress(Self.va + 0x20_0000), LinuxPTE(0x0068_0000_4140_0fc1))
        let t = p.mirror.walkFromRoot(Self.va, to: .three)!
        return (p, t, p.mirror.index(of: Self.va, at: .three))
    }

    @Test func aCorruptNativeWordIsADivergence() throws {
        let (p, t, i) = try mapped()
        #expect(try EquivalenceChecker.check(p).equivalent)
        p.mirror.arena[table: t, index: i + 1] ^= Descriptor.Bits.uxn.mask
        let r = try EquivalenceChecker.check(p)
        // Every probe inside the corrupted 64K page diverges, and nothing else.
        #expect(r.divergences.first?.va == VirtualAddress(Self.va + 0x1_0000))
        #expect(r.divergences.allSatisfy { (Self.va + 0x1_0000..<Self.va + 0x2_0000).contains($0.va.rawValue) })
        guard case .mapped(let m, _)? = r.divergences.first?.hardware else {
            Issue.record("expected a mapped divergence, got \(r.divergences)"); return
        }
        #expect(m.rights.contains(.el0Execute))
    }

    @Test func aMissingNativeEntryIsADivergence() throws {
        let (p, t, i) = try mapped()
        p.mirror.arena[table: t, index: i] = 0
        let r = try EquivalenceChecker.check(p)
        #expect(r.divergences.first?.va == VirtualAddress(Self.va))
        #expect(r.divergences.first?.hardware == .fault(TranslationFault(kind: .translation, level: .three)))
    }

    @Test func anInconsistentContiguousRunIsMisprogrammed() throws {
        let (p, t, i) = try mapped()
        // Entry 5 of the 2M run (32 x 64K) points elsewhere.
        p.mirror.arena[table: t, index: i + 32 + 5] ^= 0x1_0000_0000
        let r = try EquivalenceChecker.check(p)
        #expect(!r.equivalent)
        if case .misprogrammed(let why) = r.divergences.first?.hardware {
            // The second 2M run (entries 32-63), judged by the walk core's contiguous-run rule.
            #expect(why == "level 3 leaf for 0x7f0000200000: broken contiguous run: entry 5 maps 0x141450000, expected 0x41450000")
        } else {
            Issue.record("expected a misprogrammed run, got \(r.divergences)")
        }
    }

    @Test func walkerPermissionsFollowTheArmRules() throws {
        let (p, _, _) = try mapped()
        let regime = p.mirror.regime, memory = p.mirror.arena
        guard case .mapped(let m, let level) = EquivalenceChecker.result(regime, memory, Self.va + 0x1234, runs: []) else {
            Issue.record("not mapped"); return
        }
        #expect(level == 3)
        #expect(m.pa == 0x4120_1234)
        // PAGE_SHARED: EL0/EL1 read and write (DBM makes the clean page writable), no execute.
        #expect(m.rights == AccessRights([.el0Read, .el0Write, .el1Read, .el1Write]))
        #expect(m.attrIndx == 0 && m.sh == 3 && m.nG)
        #expect(EquivalenceChecker.result(regime, memory, Self.va + 0x40_0000, runs: []) == .fault(TranslationFault(kind: .translation, level: .three)))
        // Beyond the 48-bit input range: the VA range check faults at level 0.
        #expect(EquivalenceChecker.result(regime, memory, 1 << 48, runs: []) == .fault(TranslationFault(kind: .translation, level: .zero)))
    }

    @Test func registersOfBothModes() throws {
        let p = try ProcessTables(native: .k64)
        #expect(p.mirror.tcr.rawValue == 0x0000_0185_0080_7510)
        #expect(p.linux.tcr.rawValue == 0x0000_0185_0080_3510)
        #expect(p.mirror.tcr.granule(.ttbr0) == .k64 && p.linux.tcr.granule(.ttbr0) == .k4)
        #expect(try ProcessTables(native: .k16).mirror.tcr[TCR.Field.tg0] == 0b10)
    }
}
