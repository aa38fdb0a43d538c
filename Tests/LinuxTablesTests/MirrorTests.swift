import Testing
import VMSA
@testable import LinuxTables

/// The native mirror, parameterised over both native granules.
struct MirrorTests {
    static let base: UInt64 = 0x7f00_0000_0000

    @Test(arguments: [Granule.k16, .k64])
    func setPTEsOfWholeNativePagesWriteOneEntryEach(granule: Granule) throws {
        let p = try ProcessTables(native: granule)
        let k = p.mirror.linuxPerPage
        let pte = LinuxPTE(LinuxProtection.sharedRW | 0x4120_0000)   // PFN 0x41200, aligned to both
        #expect(try p.setPTEs(Self.base, pte, nr: 2 * k) == nil)
        let t = p.mirror.walkFromRoot(Self.base, to: .three)!
        let i = p.mirror.index(of: Self.base, at: .three)
        // The Linux value re-based: same attribute bits, native page type, address at the native granule.
        #expect(p.mirror.arena[table: t, index: i] == 0x0068_0000_4120_0fc3)
        #expect(p.mirror.arena[table: t, index: i + 1] == 0x0068_0000_4120_0fc3 + granule.pageSize)
        #expect(p.mirror.arena[table: t, index: i + 2] == 0)
        #expect(p.mode == .native)
        let eq = try EquivalenceChecker.check(p)
        #expect(eq.equivalent, "\(eq.divergences)")
    }
}
