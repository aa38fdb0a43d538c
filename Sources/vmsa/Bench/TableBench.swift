import CReference
import VMSA
import VMSATables

/// The `tables` group: building, walking and translating a 4K, 48-bit TTBR0
/// half against the plain-C reference in Sources/CReference/tables_reference.c,
/// which works on the same flat arena with the same allocation order.
/// - map-4k: 1 GiB of 4K pages (leaf "pages"), per entry.
/// - map-2m: 1 GiB of 2M blocks (leaf "no-contiguous"), 64 such GiBs per builder, per block.
/// - walk: every leaf of 1 GiB of 4K pages through the range walk, per leaf.
/// - walk-sequence: the same through the walk's Sequence form.
/// - translate: 10^6 random VAs in that GiB, EL1 reads, per lookup.
/// - translate-sparse: the same over the same tables held as one segment
///   per table, as a capture holds them (each table found by a search of
///   the segments).
enum TableBench {
    static let gib: UInt64 = 1 << 30
    static let va: UInt64 = 0x40_0000_0000
    static let pa: UInt64 = 0x8000_0000
    /// 2M-aligned but not 1G-aligned, so that map-2m gets 2M blocks, not a 1G block.
    static let pa2m: UInt64 = 0x8020_0000
    static let tablesBase: UInt64 = 0x4000_0000
    static let lookups = 1_000_000
    /// Linux PAGE_KERNEL-like leaf: AttrIndx 0, Inner Shareable, AF, PXN, UXN.
    static let attributes = MappingAttributes(attrIndx: 0, pxn: true, uxn: true)

    static var configuration: RegimeConfiguration {
        RegimeConfiguration(tablesBase: tablesBase, mair: MAIR(rawValue: 0xff), ttbr0: HalfConfiguration(granule: .k4), ttbr1: nil)
    }

    static func cParameters(leafLevel: Int32) -> ref_map_params {
        let format = try! DescriptorFormat(granule: .k4)
        return ref_map_params(page_shift: Int32(Granule.k4.pageShift), input_bits: 48, start_level: 0, tables_base: tablesBase,
                              leaf_level: leafLevel, leaf_bits: attributes.bits(format: format))
    }

    /// The same sampled checksum as `ref_arena_checksum`.
    static func sample(_ w: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var sum = UInt64(w.count)
        var i = 0
        while i < w.count { sum = sum &* 31 &+ w[i]; i += 61 }
        return sum
    }

    /// The 2M block, map-2m's leaf.
    static let blockSize = UInt64(Granule.k4.entrySize(at: .two))

    /// Bytes each workload maps at `scale`: 1 GiB shrunk by `scale`, rounded
    /// down to whole 2M blocks and at least one. Whole blocks because map-4k
    /// needs a 4K multiple and map-2m (the C reference maps blocks only) a 2M
    /// one: 1 GiB / 3 is neither, and the map used to trap on it.
    static func mappedBytes(scale: Int) -> UInt64 {
        max(blockSize, gib / UInt64(scale) / blockSize * blockSize)
    }

    static func cases(scale: Int) -> [BenchCase] {
        let repeats = max(1, 4 / scale)
        let mapped = mappedBytes(scale: scale)
        let count = max(1000, lookups / scale)

        // One prebuilt image for walk and translate.
        var builder = try! TableBuilder(configuration)
        try! builder.map(MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(pa), size: mapped, attributes: attributes, leaf: .pages))
        let image = builder.image
        let rootPA = image.half(.ttbr0)!.rootAddress
        var rng = SplitMix64(seed: 0x7461_626c)
        let vas: [UInt64] = (0..<count).map { _ in va + rng.next() % mapped }
        let pages = Int(mapped / Granule.k4.pageSize)
        let sparse = sparseImage(image)
        let blocks = Int(mapped / blockSize)

        // map-2m maps `gibs` separate GiBs into one builder so that the
        // per-block figure is the mapping, not the builder's setup.
        let gibs = max(1, 64 / scale)
        func mapSwift(_ leaf: LeafPolicy, pa: UInt64, chunks: Int) -> UInt64 {
            var sum: UInt64 = 0
            for _ in 0..<repeats {
                var b = try! TableBuilder(configuration)
                for c in 0..<UInt64(chunks) {
                    try! b.map(MappingRequest(va: VirtualAddress(va &+ c &* gib), pa: PhysicalAddress(pa &+ c &* gib), size: mapped,
                                              attributes: attributes, leaf: leaf))
                }
                sum &+= b.withWords(sample)
            }
            return sum
        }
        func mapC(_ leafLevel: Int32, pa: UInt64, chunks: Int) -> UInt64 {
            var p = cParameters(leafLevel: leafLevel)
            var sum: UInt64 = 0
            for _ in 0..<repeats {
                var arena = ref_arena(words: nil, count: 0, capacity: 0)
                ref_map_begin(&arena, &p)
                for c in 0..<UInt64(chunks) { ref_map_range(&arena, &p, va &+ c &* gib, pa &+ c &* gib, mapped) }
                sum &+= ref_arena_checksum(&arena)
                ref_arena_free(&arena)
            }
            return sum
        }

        // The one C walk both forms of the Swift walk are measured against.
        func walkC() -> (Int, UInt64) {
            var leaves = 0
            let sum = image.withWords { ref_walk($0.baseAddress, tablesBase, rootPA, &leaves) }
            return (leaves, sum)
        }

        return [
            BenchCase(name: "map-4k", unit: "entry",
                      swift: { (repeats * pages, mapSwift(.pages, pa: pa, chunks: 1)) },
                      c: { (repeats * pages, mapC(3, pa: pa, chunks: 1)) }),
            BenchCase(name: "map-2m", unit: "block",
                      swift: { (repeats * blocks * gibs, mapSwift(.noContiguous, pa: pa2m, chunks: gibs)) },
                      c: { (repeats * blocks * gibs, mapC(2, pa: pa2m, chunks: gibs)) }),
            BenchCase(name: "walk", unit: "leaf",
                      swift: { walkSwift(image) },
                      c: walkC),
            BenchCase(name: "walk-sequence", unit: "leaf",
                      swift: { walkSequenceSwift(image) },
                      c: walkC),
            BenchCase(name: "translate", unit: "lookup",
                      swift: { (count, translateSwift(image, vas)) },
                      c: {
                          let sum = image.withWords { w in
                              vas.withUnsafeBufferPointer { ref_translate_loop(w.baseAddress, tablesBase, rootPA, $0.baseAddress, $0.count) }
                          }
                          return (count, sum)
                      }),
            BenchCase(name: "translate-sparse", unit: "lookup",
                      swift: { (count, translateSwift(sparse, vas)) },
                      c: {
                          var segments: [ref_segment] = []
                          sparse.forEachSegment { base, words in
                              segments.append(ref_segment(base: base, count: UInt64(words.count), words: words.baseAddress))
                          }
                          let sum = vas.withUnsafeBufferPointer { v in
                              segments.withUnsafeBufferPointer { ref_translate_sparse_loop($0.baseAddress, $0.count, rootPA, v.baseAddress, v.count) }
                          }
                          return (count, sum)
                      }),
        ]
    }

    /// `image`'s tables as one segment each, at the same addresses.
    static func sparseImage(_ image: TableImage) -> TableImage {
        let table = Int(Granule.k4.entriesPerTable)
        let words = image.words
        let segments = stride(from: 0, to: words.count, by: table).map { i in
            (base: image.tablesBase &+ UInt64(i) &* DescriptorLayout.bytes, words: Array(words[i..<min(i + table, words.count)]))
        }
        return try! TableImage(regime: image.regime, segments: segments)
    }

    /// The same fold as `ref_walk` in tables_reference.c: each leaf's VA
    /// and PA (the bench maps pages only, one item per page).
    @inline(never)
    static func walkSwift(_ image: TableImage) -> (Int, UInt64) {
        var sum: UInt64 = 0
        var leaves = 0
        image.walk(.ttbr0).forEach { item in
            guard item.isLeaf else { return }
            sum = sum &* 31 &+ (item.va.rawValue ^ item.pa.rawValue)
            leaves &+= item.entries
        }
        return (leaves, sum)
    }

    /// `walkSwift` through the Sequence form (`for item in walk`).
    @inline(never)
    static func walkSequenceSwift(_ image: TableImage) -> (Int, UInt64) {
        var sum: UInt64 = 0
        var leaves = 0
        for item in image.walk(.ttbr0) where item.isLeaf {
            sum = sum &* 31 &+ (item.va.rawValue ^ item.pa.rawValue)
            leaves &+= item.entries
        }
        return (leaves, sum)
    }

    /// The same fold as `ref_translate_loop`: the PA, or kind * 8 + level + 1 for a fault.
    @inline(never)
    static func translateSwift(_ image: TableImage, _ vas: [UInt64]) -> UInt64 {
        var sum: UInt64 = 0
        for v in vas {
            switch image.translate(VirtualAddress(v), access: .read, el: .el1) {
            case .success(let t): sum &+= t.pa.rawValue
            case .failure(let f):
                let kind: UInt64
                switch f.kind {
                case .translation: kind = 0
                case .accessFlag: kind = 1
                case .permission: kind = 2
                case .addressSize: kind = 3
                case .notCaptured: kind = 4
                }
                sum &+= kind &* 8 &+ UInt64(f.level.rawValue &+ 1)
            }
        }
        return sum
    }
}
