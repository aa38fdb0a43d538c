import Testing
import PropertyBased
import VMSA
@testable import VMSATables

/// One (TTBR1 granule, TTBR0 granule) combination.
struct GranulePair: Sendable, CustomTestStringConvertible {
    let ttbr1: Granule
    let ttbr0: Granule
    var testDescription: String { "TTBR1 \(ttbr1), TTBR0 \(ttbr0)" }
    static let all: [GranulePair] = Granule.allCases.flatMap { g1 in Granule.allCases.map { GranulePair(ttbr1: g1, ttbr0: $0) } }
}

/// Random layouts in every granule pair: every mapped page translates to its
/// PA with its attributes for every access, unmapped VAs fault at the level
/// where the walk runs out, the walk tiles the ranges, and images reload
/// identically.
@Suite struct PropertyTests {
    @Test(arguments: GranulePair.all)
    func randomLayouts(pair: GranulePair) async throws {
        await propertyCheck(count: 12, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            check(RandomLayout.make(seed: seed, ttbr1: pair.ttbr1, ttbr0: pair.ttbr0), seed: seed)
        }
    }

    @Test(arguments: GranulePair.all)
    func randomFiftyTwoBitLayouts(pair: GranulePair) async throws {
        await propertyCheck(count: 4, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            check(RandomLayout.make(seed: seed, ttbr1: pair.ttbr1, ttbr0: pair.ttbr0, fiftyTwo: true), seed: seed)
        }
    }

    @Test(arguments: Granule.allCases)
    func singleHalf(granule: Granule) async throws {
        await propertyCheck(count: 6, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            check(RandomLayout.make(seed: seed, ttbr1: nil, ttbr0: granule), seed: seed)
            check(RandomLayout.make(seed: seed, ttbr1: granule, ttbr0: nil), seed: seed)
        }
    }

    func check(_ layout: Layout, seed: UInt64) {
        let image: TableImage
        do { image = try TableImage(layout: layout) } catch {
            Issue.record("seed \(seed): build failed: \(error)")
            return
        }
        let model = LayoutModel(layout: layout, image: image)
        var rng = SplitMix(seed: seed ^ 0x5eed)
        let accesses: [(AccessKind, ExceptionLevel)] = AccessKind.allCases.flatMap { a in ExceptionLevel.allCases.map { (a, $0) } }

        func expectSame(_ va: UInt64, _ access: AccessKind, _ el: ExceptionLevel) {
            let got = image.translate(VirtualAddress(va), access: access, el: el)
            let want = model.expected(va, access: access, el: el)
            #expect(got == want, "seed \(seed) va \(Hex.format(va)) \(access) EL\(el.rawValue)")
        }

        // Mapped: every page (or 256 random pages of big mappings), at a random offset, all accesses for some.
        for m in layout.mappings {
            let page = model.halfConfiguration(m.va.rawValue)!.1.granule.pageSize
            let pages = m.size / page
            let sample: [UInt64] = pages <= 256 ? Array(0..<pages) : (0..<256).map { _ in rng.next() % pages } + [0, pages - 1]
            for p in sample {
                let va = m.va.rawValue + p * page + rng.next() % page
                expectSame(va, .read, .el1)
                if p % 17 == 0 { for (a, el) in accesses { expectSame(va, a, el) } }
            }
            expectSame(m.va.rawValue, .read, .el1)
            expectSame(m.lastVA, .read, .el1)
            // Neighbours of the mapping.
            for va in [m.va.rawValue &- 1, m.lastVA &+ 1] where model.mapping(at: va) == nil {
                expectSame(va, .read, .el1)
            }
        }
        // Unmapped VAs across both halves (and outside them).
        for _ in 0..<300 {
            var va = rng.next()
            switch rng.next() % 3 {
            case 0: va &= (1 << 48) - 1
            case 1: va |= 0xffff_0000_0000_0000
            default: break
            }
            expectSame(va, .read, .el1)
        }

        // The walk tiles each half: leaves cover exactly the mapped bytes.
        var mappedBytes: UInt64 = 0
        for t in TranslationTableBase.allCases where image.half(t) != nil {
            var cursor = image.half(t)!.vaRange.lowerBound
            for item in image.walk(t, mergingNeighbours: true) {
                #expect(item.va.rawValue == cursor, "seed \(seed): walk gap at \(Hex.format(cursor))")
                cursor = item.lastVA &+ 1
                if item.isLeaf {
                    mappedBytes += item.size
                    guard let m = model.mapping(at: item.va.rawValue) else {
                        Issue.record("seed \(seed): walk leaf at unmapped \(item.va)")
                        continue
                    }
                    #expect(item.lastVA <= m.lastVA)
                    #expect(item.pa.rawValue == m.pa.rawValue + (item.va.rawValue - m.va.rawValue))
                }
            }
            #expect(cursor == image.half(t)!.vaRange.upperBound &+ 1)
        }
        #expect(mappedBytes == layout.mappings.reduce(0) { $0 + $1.size }, "seed \(seed)")

        // Reload identically.
        let file = image.serialized()
        do {
            let reloaded = try TableImage.load(file)
            #expect(reloaded == image, "seed \(seed)")
            #expect(reloaded.serialized() == file)
        } catch {
            Issue.record("seed \(seed): reload failed: \(error)")
        }
    }

    /// Unmap and protect over random sub-ranges keep every other page as it
    /// was, and do to the range exactly what was asked.
    @Test(arguments: Granule.allCases)
    func unmapAndProtect(granule: Granule) async throws {
        await propertyCheck(count: 15, input: Gen.uint64(in: 0...UInt64.max)) { seed in
            var rng = SplitMix(seed: seed)
            let page = granule.pageSize
            let l2 = granule.entrySize(at: .two)
            var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: granule))
            // Two L2 blocks' worth (blocks and runs) at an aligned VA.
            let va0 = l2 * 4, pa0 = l2 * 8
            try b.map(MappingRequest(va: VirtualAddress(va0), pa: PhysicalAddress(pa0), size: 2 * l2, attributes: MappingAttributes(attrIndx: 1)))
            let pages = 2 * l2 / page
            let start = rng.next() % pages
            let count = 1 + rng.next() % min(pages - start, 300)
            let va = va0 + start * page, size = count * page
            let protect = rng.next() % 2 == 0
            let newAttributes = MappingAttributes(attrIndx: 2, ap: .readOnly, uxn: true)
            if protect { try b.protect(VirtualAddress(va), size: size, attributes: newAttributes) }
            else { try b.unmap(VirtualAddress(va), size: size) }
            let image = b.image
            try image.validateTables()
            for _ in 0..<400 {
                let p = rng.next() % pages
                let v = va0 + p * page + rng.next() % page
                let r = image.translate(VirtualAddress(v), access: .read, el: .el1)
                let inside = v >= va && v < va + size
                if inside && !protect {
                    #expect(r.map(\.pa) == .failure(TranslationFault(kind: .translation, level: .three)) || r.map(\.pa) == .failure(TranslationFault(kind: .translation, level: .two)))
                } else {
                    #expect(r.map(\.pa) == .success(PhysicalAddress(pa0 + (v - va0))), "seed \(seed)")
                    #expect(r.map(\.attrIndx) == .success(inside ? 2 : 1), "seed \(seed)")
                }
            }
            // A run that is only partly inside loses the bit on all its entries.
            for item in image.walk(.ttbr0) where item.isLeaf && item.attributes!.contiguous {
                #expect(item.entries == granule.contiguousCount(at: item.level))
                let fullyInside = item.va.rawValue >= va && item.lastVA < va + size
                let fullyOutside = item.lastVA < va || item.va.rawValue >= va + size
                #expect(fullyInside || fullyOutside, "seed \(seed): run at \(item.va) straddles the change")
            }
        }
    }
}
