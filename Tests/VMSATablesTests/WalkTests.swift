import Testing
import VMSA
@testable import VMSATables

@Suite struct WalkTests {
    /// 4K TTBR0: one page, a 64K contiguous run, one page, from VA 0x1f000.
    static func runImage() throws -> TableImage {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 39))
        try b.map(MappingRequest(va: VirtualAddress(0x1_f000), pa: PhysicalAddress(0x9001_f000), size: 0x1_2000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        return b.image
    }

    @Test func batchesRunsAndHoles() throws {
        let items = Array(try Self.runImage().walk(.ttbr0))
        // L1 start (39-bit): L3 hole 0..0x1e, page, run, page, hole to the end of
        // the L3 table, then holes at L2 and L1.
        #expect(items.map(\.va.rawValue) == [0, 0x1_f000, 0x2_0000, 0x3_0000, 0x3_1000, 0x20_0000, 0x4000_0000])
        #expect(items.map(\.entries) == [0x1f, 1, 16, 1, 512 - 0x31, 511, 511])
        #expect(items.map(\.level.rawValue) == [3, 3, 3, 3, 3, 2, 1])
        #expect(items[2].isLeaf && items[2].attributes!.contiguous && items[2].size == 0x1_0000)
        #expect(items[2].pa == PhysicalAddress(0x9002_0000))
        #expect(items[0].fault == TranslationFault(kind: .translation, level: .three))
        #expect(items[6].lastVA == (1 << 39) - 1)
        #expect(items.map(\.order) == [0, 0, 0, 0, 0, 9, 18])
    }

    @Test func mergesNeighboursAndClips() throws {
        let image = try Self.runImage()
        let merged = Array(image.walk(.ttbr0, range: 0x1_f000...0x3_0fff, mergingNeighbours: true))
        // The run keeps its Contiguous attribute, so it does not merge with the single pages.
        #expect(merged.map(\.size) == [0x1000, 0x1_0000, 0x1000])
        // Clipping: a walk over part of the run reports its entries one by one.
        let clipped = Array(image.walk(.ttbr0, range: 0x2_8800...0x2_9fff))
        #expect(clipped.map(\.va.rawValue) == [0x2_8800, 0x2_9000])
        #expect(clipped.map(\.size) == [0x800, 0x1000])
        #expect(clipped.map(\.pa.rawValue) == [0x9002_8800, 0x9002_9000])
        // Pages without the bit merge into one item.
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try b.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0x8000_0000), size: 0x10_0000, leaf: .pages))
        let leaves = b.image.walk(.ttbr0, mergingNeighbours: true).filter(\.isLeaf)
        #expect(leaves.count == 1 && leaves[0].entries == 256 && leaves[0].size == 0x10_0000)
    }

    @Test func disabledHalfIsOneHole() throws {
        let items = Array(try Self.runImage().walk(.ttbr1))
        #expect(items.count == 1)
        #expect(items[0].fault == TranslationFault(kind: .translation, level: .zero))
        #expect(items[0].va == VirtualAddress(0xffff_0000_0000_0000) && items[0].lastVA == UInt64.max)
    }

    @Test func ptdumpMatchesLinuxFormat() throws {
        let layout = try Layout.parse(LayoutTests.perProcess)
        let lines = PTDump.lines(try TableImage(layout: layout))
        #expect(lines == [
            "---[ TTBR1_EL1 4K granule, 48-bit VA ]---",
            "0xffff000000000000-0xffff000040000000           1G PUD       RW x  SHD AF        BLK UXN    MEM/NORMAL",
            "0xffff000040000000-0xffff008000000000         511G PUD",
            "0xffff008000000000-0xffffffffffffffff      261632G PGD",
            "---[ TTBR0_EL1 64K granule, 48-bit VA ]---",
            "0x0000000000000000-0x0000000000400000           4M PTE",
            "0x0000000000400000-0x0000000000420000         128K PTE   USR ro NX SHD AF NG                MEM/NORMAL",
            "0x0000000000420000-0x0000000020000000      520064K PTE",
            "0x0000000020000000-0x0000040000000000     4193792M PMD",
            "0x0000040000000000-0x0001000000000000         252T PGD",
        ])
    }

    @Test func treeAndDot() throws {
        let image = try Self.runImage()
        let tree = TreeDump.lines(image, halves: [.ttbr0])
        #expect(tree == [
            "TTBR0_EL1 0x0000000040100000: 4K granule, 39-bit VA, level 1 table at 0x40100000",
            "  [0] 0x0000000000000000 L1 table -> 0x40101000",
            "    [0] 0x0000000000000000 L2 table -> 0x40102000",
            "      [31] 0x000000000001f000-0x000000000001ffff L3 page 4 KiB -> 0x9001f000 Attr1=normal-wb ISH EL1:RW EL0:-- AF",
            "      [32..47] 0x0000000000020000-0x000000000002ffff L3 page 4 KiB x16 -> 0x90020000 Attr1=normal-wb ISH EL1:RW EL0:-- AF CONT",
            "      [48] 0x0000000000030000-0x0000000000030fff L3 page 4 KiB -> 0x90030000 Attr1=normal-wb ISH EL1:RW EL0:-- AF",
        ])
        let dot = DotDump.text(image, halves: [.ttbr0])
        #expect(dot.hasPrefix("digraph vmsa {"))
        #expect(dot.contains("t40100000 -> t40101000 [label=\"[0] 0x0\"];"))
        #expect(dot.contains("t40102000 [label=\"L3 table\\n0x40102000\\n18 pages 4 KiB\"];"))
    }

    @Test func differences() throws {
        let a = try Self.runImage()
        #expect(a.differences(from: a).isEmpty)
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 39))
        try b.map(MappingRequest(va: VirtualAddress(0x1_f000), pa: PhysicalAddress(0x9001_f000), size: 0x1_2000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        try b.protect(VirtualAddress(0x2_4000), size: 0x2000, attributes: MappingAttributes(attrIndx: 1, ap: .privilegedReadOnly))
        try b.unmap(VirtualAddress(0x3_0000), size: 0x1000)
        let d = a.differences(from: b.image)
        #expect(d.count == 2)
        #expect(d[0].va == VirtualAddress(0x2_4000) && d[0].size == 0x2000)
        if case .mapped(let pa, let attrs) = d[0].b { #expect(pa == PhysicalAddress(0x9002_4000) && attrs.ap == .privilegedReadOnly) }
        else { Issue.record("expected a mapping on side b") }
        #expect(d[1].va == VirtualAddress(0x3_0000) && d[1].size == 0x1000)
        #expect(d[1].b == .fault(TranslationFault(kind: .translation, level: .three)))
        // Different geometry, same translation: no difference (64K pages vs 4K pages, contiguous aside).
        var g4 = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        var g64 = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k64))
        try g4.map(MappingRequest(va: VirtualAddress(0x100_0000), pa: PhysicalAddress(0x8000_0000), size: 0x40_0000))
        try g64.map(MappingRequest(va: VirtualAddress(0x100_0000), pa: PhysicalAddress(0x8000_0000), size: 0x40_0000))
        #expect(g4.image.differences(from: g64.image).isEmpty)
        // A smaller VA range faults beyond its end.
        let narrow = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 39)).image
        let wide = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 48)).image
        #expect(narrow.differences(from: wide).isEmpty)
    }

    /// diff compares the memory type MAIR gives, not the AttrIndx selecting it.
    @Test func differencesCompareTheMemoryTypeNotTheIndex() throws {
        func image(mair: UInt64, attrIndx: Int) throws -> TableImage {
            var c = configuration(ttbr1: nil, ttbr0: .k4)
            c.mair = MAIR(rawValue: mair)
            var b = try TableBuilder(c)
            try b.map(MappingRequest(va: VirtualAddress(0x1000), pa: PhysicalAddress(0x8000_1000), size: 0x1000,
                                     attributes: MappingAttributes(attrIndx: attrIndx)))
            return b.image
        }
        // Attr0 and Attr1 are both Normal write-back: the same memory.
        #expect(try image(mair: 0xffff, attrIndx: 0).differences(from: image(mair: 0xffff, attrIndx: 1)).isEmpty)
        // Attr1 Normal Non-cacheable: a different memory type, one difference.
        let d = try image(mair: 0x44ff, attrIndx: 0).differences(from: image(mair: 0x44ff, attrIndx: 1))
        #expect(d.map(\.va) == [VirtualAddress(0x1000)] && d.first?.size == 0x1000)
    }
}

/// `forEach` (the callback walk) yields exactly what the iterator yields.
@Suite struct WalkEquivalenceTests {
    @Test(arguments: GranulePair.all)
    func forEachMatchesIterator(pair: GranulePair) throws {
        for seed in 0..<UInt64(6) {
            let image = try TableImage(layout: RandomLayout.make(seed: seed, ttbr1: pair.ttbr1, ttbr0: pair.ttbr0, fiftyTwo: seed % 3 == 2))
            var rng = SplitMix(seed: seed)
            for t in TranslationTableBase.allCases {
                let whole = image.half(t)!.vaRange
                var ranges: [ClosedRange<UInt64>?] = [nil]
                for _ in 0..<4 {
                    let a = whole.lowerBound + rng.next() % (whole.upperBound - whole.lowerBound)
                    let b = a + rng.next() % (whole.upperBound - a)
                    ranges.append(a...b)
                }
                for r in ranges {
                    for merge in [false, true] {
                        let walk = image.walk(t, range: r, mergingNeighbours: merge)
                        var visited: [WalkEntry] = []
                        walk.forEach { visited.append($0) }
                        #expect(visited == Array(walk), "seed \(seed) \(t) \(String(describing: r)) merge \(merge)")
                    }
                }
            }
        }
    }
}
