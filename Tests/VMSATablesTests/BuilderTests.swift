import Testing
import VMSA
@testable import VMSATables

/// Golden words: descriptors and placement the builder must produce.
@Suite struct BuilderTests {
    /// The per-process page size case: TTBR1 4K, TTBR0 64K. Roots go TTBR1
    /// first at tablesBase, TTBR0's at the next 64K boundary; the first
    /// next-level table follows at the next boundary of its own granule.
    @Test func perProcessPlacementAndGoldenWords() throws {
        var b = try TableBuilder(configuration(ttbr1: .k4, ttbr0: .k64))
        #expect(b.ttbr1.rawValue == 0x4010_0000)
        #expect(b.ttbr0.rawValue == 0x4011_0000)
        // Linux PAGE_KERNEL-like attributes: AttrIndx 1, ISH, AF, UXN.
        try b.map(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000), pa: PhysicalAddress(0x4000_0000), size: 0x4000_0000,
                                 attributes: MappingAttributes(attrIndx: 1, uxn: true)))
        // 64 KiB of 64K pages at VA 0x400000 → PA 0x8000_0000 (EL0 read-only).
        try b.map(MappingRequest(va: VirtualAddress(0x40_0000), pa: PhysicalAddress(0x8000_0000), size: 0x2_0000,
                                 attributes: MappingAttributes(attrIndx: 1, ap: .readOnly, ng: true, pxn: true)))
        let image = b.image
        // TTBR1: L0[0] → L1 table at 0x40120000 (first 4K boundary after TTBR0's 64K root).
        #expect(entry(image, 0x4010_0000, 0) == 0x4012_0003)
        // L1[0]: 1 GiB block, UXN [54], AF [10], SH=11 [9:8], AttrIndx 1 [4:2], type 01.
        #expect(entry(image, 0x4012_0000, 0) == 0x0040_0000_4000_0705)
        // TTBR0 (64K, 48-bit: start level 1, 64 entries): L1[0] → L2 at 0x40130000, L2[0] → L3 at 0x40140000.
        #expect(entry(image, 0x4011_0000, 0) == 0x4013_0003)
        #expect(entry(image, 0x4013_0000, 0) == 0x4014_0003)
        // L3[64], L3[65]: pages, PXN [53], nG [11], AF, SH, AP=11 [7:6], AttrIndx 1, type 11.
        #expect(entry(image, 0x4014_0000, 64) == 0x0020_0000_8000_0fc7)
        #expect(entry(image, 0x4014_0000, 65) == 0x0020_0000_8001_0fc7)
        #expect(image.tablesSize == 0x5_0000)
        #expect(image.tcr.rawValue == 0x0000_0015_b510_7510)
    }

    /// TCR_EL1 for the per-process layout, field by field.
    @Test func derivedTCR() throws {
        let tcr = configuration(ttbr1: .k4, ttbr0: .k64).tcr
        #expect(tcr[TCR.Field.t0sz] == 16)
        #expect(tcr[TCR.Field.tg0] == 0b01)   // 64K in TG0's encoding
        #expect(tcr[TCR.Field.t1sz] == 16)
        #expect(tcr[TCR.Field.tg1] == 0b10)   // 4K in TG1's encoding
        #expect(tcr[TCR.Field.irgn0] == 1 && tcr[TCR.Field.orgn0] == 1 && tcr[TCR.Field.sh0] == 3)
        #expect(tcr[TCR.Field.irgn1] == 1 && tcr[TCR.Field.orgn1] == 1 && tcr[TCR.Field.sh1] == 3)
        #expect(tcr[TCR.Field.ips] == PhysicalAddressSize.bits48.rawValue)
        #expect(tcr[TCR.Field.as] == 1 && tcr[TCR.Field.a1] == 0)
        #expect(tcr[TCR.Field.epd0] == 0 && tcr[TCR.Field.epd1] == 0)
        let only1 = configuration(ttbr1: .k16, ttbr0: nil).tcr
        #expect(only1[TCR.Field.epd0] == 1)
        #expect(only1[TCR.Field.tg1] == 0b01)
    }

    /// Contiguous runs: 4K pages in runs of 16 where VA and PA are 64K
    /// aligned; the unaligned head and tail are single pages.
    @Test func contiguousRunsOfPages() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        // VA 0x1_f000 .. 0x3_0fff: one page, a 64K run (0x20000-0x2ffff), one page.
        try b.map(MappingRequest(va: VirtualAddress(0x1_f000), pa: PhysicalAddress(0x9001_f000), size: 0x1_2000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        let image = b.image
        let l3: UInt64 = 0x4010_3000   // root, L1, L2, L3 in order
        let cont = Descriptor.Bits.contiguous.mask
        #expect(entry(image, l3, 0x1f) == 0x9001_f707)
        for i in 0x20..<0x30 { #expect(entry(image, l3, i) == cont | (0x9000_0707 + UInt64(i) << 12)) }
        #expect(entry(image, l3, 0x30) == 0x9003_0707)
        // Misaligned PA (not 64K-congruent): no run at all.
        var c = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try c.map(MappingRequest(va: VirtualAddress(0x2_0000), pa: PhysicalAddress(0x9000_1000), size: 0x1_0000))
        for i in 0x20..<0x30 { #expect(Descriptor.Bits.contiguous.isSet(entry(c.image, l3, i)) == false) }
    }

    /// Blocks at every legal level and contiguous block runs, per granule.
    @Test(arguments: Granule.allCases)
    func largestLeaf(granule: Granule) throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: granule))
        let l2 = granule.entrySize(at: .two)
        let run = l2 * UInt64(granule.contiguousCount(at: .two)!)
        try b.map(MappingRequest(va: VirtualAddress(run), pa: PhysicalAddress(run * 2), size: run + l2))
        let image = b.image
        var blocks = 0, contiguous = 0
        for item in image.walk(.ttbr0) where item.isLeaf {
            #expect(item.level == .two)
            blocks += item.entries
            if item.attributes!.contiguous { contiguous += item.entries }
        }
        #expect(blocks == granule.contiguousCount(at: .two)! + 1)
        #expect(contiguous == granule.contiguousCount(at: .two)!)
        // pages only: everything at level 3 without the bit.
        var p = try TableBuilder(configuration(ttbr1: nil, ttbr0: granule))
        try p.map(MappingRequest(va: VirtualAddress(l2), pa: PhysicalAddress(l2), size: l2, leaf: .pages))
        let leaves = Array(p.image.walk(.ttbr0).filter(\.isLeaf))
        #expect(leaves.allSatisfy { $0.level == .three && !$0.attributes!.contiguous })
        #expect(leaves.reduce(0) { $0 + $1.entries } == granule.entriesPerTable)
    }

    /// 4K 1 GiB blocks at level 1; 64K 4 TiB blocks only with a 52-bit PA.
    @Test func levelOneBlocks() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try b.map(MappingRequest(va: VirtualAddress(1 << 30), pa: PhysicalAddress(1 << 30), size: 1 << 30, leaf: .noContiguous))
        #expect(b.image.translate(VirtualAddress(1 << 30), access: .read, el: .el1).map(\.level) == .success(.one))
        let tera4: UInt64 = 1 << 42
        var c = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k64, vaBits0: 52, paBits: 52))
        try c.map(MappingRequest(va: VirtualAddress(tera4), pa: PhysicalAddress(tera4), size: tera4))
        #expect(c.image.translate(VirtualAddress(tera4 + 5), access: .read, el: .el1).map(\.level) == .success(.one))
        var d = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k64, paBits: 48))
        try d.map(MappingRequest(va: VirtualAddress(tera4), pa: PhysicalAddress(tera4), size: 1 << 29))
        #expect(d.image.translate(VirtualAddress(tera4), access: .read, el: .el1).map(\.level) == .success(.two))
    }

    /// Unmapping part of a 2M block splits it into pages; part of a run
    /// clears the bit on every entry of the run; both are reported.
    @Test func unmapSplitsAndBreaksRuns() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try b.map(MappingRequest(va: VirtualAddress(0x20_0000), pa: PhysicalAddress(0x4000_0000), size: 0x20_0000,
                                 attributes: MappingAttributes(attrIndx: 1), leaf: .noContiguous))
        let report = try b.unmap(VirtualAddress(0x20_1000), size: 0x1000)
        #expect(report.count == 1)
        #expect(report[0].reason == .blockSplit)
        #expect(report[0].level == .two)
        #expect(report[0].va == VirtualAddress(0x20_0000))
        #expect(report[0].size == 0x20_0000)
        #expect(report[0].old.rawValue == 0x4000_0705)
        let image = b.image
        #expect(image.translate(VirtualAddress(0x20_0000), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x4000_0000)))
        #expect(image.translate(VirtualAddress(0x20_1000), access: .read, el: .el1) == .failure(TranslationFault(kind: .translation, level: .three)))
        #expect(image.translate(VirtualAddress(0x3f_f123), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x401f_f123)))
        // The split's pages keep the block's attributes, as pages.
        #expect(image.translate(VirtualAddress(0x20_2000), access: .read, el: .el1).map(\.descriptor.rawValue) == .success(0x4000_2707))

        var c = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try c.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0x5_0000), size: 0x1_0000))
        let r2 = try c.unmap(VirtualAddress(0x1_4000), size: 0x1000)
        #expect(r2 == [BreakBeforeMake(reason: .contiguousRunBroken, ttbr: .ttbr0, va: VirtualAddress(0x1_0000), size: 0x1_0000,
                                       level: .three, old: Descriptor(rawValue: 0x0010_0000_0005_0703),
                                       new: Descriptor(rawValue: 0x5_0703))])
        for i in 0..<16 where i != 4 {
            let t = c.image.translate(VirtualAddress(0x1_0000 + UInt64(i) * 0x1000), access: .read, el: .el1)
            #expect(t.map(\.contiguous) == .success(false))
        }
    }

    /// protect: permission-only changes are safe on live entries; a memory
    /// type change needs break-before-make (Linux pgattr_change_is_safe).
    @Test func protectReportsUnsafeChanges() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k16))
        try b.map(MappingRequest(va: VirtualAddress(0x10_0000), pa: PhysicalAddress(0x10_0000), size: 0x8000,
                                 attributes: MappingAttributes(attrIndx: 1), leaf: .noContiguous))
        let safe = try b.protect(VirtualAddress(0x10_0000), size: 0x4000,
                                 attributes: MappingAttributes(attrIndx: 1, ap: .privilegedReadOnly, ng: true, pxn: true))
        #expect(safe.isEmpty)
        let unsafe = try b.protect(VirtualAddress(0x10_0000), size: 0x8000, attributes: MappingAttributes(attrIndx: 2))
        #expect(unsafe.count == 1)
        #expect(unsafe[0].reason == .attributeChange)
        #expect(unsafe[0].size == 0x8000)
        let t = b.image.translate(VirtualAddress(0x10_4000), access: .write, el: .el1)
        #expect(t.map(\.mairAttr) == .success(MemoryAttribute(rawValue: 0x44)))
        // nG 1 → 0 is unsafe, 0 → 1 is safe.
        let format = try DescriptorFormat(granule: .k4)
        #expect(BreakBeforeMake.isSafe(old: 0x703, new: 0xf03, format: format))
        #expect(!BreakBeforeMake.isSafe(old: 0xf03, new: 0x703, format: format))
        #expect(!BreakBeforeMake.isSafe(old: 0x1000_703, new: 0x2000_703, format: format))
    }

    @Test func tableAttributesAreWritten() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        try b.map(MappingRequest(va: VirtualAddress(0x1000), pa: PhysicalAddress(0x1000), size: 0x1000,
                                 attributes: MappingAttributes(ap: .readWrite)))
        try b.setTableAttributes(TableAttributeRequest(va: VirtualAddress(0), level: .one,
                                                       attributes: TableAttributes(apTable: .readOnly, pxnTable: true, uxnTable: true)))
        #expect(entry(b.image, 0x4010_1000, 0) == 0x5800_0000_4010_2003)
        #expect(throws: BuildError.noTable(va: 0x1000, level: .three)) {
            try b.setTableAttributes(TableAttributeRequest(va: VirtualAddress(0x1000), level: .three, attributes: TableAttributes()))
        }
    }

    @Test func refusedRequestsChangeNothing() throws {
        var b = try TableBuilder(configuration(ttbr1: .k4, ttbr0: .k64))
        try b.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0x1_0000), size: 0x1_0000))
        let before = b.image
        #expect(throws: BuildError.overlap(va: 0, size: 0x2_0000, mappedAt: 0x1_0000)) {
            try b.map(MappingRequest(va: VirtualAddress(0), pa: PhysicalAddress(0), size: 0x2_0000))
        }
        #expect(throws: BuildError.misaligned(name: "pa", value: 0x1000, granule: .k64, ttbr: .ttbr0)) {
            try b.map(MappingRequest(va: VirtualAddress(0x10_0000), pa: PhysicalAddress(0x1000), size: 0x1_0000))
        }
        #expect(throws: BuildError.sizeZero(va: 0x10_0000)) {
            try b.map(MappingRequest(va: VirtualAddress(0x10_0000), pa: PhysicalAddress(0), size: 0))
        }
        #expect(throws: BuildError.vaRangeWraps(va: 0xffff_ffff_ffff_0000, size: 0x2_0000)) {
            try b.map(MappingRequest(va: VirtualAddress(0xffff_ffff_ffff_0000), pa: PhysicalAddress(0), size: 0x2_0000))
        }
        #expect(throws: BuildError.outsideVARanges(va: 0xffff_0000_0000_0000 - 0x1000, size: 0x2000,
                                                   ttbr0: 0...0xffff_ffff_ffff, ttbr1: 0xffff_0000_0000_0000...UInt64.max)) {
            try b.map(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000 - 0x1000), pa: PhysicalAddress(0), size: 0x2000))
        }
        #expect(throws: BuildError.beyondPASize(pa: 0xffff_ffff_0000, size: 0x2_0000, bits: 48)) {
            try b.map(MappingRequest(va: VirtualAddress(0x20_0000), pa: PhysicalAddress(0xffff_ffff_0000), size: 0x2_0000))
        }
        #expect(b.image == before)
    }

    @Test func configurationErrors() throws {
        #expect(throws: BuildError.tablesBaseMisaligned(0x4010_1000, .k64)) {
            try TableBuilder(configuration(ttbr1: .k4, ttbr0: .k64, tablesBase: 0x4010_1000))
        }
        #expect(throws: BuildError.vmsa(.inputBitsOutOfRange(52, .k4, 25...48))) {
            try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 52))
        }
        #expect(throws: BuildError.noHalves) { try TableBuilder(configuration(ttbr1: nil, ttbr0: nil)) }
        #expect(throws: BuildError.vmsa(.unsupportedPASize(50))) {
            try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, paBits: 50))
        }
    }

    /// A PA above 2^48 needs a 52-bit configuration: 64K (FEAT_LPA) keeps
    /// OA[51:48] in [15:12], 4K/16K with DS=1 keep OA[51:50] in [9:8].
    @Test func fiftyTwoBitOutputAddresses() throws {
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k64, paBits: 52))
        try b.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0xf_0000_1234_0000), size: 0x1_0000))
        let t = b.image.translate(VirtualAddress(0x1_0010), access: .read, el: .el1)
        #expect(t.map(\.pa) == .success(PhysicalAddress(0xf_0000_1234_0010)))
        #expect(t.map { $0.descriptor.rawValue & 0xf000 } == .success(0xf000))

        var c = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4, vaBits0: 52, paBits: 52, ds: true))
        try c.map(MappingRequest(va: VirtualAddress(0xf_0000_0000_0000), pa: PhysicalAddress(0xc_0000_0000_1000), size: 0x1000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        let u = c.image.translate(VirtualAddress(0xf_0000_0000_0008), access: .read, el: .el1)
        #expect(u.map(\.pa) == .success(PhysicalAddress(0xc_0000_0000_1008)))
        #expect(u.map { $0.descriptor.rawValue & 0x300 } == .success(0x300))
        #expect(u.map(\.sh) == .success(.innerShareable))
        // 4K with DS and a 52-bit VA starts at level -1.
        #expect(c.image.half(.ttbr0)?.startLevel == .minus1)

        var d = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k4))
        #expect(throws: BuildError.beyondPASize(pa: 0x1_0000_0000_0000, size: 0x1000, bits: 48)) {
            try d.map(MappingRequest(va: VirtualAddress(0), pa: PhysicalAddress(0x1_0000_0000_0000), size: 0x1000))
        }
        #expect(throws: BuildError.shareabilityWithDS(.outerShareable)) {
            try c.map(MappingRequest(va: VirtualAddress(0), pa: PhysicalAddress(0), size: 0x1000,
                                     attributes: MappingAttributes(sh: .outerShareable)))
        }
    }

    // MARK: A failed map, unmap or protect changes nothing

    /// A 32-bit PA space whose table memory starts 64 KiB below 2^32: room
    /// for 16 tables of 4K, the root included.
    static let nearTheTop = configuration(ttbr1: nil, ttbr0: .k4, paBits: 32, tablesBase: 0xFFFF_0000)
    static let outOfRoom = BuildError.tablesBeyondPASize(address: 0x1_0000_0000, bits: 32)

    /// 64 MiB of pages needs 34 tables; 15 fit. Whether an image shares the
    /// table memory (`keepImage`) or the builder holds it alone, the map that
    /// runs out of room leaves the same words, the same size and no mapping.
    @Test(arguments: [true, false])
    func failedMapChangesNothing(keepImage: Bool) throws {
        var b = try TableBuilder(Self.nearTheTop)
        let before = keepImage ? b.image : nil
        let words = b.withWords { Array($0) }
        #expect(throws: Self.outOfRoom) {
            try b.map(MappingRequest(va: VirtualAddress(0), pa: PhysicalAddress(0), size: 64 << 20, leaf: .pages))
        }
        if let before { #expect(b.image == before, "the image differs") }
        #expect(b.withWords { $0.elementsEqual(words) }, "table memory changed")
        #expect(b.tablesSize == 0x1000)
        // Nothing below the root: a translation fault at level 0.
        #expect(throws: TranslationFault(kind: .translation, level: .zero)) {
            try b.image.translate(VirtualAddress(0x1000), access: .read, el: .el1).get()
        }
        // The builder still works: what fits maps.
        try b.map(MappingRequest(va: VirtualAddress(0), pa: PhysicalAddress(0), size: 0x2000, leaf: .pages))
        #expect(try b.image.translate(VirtualAddress(0x1000), access: .read, el: .el1).get().pa == PhysicalAddress(0x1000))
    }

    /// Table memory filled to the last byte below 2^32: a page at 0x1ff000,
    /// a 2M block at 0x200000 and 12 more pages, one per 2M region, use all
    /// 16 tables. A change over [0x1ff000, 0x201000] rewrites the page, then
    /// must split the block and has no room left.
    static func fullBuilder() throws -> TableBuilder {
        var b = try TableBuilder(nearTheTop)
        try b.map(MappingRequest(va: VirtualAddress(0x1F_F000), pa: PhysicalAddress(0x1F_F000), size: 0x1000))
        try b.map(MappingRequest(va: VirtualAddress(0x20_0000), pa: PhysicalAddress(0x20_0000), size: 0x20_0000))
        for k in 0..<UInt64(12) {
            let va = 0x40_0000 + k << 21
            try b.map(MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(va), size: 0x1000))
        }
        #expect(b.tablesSize == 0x1_0000)
        return b
    }

    @Test(arguments: [true, false])
    func failedUnmapChangesNothing(keepImage: Bool) throws {
        var b = try Self.fullBuilder()
        let before = keepImage ? b.image : nil
        let words = b.withWords { Array($0) }
        #expect(throws: Self.outOfRoom) { try b.unmap(VirtualAddress(0x1F_F000), size: 0x2000) }
        if let before { #expect(b.image == before, "the image differs") }
        #expect(b.withWords { $0.elementsEqual(words) }, "table memory changed")
        #expect(try b.image.translate(VirtualAddress(0x1F_F000), access: .read, el: .el1).get().pa == PhysicalAddress(0x1F_F000))
    }

    @Test(arguments: [true, false])
    func failedProtectChangesNothing(keepImage: Bool) throws {
        var b = try Self.fullBuilder()
        let before = keepImage ? b.image : nil
        let words = b.withWords { Array($0) }
        #expect(throws: Self.outOfRoom) {
            try b.protect(VirtualAddress(0x1F_F000), size: 0x2000, attributes: MappingAttributes(ap: .privilegedReadOnly))
        }
        if let before { #expect(b.image == before, "the image differs") }
        #expect(b.withWords { $0.elementsEqual(words) }, "table memory changed")
        #expect(try b.image.translate(VirtualAddress(0x1F_F000), access: .write, el: .el1).get().pa == PhysicalAddress(0x1F_F000))
    }
}
