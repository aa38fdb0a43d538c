import Conformance
import Testing
import VMSA
import VMSATables

@Suite struct ImageModeTests {
    /// `vmsa conform --image` on an image file round-trip: walk and MMU legs
    /// over its mapped ranges and holes, all passing.
    @Test func userImagePassesBothLegs() throws {
        let image = try TableImage.load(TableImage(layout: Fixtures.layout(.k64)).serialized())
        let (result, skipped) = ImageConformance.run(image, probes: 500, seed: 1, toolchain: try Fixtures.toolchain())
        #expect(skipped == nil)
        #expect(result.errors.isEmpty)
        #expect(result.legs.map(\.leg) == [.walk, .mmu])
        #expect(result.legs.allSatisfy { $0.probes == 500 && $0.failed == 0 })
        #expect(result.realAccesses)
    }

    @Test func tablesOutsideTheProbesRAMSkipTheMMULeg() throws {
        var layout = Fixtures.layout(.k4)
        layout.configuration.tablesBase = 0x1_0000_0000
        let image = try TableImage(layout: layout)
        let (result, skipped) = ImageConformance.run(image, probes: 100, seed: 1, toolchain: try Fixtures.toolchain())
        #expect(skipped == "table memory 0x100000000-0x100007fff is not inside 0x40000000-0xafffffff, the RAM where the bare-metal probe can load it at its physical address")
        #expect(result.legs.map(\.leg) == [.walk])
        #expect(result.legs[0].failed == 0)
    }
}
