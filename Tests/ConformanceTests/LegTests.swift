import Conformance
import Testing
import VMSA
import VMSATables

/// Each leg runs its QEMU for real and must agree exactly with vmsa.
@Suite struct LegTests {
    @Test(arguments: Granule.allCases)
    func walkLegAgreesWithTranslate(granule: Granule) throws {
        let layout = Fixtures.layout(granule)
        let image = try TableImage(layout: layout)
        let vas = Fixtures.addresses(layout, granule: granule)
        let result = try WalkLeg.check(image, vas: vas, toolchain: Fixtures.toolchain())
        #expect(result.probes == vas.count)
        #expect(result.failed == 0, "\(result.mismatches.map(\.description).joined(separator: "\n"))")
        #expect(result.passed == vas.count)
    }

    @Test(arguments: Granule.allCases)
    func layoutLegBuildsTheSameBytes(granule: Granule) throws {
        let layout = Fixtures.layout(granule)
        let image = try TableImage(layout: layout)
        let result = try LayoutLeg.check(layout, image: image, toolchain: Fixtures.toolchain())
        #expect(result.probes == layout.mappings.count + layout.tables.count)
        #expect(result.failed == 0, "\(result.mismatches.map(\.description).joined(separator: "\n"))")
    }

    @Test(arguments: Granule.allCases)
    func mmuLegAgreesWithTranslate(granule: Granule) throws {
        let layout = Fixtures.layout(granule)
        let image = try TableImage(layout: layout)
        let graft = try #require(StubGraft.make(for: image))
        let vas = Fixtures.addresses(layout, granule: granule).filter { !graft.claimed.contains($0) }
        let result = try MMULeg.check(image, vas: vas, graft: graft, toolchain: Fixtures.toolchain())
        #expect(result.probes == vas.count)
        #expect(result.failed == 0, "\(result.mismatches.map(\.description).joined(separator: "\n"))")
        // Device memory with SH != Outer Shareable: QEMU 7.2's documented difference.
        #expect(result.expectedDifferences[.deviceShareability] ?? 0 > 0)
    }
}
