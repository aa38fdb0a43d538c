import Testing
import VMSA
@testable import VMSATables

/// Translation against hand-made tables: each Arm ARM rule in isolation.
@Suite struct TranslateTests {
    static func fault(_ kind: FaultKind, _ level: Int) -> Result<Translation, TranslationFault> {
        .failure(TranslationFault(kind: kind, level: Level(rawValue: level)!))
    }

    /// One 4K page at VA 0x1000 → PA 0x8000_1000 in a 4K, 48-bit TTBR0; the
    /// L3 table is the fourth table (root, L1, L2, L3).
    static func onePage(_ attributes: MappingAttributes = MappingAttributes(attrIndx: 1), hpd: Bool = false,
                        ha: Bool = false, tbi: Bool = false, e0pd: Bool = false) throws -> TableImage {
        var c = configuration(ttbr1: nil, ttbr0: .k4)
        c.ttbr0!.hpd = hpd
        c.ttbr0!.tbi = tbi
        c.ttbr0!.e0pd = e0pd
        c.hardwareAccessFlag = ha
        var b = try TableBuilder(c)
        try b.map(MappingRequest(va: VirtualAddress(0x1000), pa: PhysicalAddress(0x8000_1000), size: 0x1000, attributes: attributes))
        return b.image
    }
    static let root: UInt64 = 0x4010_0000, l1: UInt64 = 0x4010_1000, l2: UInt64 = 0x4010_2000, l3: UInt64 = 0x4010_3000

    @Test func successReportsWhatPARReports() throws {
        let image = try Self.onePage(MappingAttributes(attrIndx: 1, ap: .readWrite, ng: true, uxn: true))
        let t = try image.translate(VirtualAddress(0x1abc), access: .read, el: .el0).get()
        #expect(t.pa == PhysicalAddress(0x8000_1abc))
        #expect(t.ttbr == .ttbr0)
        #expect(t.level == .three)
        #expect(t.size == 0x1000)
        #expect(t.descriptor.rawValue == 0x0040_0000_8000_1f47)
        #expect(t.mairAttr == MemoryAttribute(rawValue: 0xff))
        #expect(t.attrIndx == 1)
        #expect(t.sh == .innerShareable)
        #expect(t.ap == .readWrite)
        #expect(t.pxn)   // EL0-writable is never privileged-executable
        #expect(t.uxn)
        #expect(t.ng)
        #expect(!t.contiguous)
    }

    @Test func rangeSelectionFaultsAtLevelZero() throws {
        let image = try Self.onePage()
        #expect(image.translate(VirtualAddress(0x0001_0000_0000_1000), access: .read, el: .el1) == Self.fault(.translation, 0))
        // TTBR1 is disabled (EPD1=1).
        #expect(image.translate(VirtualAddress(0xffff_0000_0000_1000), access: .read, el: .el1) == Self.fault(.translation, 0))
        // A tag without TBI0 is out of range; with TBI0 it is ignored.
        #expect(image.translate(VirtualAddress(0xab00_0000_0000_1000), access: .read, el: .el1) == Self.fault(.translation, 0))
        let tbi = try Self.onePage(tbi: true)
        #expect(tbi.translate(VirtualAddress(0xab00_0000_0000_1000), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        // TBID0 keeps TBI0 to data: a tagged fetch is out of range, an untagged one is not.
        var tbid = tbi
        tbid.tcr[TCR.Field.tbid0] = 1
        #expect(tbid.translate(VirtualAddress(0xab00_0000_0000_1000), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        #expect(tbid.translate(VirtualAddress(0xab00_0000_0000_1000), access: .execute, el: .el1) == Self.fault(.translation, 0))
        #expect(tbid.translate(VirtualAddress(0x0000_0000_0000_1000), access: .execute, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        #expect(tbi.translate(VirtualAddress(0xab00_0000_0000_1000), access: .execute, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        // E0PD0: EL0 faults at level 0, EL1 translates.
        let e0pd = try Self.onePage(MappingAttributes(attrIndx: 1, ap: .readWrite), e0pd: true)
        #expect(e0pd.translate(VirtualAddress(0x1000), access: .read, el: .el0) == Self.fault(.translation, 0))
        #expect(e0pd.translate(VirtualAddress(0x1000), access: .read, el: .el1).map(\.level) == .success(.three))
    }

    /// The fast selection agrees with `TCR.select` on addresses around every boundary.
    @Test func selectionAgreesWithTCRSelect() throws {
        var rng = SplitMix(seed: 7)
        for tbi in [false, true] {
            for bits in [36, 39, 42, 47, 48] {
                var c = configuration(ttbr1: .k16, ttbr0: .k4, vaBits1: bits, vaBits0: bits)
                c.ttbr0!.tbi = tbi
                c.ttbr1!.tbi = tbi
                let image = try TableBuilder(c).image
                for _ in 0..<2000 {
                    var va = rng.next()
                    switch rng.next() % 4 {
                    case 0: va &= (1 << UInt64(bits)) - 1
                    case 1: va |= ~((1 << UInt64(bits)) - 1)
                    case 2: va = (va & 0xff00_0000_0000_0000) | (va & ((1 << UInt64(bits)) - 1))
                    default: break
                    }
                    let selected = image.tcr.select(VirtualAddress(va))
                    let ours: TranslationTableBase? = [TranslationTableBase.ttbr0, .ttbr1].first { image.half($0)!.contains(va) }
                    #expect(selected == ours, "\(Hex.format(va))")
                }
            }
        }
    }

    @Test func invalidEntriesFaultAtTheirLevel() throws {
        var image = try Self.onePage()
        #expect(image.translate(VirtualAddress(0x2000), access: .read, el: .el1) == Self.fault(.translation, 3))
        #expect(image.translate(VirtualAddress(0x20_0000), access: .read, el: .el1) == Self.fault(.translation, 2))
        #expect(image.translate(VirtualAddress(0x4000_0000), access: .read, el: .el1) == Self.fault(.translation, 1))
        #expect(image.translate(VirtualAddress(0x80_0000_0000), access: .read, el: .el1) == Self.fault(.translation, 0))
        // 0b01 at level 3 is reserved.
        image.setWord(entry(image, Self.l3, 1) & ~0b10, atPhysicalAddress: Self.l3 + 8)
        #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1) == Self.fault(.translation, 3))
    }

    /// Blocks where the granule has none are translation faults at that level.
    @Test func illegalBlockLevels() throws {
        var image = try Self.onePage()
        // 4K level 0 block without DS.
        image.setWord(0x705, atPhysicalAddress: Self.root + 8)
        #expect(image.translate(VirtualAddress(0x80_0000_0000), access: .read, el: .el1) == Self.fault(.translation, 0))
        // 4K level 1 block is legal.
        image.setWord(0x4000_0705, atPhysicalAddress: Self.l1 + 8)
        #expect(image.translate(VirtualAddress(0x4000_1234), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x4000_1234)))
        // 16K level 1 block needs DS.
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k16))
        try b.map(MappingRequest(va: VirtualAddress(0x4000), pa: PhysicalAddress(0x4000), size: 0x4000))
        var i16 = b.image
        let l1 = i16.half(.ttbr0)!.rootAddress + 0x4000
        i16.setWord(0x10_0000_0000 | 0x705, atPhysicalAddress: l1 + 8)
        #expect(i16.translate(VirtualAddress(0x10_0000_0000), access: .read, el: .el1) == Self.fault(.translation, 1))
    }

    @Test func accessFlag() throws {
        let noAF = try Self.onePage(MappingAttributes(attrIndx: 1, af: false))
        #expect(noAF.translate(VirtualAddress(0x1000), access: .read, el: .el1) == Self.fault(.accessFlag, 3))
        let ha = try Self.onePage(MappingAttributes(attrIndx: 1, af: false), ha: true)
        #expect(ha.translate(VirtualAddress(0x1000), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        // The access flag fault comes before the permission fault.
        let noAFRO = try Self.onePage(MappingAttributes(attrIndx: 1, ap: .privilegedReadOnly, af: false))
        #expect(noAFRO.translate(VirtualAddress(0x1000), access: .write, el: .el1) == Self.fault(.accessFlag, 3))
    }

    /// AP[2:1] x EL x access, PXN, UXN (Arm ARM stage 1 direct permissions).
    @Test(arguments: AccessPermissions.allCases)
    func permissions(ap: AccessPermissions) throws {
        for (pxn, uxn) in [(false, false), (true, false), (false, true), (true, true)] {
            let image = try Self.onePage(MappingAttributes(attrIndx: 1, ap: ap, pxn: pxn, uxn: uxn))
            let expected: [(AccessKind, ExceptionLevel, Bool)] = [
                (.read, .el1, true),
                (.write, .el1, ap == .privilegedReadWrite || ap == .readWrite),
                (.read, .el0, ap == .readWrite || ap == .readOnly),
                (.write, .el0, ap == .readWrite),
                (.execute, .el1, !pxn && ap != .readWrite),
                (.execute, .el0, !uxn),
            ]
            for (access, el, allowed) in expected {
                let r = image.translate(VirtualAddress(0x1000), access: access, el: el)
                if allowed {
                    #expect(r.map(\.pa) == .success(PhysicalAddress(0x8000_1000)), "\(ap) \(access) \(el) pxn=\(pxn) uxn=\(uxn)")
                } else {
                    #expect(r == Self.fault(.permission, 3), "\(ap) \(access) \(el) pxn=\(pxn) uxn=\(uxn)")
                }
            }
        }
    }

    /// APTable is cumulative and inverted; PXNTable/UXNTable OR in; HPD
    /// turns all three off.
    @Test func hierarchicalAttributes() throws {
        for hpd in [false, true] {
            var image = try Self.onePage(MappingAttributes(attrIndx: 1, ap: .readWrite), hpd: hpd)
            // L1[0] → L2 with APTable=noEL0; L2[0] → L3 with APTable=readOnly and UXNTable.
            image.setWord(entry(image, Self.l1, 0) | Descriptor.Bits.apTable.inserting(0b01, into: 0), atPhysicalAddress: Self.l1)
            image.setWord(entry(image, Self.l2, 0) | Descriptor.Bits.apTable.inserting(0b10, into: 0) | Descriptor.Bits.uxnTable.mask,
                          atPhysicalAddress: Self.l2)
            let r0 = image.translate(VirtualAddress(0x1000), access: .read, el: .el0)
            let w1 = image.translate(VirtualAddress(0x1000), access: .write, el: .el1)
            let x0 = image.translate(VirtualAddress(0x1000), access: .execute, el: .el0)
            let r1 = try image.translate(VirtualAddress(0x1000), access: .read, el: .el1).get()
            if hpd {
                #expect(r0.map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
                #expect(w1.map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
                #expect(x0.map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
                #expect(r1.ap == .readWrite && r1.pxn && !r1.uxn)
            } else {
                #expect(r0 == Self.fault(.permission, 3))
                #expect(w1 == Self.fault(.permission, 3))
                #expect(x0 == Self.fault(.permission, 3))
                // AP 01 → APTable[0] clears AP[1], APTable[1] sets AP[2]: 10. No
                // longer EL0-writable, so PXN comes only from the descriptor.
                #expect(r1.ap == .privilegedReadOnly && !r1.pxn && r1.uxn)
            }
            // PXNTable.
            image.setWord(entry(image, Self.root, 0) | Descriptor.Bits.pxnTable.mask, atPhysicalAddress: Self.root)
            let x1 = image.translate(VirtualAddress(0x1000), access: .execute, el: .el1)
            #expect(x1 == Self.fault(.permission, 3))
        }
    }

    @Test func addressSizeFaults() throws {
        // IPS 40 bits: a next-table address at 2^40 is an address size fault at the table's level.
        var c = configuration(ttbr1: nil, ttbr0: .k4, paBits: 40)
        var b = try TableBuilder(c)
        try b.map(MappingRequest(va: VirtualAddress(0x1000), pa: PhysicalAddress(0x8000_1000), size: 0x1000))
        var image = b.image
        image.setWord(entry(image, Self.l1, 0) | 1 << 40, atPhysicalAddress: Self.l1)
        #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1) == Self.fault(.addressSize, 1))
        // An output address beyond IPS: at the leaf's level.
        image = b.image
        image.setWord(entry(image, Self.l3, 1) | 1 << 41, atPhysicalAddress: Self.l3 + 8)
        #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1) == Self.fault(.addressSize, 3))
        // A TTBR base beyond IPS: level 0 (Arm ARM; QEMU ptw.c agrees).
        image = b.image
        image.ttbr0 = TTBR(rawValue: image.ttbr0.rawValue | 1 << 44)
        #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1) == Self.fault(.addressSize, 0))
        // 64K with a 48-bit PA: OA[51:48] in [15:12] must be zero.
        c = configuration(ttbr1: nil, ttbr0: .k64)
        b = try TableBuilder(c)
        try b.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0x8000_0000), size: 0x1_0000))
        image = b.image
        let l3 = image.half(.ttbr0)!.rootAddress + 0x2_0000
        image.setWord(entry(image, l3, 1) | 0x1000, atPhysicalAddress: l3 + 8)
        #expect(image.translate(VirtualAddress(0x1_0000), access: .read, el: .el1) == Self.fault(.addressSize, 3))
    }

    /// Device and Normal Non-cacheable memory is Outer Shareable whatever SH says.
    @Test func effectiveShareability() throws {
        for (index, expected) in [(0, Shareability.outerShareable), (1, .nonShareable), (2, .outerShareable), (4, .nonShareable)] {
            let image = try Self.onePage(MappingAttributes(attrIndx: index, sh: .nonShareable))
            #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1).map(\.sh) == .success(expected))
        }
    }

    /// With HA and HD, DBM=1 makes a read-only page writable (the MMU would clear AP[2]).
    @Test func dirtyBitModifier() throws {
        var image = try Self.onePage(MappingAttributes(attrIndx: 1, ap: .privilegedReadOnly, dbm: true), ha: true)
        #expect(image.translate(VirtualAddress(0x1000), access: .write, el: .el1) == Self.fault(.permission, 3))
        image.tcr[TCR.Field.hd] = 1
        #expect(image.translate(VirtualAddress(0x1000), access: .write, el: .el1).map(\.pa) == .success(PhysicalAddress(0x8000_1000)))
        // The write makes the page dirty: the walk read AP[2]=1 (as AT reports it) and the entry is writable after it.
        let write = try image.translate(VirtualAddress(0x1000), access: .write, el: .el1).get()
        #expect(write.dirtied && write.ap == .privilegedReadOnly && write.permissionsAfter == .privilegedReadWrite)
        let read = try image.translate(VirtualAddress(0x1000), access: .read, el: .el1).get()
        #expect(!read.dirtied && read.permissionsAfter == .privilegedReadOnly)
    }

    /// Layouts set TCR_EL1.HD with `hd`; HD without HA is refused.
    @Test func layoutHardwareDirty() throws {
        let text = #"{"tablesBase":"0x40000000","mair":["normal-wb"],"ha":true,"hd":true,"ttbr0":{"granule":"4k"},"mappings":[{"va":"0x1000","pa":"0x80001000","size":"0x1000","ap":2,"dbm":true}]}"#
        let image = try TableImage(layout: Layout.parse(text))
        #expect(image.tcr[TCR.Field.hd] == 1 && image.tcr[TCR.Field.ha] == 1)
        #expect(image.translate(VirtualAddress(0x1000), access: .write, el: .el1).map(\.permissionsAfter) == .success(.privilegedReadWrite))
        let noHA = #"{"tablesBase":"0x40000000","mair":["normal-wb"],"hd":true,"ttbr0":{"granule":"4k"},"mappings":[]}"#
        #expect(throws: LayoutError.configuration(.dirtyWithoutAccessFlag)) { try TableImage(layout: Layout.parse(noHA)) }
    }

    @Test func faultStatusCodes() {
        #expect(TranslationFault(kind: .translation, level: .three).statusCode == 0b000111)
        #expect(TranslationFault(kind: .addressSize, level: .zero).statusCode == 0b000000)
        #expect(TranslationFault(kind: .accessFlag, level: .two).statusCode == 0b001010)
        #expect(TranslationFault(kind: .permission, level: .one).statusCode == 0b001101)
        #expect(TranslationFault(kind: .translation, level: .minus1).statusCode == 0x2b)
        #expect(TranslationFault(kind: .addressSize, level: .minus1).statusCode == 0x29)
    }

    /// A table the image does not hold ends the walk as not captured, at
    /// the level of the table the walk needed.
    @Test func pointerOutsideImageIsNotCaptured() throws {
        var image = try Self.onePage()
        image.setWord(0x7000_0003, atPhysicalAddress: Self.l2)
        #expect(image.translate(VirtualAddress(0x1000), access: .read, el: .el1) == .failure(.notCaptured(0x7000_0000, level: .three)))
    }
}
