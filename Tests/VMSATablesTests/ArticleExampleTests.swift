import Foundation
import Testing
import VMSA
import VMSATables

/// The Swift example of the DocC article "Building and inspecting a table
/// image", run on the layout the article builds, with the values
/// `vmsa translate` prints for it there.
@Suite struct ArticleExampleTests {
    static let layoutPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/layouts/per-process-64k.json").path

    @Test func buildingAndInspectingAnImage() throws {
        let layoutText = try String(contentsOfFile: Self.layoutPath, encoding: .utf8)
        let image = try TableImage(layout: Layout.parse(layoutText))
        guard case .success(let t) = image.translate(VirtualAddress(0x40_0010), access: .execute, el: .el0) else {
            Issue.record("0x400010 does not translate for an EL0 fetch")
            return
        }
        #expect(t.pa == PhysicalAddress(0x8000_0010))
        #expect(t.level == .three)
        var leaves: [(va: VirtualAddress, pa: PhysicalAddress)] = []
        image.walk(.ttbr0).forEach { item in
            if item.isLeaf { leaves.append((item.va, item.pa)) }
        }
        #expect(leaves.first?.va == VirtualAddress(0x40_0000))
        #expect(leaves.first?.pa == PhysicalAddress(0x8000_0000))
    }
}
