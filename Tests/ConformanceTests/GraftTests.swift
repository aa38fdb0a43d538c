@testable import Conformance
import Testing
import VMSA
import VMSATables

@Suite struct GraftTests {
    /// 4K, 48-bit TTBR0: the free start-level entry nearest the middle (256)
    /// gets a table per level down to a page mapping the stub page
    /// privileged read-only, executable at EL1 and EL0.
    @Test func graftWordsForA4KHalf() throws {
        let config = RegimeConfiguration(tablesBase: 0x4010_0000, paBits: 48, mair: Fixtures.mair,
                                         ttbr0: HalfConfiguration(granule: .k4, vaBits: 48), ttbr1: nil)
        let image = try TableBuilder(config).image
        let graft = try #require(StubGraft.make(for: image))
        #expect(graft.ttbr == .ttbr0)
        #expect(graft.stubVA == 0x0000_8000_0000_0000)
        #expect(graft.claimed == 0x0000_8000_0000_0000...0x0000_807f_ffff_ffff)
        #expect(graft.patches.map(\.pa) == [0x4010_0000 + 256 * 8, 0xb010_0000, 0xb010_1000, 0xb010_2000])
        // Page: OA 0xb0000000, AttrIndx 0 (Normal WB), AP[2:1]=0b10, SH=0b11, AF, type 0b11.
        #expect(graft.patches.map(\.value) == [0xb010_0003, 0xb010_1003, 0xb010_2003, 0xb000_0783])
    }

    /// A 64K, 25-bit half starts at level 3: the graft is one page entry.
    @Test func graftAtAStartLevelOfPages() throws {
        let config = RegimeConfiguration(tablesBase: 0x4010_0000, paBits: 48, mair: Fixtures.mair,
                                         ttbr0: HalfConfiguration(granule: .k64, vaBits: 25, e0pd: true),
                                         ttbr1: HalfConfiguration(granule: .k64, vaBits: 25))
        let image = try TableBuilder(config).image
        let graft = try #require(StubGraft.make(for: image))
        // TTBR0 has E0PD0=1 (EL0 could not run the stub), so TTBR1 is used.
        #expect(graft.ttbr == .ttbr1)
        #expect(graft.stubVA == 0xffff_ffff_ff00_0000)
        #expect(graft.patches.count == 1)
        #expect(graft.patches[0].value == 0xb000_0783)
    }
}
