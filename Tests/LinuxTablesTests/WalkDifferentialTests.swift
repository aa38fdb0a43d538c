import Testing
import VMSA
import VMSATables
@testable import LinuxTables

/// One walk core, three readers: on images with planted faults, `translate`,
/// the range walk and the equivalence checker's walk give the same answer
/// for every probed VA.
struct WalkDifferentialTests {
    typealias B = Descriptor.Bits

    /// Where a plant goes: the walk trace of `va` (table, index) at `level`.
    static func entry(_ image: TableImage, _ va: UInt64, level: Level) -> UInt64 {
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        guard case .success(var table)? = image.regime.root(ttbr, in: image) else { fatalError("no root") }
        while table.level < level {
            guard case .success(let next)? = image.regime.child(of: table, at: table.index(of: va), in: image) else { fatalError("no table for \(Hex.format(va)) at \(table.level)") }
            table = next
        }
        return table.entryAddress(table.index(of: va))
    }

    /// A 4K 48-bit TTBR0 and a 64K TTBR1 regime with a 40-bit IPS: pages,
    /// blocks and contiguous runs, then a fault of every kind planted.
    static func planted48() throws -> TableImage {
        let config = RegimeConfiguration(tablesBase: 0x4000_0000, paBits: 40, mair: MAIR(rawValue: 0x0000_0004_0044_ffff),
                                         ttbr0: HalfConfiguration(granule: .k4, vaBits: 48),
                                         ttbr1: HalfConfiguration(granule: .k64, vaBits: 48))
        var b = try TableBuilder(config)
        let user = MappingAttributes(ap: .readWrite, ng: true, pxn: true, uxn: true)
        try b.map(MappingRequest(va: VirtualAddress(0x40_0000), pa: PhysicalAddress(0x8000_0000), size: 0x1f_0000, attributes: user))
        try b.map(MappingRequest(va: VirtualAddress(0x1000_0000), pa: PhysicalAddress(0x9000_0000), size: 0x40_0000))
        try b.map(MappingRequest(va: VirtualAddress(0x4000_0000), pa: PhysicalAddress(0xc000_0000), size: 0x4000_0000))
        try b.map(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000), pa: PhysicalAddress(0x1_0000_0000), size: 0x40_0000))
        var image = b.image
        func plant(_ va: UInt64, _ level: Level, _ change: (UInt64) -> UInt64) {
            let at = entry(image, va, level: level)
            let planted = image.setWord(change(image.word(atPhysicalAddress: at)!), atPhysicalAddress: at)
            #expect(planted)
        }
        plant(0x40_1000, .three) { $0 & ~B.af.mask }                              // AF=0
        plant(0x40_2000, .three) { $0 | 1 << 41 }                                 // OA beyond the 40-bit IPS
        plant(0x41_3000, .three) { $0 ^ 0x10_0000 }                               // a broken contiguous run
        plant(0x42_0000, .three) { $0 & ~B.contiguous.mask }                      // a run missing one CONT bit
        plant(0x1000_0000, .two) { $0 | 0x10_0000 }                               // a 2M block with OA bit 20 (RES0) set
        // Level 0 entries 1-3 (512 GiB each) are free.
        plant(0x80_0000_0000, .zero) { _ in 0x80_0000_0001 }                      // a block at 4K level 0: illegal
        plant(0x100_0000_0000, .zero) { _ in 0x7000_0003 }                        // a table outside memory
        plant(0x180_0000_0000, .zero) { _ in 0x100_0000_0003 }                    // a table beyond the output size
        plant(0xffff_0000_0001_0000, .three) { $0 & ~B.valid.mask }               // invalid in the 64K half
        return image
    }

    /// 4K with DS=1 and 52-bit VA: start at level -1, a sub-page root
    /// (16 entries, 128 bytes, not at the start of its page) and level -1
    /// faults.
    static func plantedLevelMinus1() throws -> TableImage {
        let config = RegimeConfiguration(tablesBase: 0x4000_0000, paBits: 52, ds: true, mair: MAIR(rawValue: 0xff),
                                         ttbr0: HalfConfiguration(granule: .k4, vaBits: 52), ttbr1: nil)
        var b = try TableBuilder(config)
        try b.map(MappingRequest(va: VirtualAddress(0x40_0000), pa: PhysicalAddress(0x8000_0000), size: 0x10_0000))
        try b.map(MappingRequest(va: VirtualAddress(0x8_0000_0000_0000), pa: PhysicalAddress(0x8_0000_0000_0000), size: 0x20_0000))
        var image = b.image
        let root = image.half(.ttbr0)!.rootAddress
        #expect(image.half(.ttbr0)!.startLevel == .minus1 && image.half(.ttbr0)!.rootEntries == 16)
        // Move the root 0x80 bytes up its page (as Linux's LPA2 roots sit) and point TTBR0 there.
        for i in 0..<16 {
            let w = image.word(atPhysicalAddress: root + UInt64(i) * 8)!
            image.setWord(w, atPhysicalAddress: root + 0x80 + UInt64(i) * 8)
            image.setWord(0, atPhysicalAddress: root + UInt64(i) * 8)
        }
        image.ttbr0 = TTBR(baseAddress: root + 0x80, fiftyTwoBit: true)
        #expect(image.half(.ttbr0)!.rootAddress == root + 0x80)
        image.setWord(0x9_0000_0000_0001, atPhysicalAddress: root + 0x80 + 2 * 8)       // a block at level -1: illegal
        image.setWord(0x7000_0003, atPhysicalAddress: root + 0x80 + 3 * 8)              // a table outside memory
        return image
    }

    /// Probes: the first, middle and last VA of every range-walk item, and
    /// random VAs of each half.
    static func probes(_ image: TableImage) -> [UInt64] {
        var out: [UInt64] = []
        var rng = SplitMix64(seed: 9)
        for t in TranslationTableBase.allCases {
            guard let h = image.half(t) else { continue }
            for item in image.walk(t) { out += [item.va.rawValue, item.va.rawValue &+ item.size / 2, item.lastVA] }
            for _ in 0..<2000 { out.append(h.vaRange.lowerBound &+ (rng.next() & (h.vaRange.upperBound &- h.vaRange.lowerBound))) }
        }
        return out
    }

    @Test(arguments: ["48-bit with plants", "level -1 with a sub-page root"])
    func translateRangeWalkAndCheckerAgree(name: String) throws {
        let image = name.hasPrefix("48") ? try Self.planted48() : try Self.plantedLevelMinus1()
        let runs = image.contiguousRunProblems()
        // The OA beyond the IPS, the moved OA, the missing CONT bit and the
        // invalid 64K entry each break their run; AF=0 alone does not.
        if name.hasPrefix("48") { #expect(runs.count == 4) }
        var kinds = Set<String>()
        for va in Self.probes(image) {
            let t: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
            let translated = image.translate(VirtualAddress(va), access: .read, el: .el1)
            guard let item = image.walk(t, range: va...va).first(where: { _ in true }) else {
                Issue.record("no walk item for \(Hex.format(va))"); continue
            }
            let checked = EquivalenceChecker.result(image.regime, image, va, runs: runs)
            switch (translated, item.fault) {
            case (.failure(let f), let hole?):
                kinds.insert(f.kind.rawValue)
                #expect(f == hole, "\(Hex.format(va)): translate \(f), range walk \(hole)")
                if f.kind == .notCaptured {
                    #expect(checked == .misprogrammed(f.description))
                } else {
                    #expect(checked == .fault(f), "\(Hex.format(va)): checker \(checked)")
                }
            case (.failure(let f), nil):
                // The range walk yields an AF=0 leaf; translation faults on it.
                kinds.insert(f.kind.rawValue)
                #expect(f.kind == .accessFlag && item.attributes?.af == false, "\(Hex.format(va)): \(f) vs \(item)")
                #expect(checked == .fault(f))
            case (.success(let s), nil):
                kinds.insert("mapped")
                #expect(s.pa == item.pa, "\(Hex.format(va)): \(s.pa) vs \(item.pa)")
                #expect(s.level == item.level && s.attributes == item.attributes)
                if image.half(t)!.address(of: s.descriptor.rawValue) & (s.size - 1) != 0 {
                    kinds.insert("misalignedBlock")
                    guard case .misprogrammed = checked else { Issue.record("\(Hex.format(va)): a misaligned block gives \(checked)"); continue }
                } else if runs.contains(where: { $0.covers(va, ttbr: t) }) {
                    kinds.insert("brokenRun")
                    guard case .misprogrammed = checked else { Issue.record("\(Hex.format(va)): a broken run gives \(checked)"); continue }
                } else {
                    guard case .mapped(let m, let level) = checked else { Issue.record("\(Hex.format(va)): checker \(checked)"); continue }
                    #expect(m.pa == s.pa.rawValue && level == s.level.rawValue)
                }
            case (.success(let s), let hole?):
                Issue.record("\(Hex.format(va)): translate maps it to \(s.pa), the range walk has a hole \(hole)")
            }
        }
        // Every planted kind was reached by some probe.
        let expected: Set<String> = name.hasPrefix("48")
            ? ["mapped", "brokenRun", "misalignedBlock", "translation", "accessFlag", "addressSize", "notCaptured"]
            : ["mapped", "translation", "notCaptured"]
        #expect(kinds == expected)
    }

    /// What the walk does not stop at is named where the walk is shown.
    @Test func translateNamesBrokenRunsAndRES0Bits() throws {
        let image = try Self.planted48()
        let runs = image.contiguousRunProblems()
        func problems(_ va: UInt64) throws -> [String] {
            image.regime.problems(of: try image.translate(VirtualAddress(va), access: .read, el: .el1).get(), runs: runs)
        }
        #expect(try problems(0x1000_0000) == ["RES0 bits set: 0x100000"])
        #expect(try problems(0x41_0000) == ["broken contiguous run: entry 3 maps 0x80113000, expected 0x80013000"])
        #expect(try problems(0x42_5000) == ["broken contiguous run: not every entry is a valid leaf with the Contiguous bit"])
        #expect(try problems(0x43_0000) == [])
        // The tree dump flags the same leaves.
        let tree = TreeDump.lines(image, halves: [.ttbr0])
        #expect(tree.contains { $0.contains("0x0000000010000000-0x00000000101fffff L2 block 2 MiB") && $0.hasSuffix("[RES0 bits set: 0x100000]") })
        #expect(tree.filter { $0.hasSuffix("[broken contiguous run: entry 3 maps 0x80113000, expected 0x80013000]") }.count >= 1)
    }
}
