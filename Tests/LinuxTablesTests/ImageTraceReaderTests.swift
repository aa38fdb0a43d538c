import Testing
import VMSA
import VMSATables
@testable import LinuxTables

/// `ImageTraceReader`: a Linux table read back from its image becomes the
/// operations that rebuild it exactly, in either kernel's layout.
struct ImageTraceReaderTests {
    static let base: UInt64 = 0x7f00_0000_0000
    static let page = LinuxKernel.granule.pageSize
    static let written = LinuxPTE(LinuxProtection.sharedRW).mkdirty().mkwrite()

    /// Every non-none leaf slot of the image's TTBR0 half by (VA, level): an
    /// oracle that reads the tables through the walk core, not through the reader.
    static func leafSlots(_ image: TableImage) -> [UInt64: (level: Int, raw: UInt64)] {
        var out: [UInt64: (level: Int, raw: UInt64)] = [:]
        guard case .success(let root)? = image.regime.root(.ttbr0, in: image) else { return out }
        var stack = [root]
        while let t = stack.popLast() {
            for i in 0..<t.count where t[i] != 0 {
                if case .success(let c)? = image.regime.child(of: t, at: i, in: image) { stack.append(c) } else { out[t.va(of: i)] = (t.level.rawValue, t[i]) }
            }
        }
        return out
    }

    /// The physical address of the slot that maps `va` at `level`.
    static func slotAddress(_ image: TableImage, _ va: UInt64, level: Level) -> UInt64? {
        guard case .success(var t)? = image.regime.root(.ttbr0, in: image) else { return nil }
        while t.level < level {
            guard case .success(let c)? = image.regime.child(of: t, at: t.index(of: va), in: image) else { return nil }
            t = c
        }
        return t.entryAddress(t.index(of: va))
    }

    static func read(_ image: TableImage, _ version: LinuxVersion) throws -> ([TableOperation], ImageTraceReader.Summary) {
        var ops: [TableOperation] = []
        let summary = try ImageTraceReader(version: version).read(image.regime, in: image) { ops.append($0) }
        return (ops, summary)
    }

    @Test func modelTablesRoundTripThroughTheirImage() throws {
        let p = try ProcessTables(native: .k64)
        let b = Self.base, page = Self.page
        let shared = Self.written.rawValue
        try p.setPTEs(VirtualAddress(b), LinuxPTE(pfn: 0x41200, prot: shared), nr: 16)               // contpte folds it
        try p.setPTEs(VirtualAddress(b + 16 * page), LinuxPTE(pfn: 0x50003, prot: shared), nr: 3)
        try p.setPTEs(VirtualAddress(b + 32 * page), LinuxPTE(pfn: 0x60000, prot: LinuxProtection.readOnly), nr: 4)
        try p.modifyProt(VirtualAddress(b + 32 * page), nr: 4, prot: LinuxProtection.none)           // PROT_NONE
        try p.setSwap(VirtualAddress(b + 48 * page), nr: 8, entry: SwapEntry(type: 1, offset: 0x100, exclusive: true))
        try p.setSwap(VirtualAddress(b + 56 * page), nr: 1, entry: SwapEntry(type: SwapType.migrationWrite, offset: 0x41010))
        let pmd = LinuxPTE(pfn: 0x41400, prot: LinuxProtection.section(LinuxProtection.sharedRW)).rawValue
        try p.setPMD(VirtualAddress(b + 0x20_0000), LinuxPTE(pmd))
        let pud: UInt64 = 0x0068_0000_8000_0fc1
        try p.setPUD(VirtualAddress(0x7f00_4000_0000), LinuxPTE(pud))
        let image = p.linuxImage()
        #expect(LinuxPTEBits.cont.isSet(Self.leafSlots(image)[b]!.raw))               // folded in the table

        let (ops, summary) = try Self.read(image, .v6_12)
        let protNone = LinuxPTE(pfn: 0x60000, prot: LinuxProtection.readOnly).modify(LinuxProtection.none)
        #expect(ops == [
            .setPTEs(va: VirtualAddress(b), pte: LinuxPTE(pfn: 0x41200, prot: shared).rawValue, nr: 16),  // PTE_CONT left to contpte
            .setPTEs(va: VirtualAddress(b + 16 * page), pte: LinuxPTE(pfn: 0x50003, prot: shared).rawValue, nr: 3),
            .setPTEs(va: VirtualAddress(b + 32 * page), pte: protNone.rawValue, nr: 4),
            .setSwap(va: VirtualAddress(b + 48 * page), nr: 8, entry: SwapEntry(type: 1, offset: 0x100, exclusive: true)),
            .setSwap(va: VirtualAddress(b + 56 * page), nr: 1, entry: SwapEntry(type: SwapType.migrationWrite, offset: 0x41010)),
            .setPMD(va: VirtualAddress(b + 0x20_0000), pmd: pmd),
            .setPUD(va: VirtualAddress(0x7f00_4000_0000), pud: pud),
        ])
        #expect(summary.operations == ops.count)
        #expect(summary.entries == 16 + 3 + 4 + 8 + 1 + 1 + 1)
        #expect(summary.tablesRead == 4 && summary.notCaptured.isEmpty && summary.unsupported == 0 && summary.aboveVALimit == 0)

        let replayed = try ProcessTables(native: .k64)
        for op in ops { try replayed.apply(op) }
        let before = Self.leafSlots(image), after = Self.leafSlots(replayed.linuxImage())
        #expect(before.count == after.count)
        for (va, slot) in before {
            #expect(after[va]?.level == slot.level && after[va]?.raw == slot.raw,
                    "\(Hex.format(va)): \(Hex.format(slot.raw)) became \(after[va].map { Hex.format($0.raw) } ?? "none")")
        }
        #expect(try EquivalenceChecker.check(replayed).equivalent)
    }

    @Test func v61EntriesAreReadAsV61MeansThem() throws {
        let p = try ProcessTables(native: .k16)
        let b = Self.base + 0x40_0000, page = Self.page
        try p.allocPTE(VirtualAddress(b))
        try p.setPMD(VirtualAddress(b + 0x20_0000), LinuxPTE(0x0068_0000_4140_0fc1))
        var image = p.linuxImage()
        let pte = Self.slotAddress(image, b, level: .three)!
        func put(_ raw: UInt64, at pa: UInt64) {
            let stored = image.setWord(raw, atPhysicalAddress: pa)
            #expect(stored)
        }
        func put(_ raw: UInt64, slot: UInt64) { put(raw, at: pte + slot * DescriptorLayout.bytes) }
        put(LinuxVersionTests.v61ProtNone, slot: 0)                      // PROT_NONE, PFN 0x41200
        put(LinuxVersionTests.v61ProtNone + 0x1000, slot: 1)             // PFN 0x41201
        put(0x2_0008, slot: 2)                                           // swap type 1, offset 0x200
        put(0x2_0108, slot: 3)                                           // offset 0x201
        put(0x412_00f8, slot: 4)                                         // SWP_SWAPIN_ERROR
        put(0x0868_0000_4140_0fc0, at: Self.slotAddress(image, b + 0x20_0000, level: .two)!)   // pmd_mkinvalid

        let (ops, summary) = try Self.read(image, .v6_1)
        #expect(ops == [
            .setPTEs(va: VirtualAddress(b), pte: LinuxPTE(pfn: 0x41200, prot: LinuxProtection.none).rawValue, nr: 2),
            .setSwap(va: VirtualAddress(b + 2 * page), nr: 2, entry: SwapEntry(type: 1, offset: 0x200)),
            .setSwap(va: VirtualAddress(b + 4 * page), nr: 1, entry: SwapEntry(type: SwapType.marker, offset: SwapType.markerPoisoned)),
            .setPMD(va: VirtualAddress(b + 0x20_0000), pmd: LinuxPTE(0x0068_0000_4140_0fc1).mkinvalid().rawValue),
        ])
        #expect(summary.entries == 6 && summary.unsupported == 0)

        let replayed = try ProcessTables(native: .k16)
        for op in ops { try replayed.apply(op) }
        #expect(replayed.linux.lookup(VirtualAddress(b)).entry == .present(pfn: 0x41200, valid: false))
        #expect(replayed.linux.lookup(VirtualAddress(b + 3 * page)).entry == .swap(type: 1, offset: 0x201, exclusive: false))
        #expect(replayed.linux.lookup(VirtualAddress(b + 4 * page)).entry == .marker(SwapType.markerPoisoned))
        #expect(replayed.linux.lookup(VirtualAddress(b + 0x20_0000)) == (.present(pfn: 0x41400, valid: false), .two))

        // Read as v6.12, the same swap slots mean other things.
        let (other, _) = try Self.read(image, .v6_12)
        #expect(other != ops)
    }

    @Test func anotherGranuleIsRefused() throws {
        let tcr = ProcessTables.tcr(granule: .k16, inputBits: 48)
        let image = TableImage(tablesBase: 0x4000_0000, tcr: tcr, mair: LinuxKernel.mair, ttbr0: TTBR(baseAddress: 0x4000_0000),
                               ttbr1: TTBR(rawValue: 0), words: [UInt64](repeating: 0, count: 2048))
        #expect(throws: ImageTraceReader.Failure.granule(.k16)) { try Self.read(image, .v6_12) }
        #expect(ImageTraceReader.Failure.granule(.k16).description
            == "the image's TTBR0 half uses the 16K granule; the Linux model reads 4K tables (TG0 = 4K)")
    }

    @Test func aTableNotCapturedIsNotedNotFatal() throws {
        let tcr = ProcessTables.tcr(granule: .k4, inputBits: 48)
        var root = [UInt64](repeating: 0, count: LinuxKernel.entriesPerTable)
        root[0xfe] = 0x7000_0000 | Descriptor.Bits.type.mask                  // a table the image lacks
        let image = TableImage(tablesBase: 0x4000_0000, tcr: tcr, mair: LinuxKernel.mair, ttbr0: TTBR(baseAddress: 0x4000_0000),
                               ttbr1: TTBR(rawValue: 0), words: root)
        let (ops, summary) = try Self.read(image, .v6_12)
        #expect(ops.isEmpty)
        #expect(summary.notCaptured.map(\.table) == [0x7000_0000] && summary.notCaptured.map(\.level) == [.one])
        #expect(summary.tablesRead == 1)
    }
}
