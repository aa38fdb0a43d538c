@testable import Conformance
import Testing
import VMSA
import VMSATables

/// A wrong answer from vmsa is caught by each leg: the probes run on one
/// image and are compared with another that differs in one descriptor.
@Suite struct DetectionTests {
    /// The fixture image and a copy whose first AP/PXN/UXN page (EL1 RW,
    /// EL0 none) became EL0 read-write.
    static func images() throws -> (TableImage, TableImage, UInt64) {
        let layout = Fixtures.layout(.k4)
        let image = try TableImage(layout: layout)
        let va = layout.mappings[2].va.rawValue
        let step = try #require(image.walkTrace(va).last)
        var wrong = image
        wrong.setWord(step.descriptor.rawValue | Descriptor.Bits.ap.inserting(AccessPermissions.readWrite.rawValue, into: 0),
                      atPhysicalAddress: step.entryAddress)
        return (image, wrong, va)
    }

    @Test func walkLegCatchesAWrongAnswer() throws {
        let (image, wrong, va) = try Self.images()
        let records = try WalkLeg.run(image, vas: [va, va + 0x800], toolchain: Fixtures.toolchain())
        let mismatches = WalkLeg.compare(wrong, va: va, record: records[0])
        // The table above has APTable=read-only and UXNTable: stores and EL0
        // fetches fault either way; EL1 loads and fetches differ in the
        // effective AP (0b10 against 0b11); EL0 loads in their outcome.
        #expect(mismatches.map(\.check) == ["EL1 load", "EL1 fetch", "EL0 load"])
        #expect(mismatches.allSatisfy { $0.va == va && !$0.walk.isEmpty })
        #expect(WalkLeg.compare(image, va: va + 0x800, record: records[1]).isEmpty)
    }

    @Test func mmuLegCatchesAWrongAnswer() throws {
        let (image, wrong, va) = try Self.images()
        let graft = try #require(StubGraft.make(for: image))
        let (_, records) = try MMULeg.run(image, vas: [va], graft: graft, toolchain: Fixtures.toolchain())
        var live = wrong
        let (mismatches, deviations) = MMULeg.compare(wrong, live: &live, va: va, record: records[0],
                                                      classifier: DeviationClassifier(image: wrong))
        // Under APTable=read-only only EL0 reads change outcome (PAR and
        // real accesses do not report AP itself).
        #expect(mismatches.map(\.check) == ["AT S1E0R", "EL0 load"])
        #expect(deviations.isEmpty)
    }

    @Test func layoutLegCatchesADifferentWord() throws {
        let layout = Fixtures.layout(.k16)
        let image = try TableImage(layout: layout)
        let (ttbr0, ttbr1, bytes) = try LayoutLeg.run(layout, image: image, toolchain: Fixtures.toolchain())
        #expect(LayoutLeg.compare(image, ttbr0: ttbr0, ttbr1: ttbr1, bytes: bytes).isEmpty)
        var other = image
        let pa = image.tablesBase + 8 * 5
        other.setWord(0x0040_0000_4000_0401, atPhysicalAddress: pa)
        let mismatches = LayoutLeg.compare(other, ttbr0: ttbr0, ttbr1: ttbr1, bytes: bytes)
        #expect(mismatches.map(\.check) == ["table word at PA 0x000040100028"])
        #expect(mismatches.first?.vmsa == "0x0040000040000401")
    }
}
