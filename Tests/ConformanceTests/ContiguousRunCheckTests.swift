import Conformance
import Testing
import VMSA
import VMSATables

@Suite struct ContiguousRunCheckTests {
    /// vmsa's builder writes valid runs; one entry with another PXN, an
    /// entry without the bit, or a gap in the output addresses is flagged.
    @Test(arguments: Granule.allCases)
    func brokenRunsAreFlagged(granule: Granule) throws {
        let layout = Fixtures.layout(granule)
        let image = try TableImage(layout: layout)
        #expect(image.contiguousRunProblems().isEmpty)
        let run = layout.mappings[1]
        let n = granule.contiguousCount(at: .three)!
        let second = try #require(image.walkTrace(run.va.rawValue + granule.pageSize).last)
        let cases: [(UInt64, String)] = [
            (second.descriptor.rawValue ^ Descriptor.Bits.pxn.mask, "entry 1 has attributes"),
            (second.descriptor.rawValue & ~Descriptor.Bits.contiguous.mask, "not every entry is a valid leaf with the Contiguous bit"),
            (second.descriptor.rawValue &+ granule.pageSize, "entry 1 maps"),
        ]
        for (word, reason) in cases {
            var broken = image
            broken.setWord(word, atPhysicalAddress: second.entryAddress)
            let problems = broken.contiguousRunProblems()
            #expect(problems.count == 1)
            #expect(problems.first?.reason.hasPrefix(reason) == true, "\(problems)")
            #expect(problems.first?.count == n)
            #expect(problems.first?.firstEntry == second.entryAddress - 8)
        }
    }
}
