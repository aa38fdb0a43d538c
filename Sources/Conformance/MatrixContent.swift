import CShims
import VMSA
import VMSATables

/// Draws a configuration's content from a seed: per present half, blocks at
/// every legal level, contiguous runs, pages with every AP/PXN/UXN
/// combination, AF=0 leaves, Device and Non-cacheable memory, pages in RAM,
/// hierarchical table attributes, and one region per planted fault; then
/// the probe addresses.
struct MatrixContent {
    var rng: SplitMix64
    let spec: MatrixConfiguration

    /// A mapped region of VA space and what it is for.
    struct Region {
        var va: UInt64
        var size: UInt64
        var level: Level
        /// Entry size at `level` (boundaries worth probing).
        var entrySize: UInt64
        /// Starts with a whole contiguous run.
        var isRun = false
    }

    /// Unassigned physical memory for leaves (real accesses end in an
    /// external abort): above virt RAM, within the output size.
    struct PhysicalAllocator {
        var next: UInt64
        let limit: UInt64
        mutating func take(_ size: UInt64, align: UInt64) -> UInt64? {
            let pa = (next &+ (align &- 1)) & ~(align &- 1)
            guard pa >= next, pa &+ size > pa, pa &+ size <= limit else { return nil }
            next = pa &+ size
            return pa
        }
    }

    /// RAM the probe may touch for real accesses (below itself, well above
    /// any configuration's tables).
    static let scratchRAM: UInt64 = 0x8000_0000
    /// Where leaves go when the PA size allows more than 32 bits: the first
    /// address above 4 GiB, unassigned on the virt board with highmem=off.
    static let unassignedAbove4G: UInt64 = 0x1_0000_0000
    /// Leaves placed here in a 52-bit PA space carry OA[51:48] (0xb).
    static let unassignedHigh52: UInt64 = 0x000b_0000_0000_0000

    mutating func prepare(probes: Int) throws(ConformanceError) -> PreparedConfiguration {
        let config = spec.configuration
        let empty: TableBuilder
        do { empty = try TableBuilder(config) } catch { throw .layoutRejected("\(spec.name): \(error)") }
        let geometry = empty.image
        var mappings: [MappingRequest] = []
        var tables: [TableAttributeRequest] = []
        var regions: [Region] = []
        var plantPlans: [(Plant.Kind, Level, Int?, UInt64)] = []
        var ramNext = Self.scratchRAM

        for ttbr in TranslationTableBase.allCases {
            guard let h = geometry.half(ttbr) else { continue }
            var pa = PhysicalAllocator(next: h.outputBits > 32 ? Self.unassignedAbove4G : UInt64(VMSA_MMU_RAM_END),
                                       limit: h.outputBits >= 64 ? .max : 1 &<< UInt64(h.outputBits))
            // A second allocator high in a 52-bit PA space, for OA[51:48].
            var highPA = PhysicalAllocator(next: Self.unassignedHigh52, limit: 1 &<< 52)
            let span = h.vaRange.upperBound &- h.vaRange.lowerBound
            // Mappings use the lower half of the range; the rest stays holes
            // (and a free start-level entry for the probe's stub graft).
            var cursor = h.vaRange.lowerBound
            let limit = h.vaRange.lowerBound &+ span / 2
            let page = h.granule.pageSize
            let levels = h.startLevel.rawValue...3

            func place(_ size: UInt64, align: UInt64, own: UInt64 = 0) -> UInt64? {
                let va = (cursor &+ (align &- 1)) & ~(align &- 1)
                guard va >= cursor, va &+ size > va, va &+ size <= limit, size <= span / 4 else { return nil }
                cursor = va &+ size
                if own > 0 { cursor = (cursor &+ (own &- 1)) & ~(own &- 1) }
                // A gap of a few pages, so that holes sit next to every region.
                cursor &+= page &* UInt64.random(in: 0...3, using: &rng)
                return va
            }
            func attributes(ds: Bool) -> MappingAttributes {
                var a = MappingAttributes(attrIndx: Int.random(in: 0..<5, using: &rng),
                                          ap: AccessPermissions(rawValue: UInt64.random(in: 0...3, using: &rng))!,
                                          sh: ds ? .innerShareable : Shareability(rawValue: [0, 2, 3].randomElement(using: &rng)!)!,
                                          af: Int.random(in: 0..<6, using: &rng) != 0, ng: Bool.random(using: &rng),
                                          pxn: Bool.random(using: &rng), uxn: Bool.random(using: &rng))
                a.dbm = config.hardwareAccessFlag && Bool.random(using: &rng)
                return a
            }
            func map(_ va: UInt64, _ oa: UInt64, _ size: UInt64, _ level: Level, _ a: MappingAttributes, _ leaf: LeafPolicy) {
                mappings.append(MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(oa), size: size, attributes: a, leaf: leaf))
                regions.append(Region(va: va, size: size, level: level, entrySize: h.granule.entrySize(at: level)))
            }
            let ds = h.format.ds

            // Leaves at every level: blocks where legal, pages at level 3,
            // and contiguous runs where the granule has them.
            for l in levels {
                let level = Level(uncheckedRawValue: l)
                guard level.isLast || h.buildsBlocks(at: level) else { continue }
                let entry = h.granule.entrySize(at: level)
                let count = UInt64.random(in: 1...2, using: &rng)
                let useHigh = h.outputBits == 52 && Bool.random(using: &rng)
                if let va = place(entry * count, align: entry) {
                    let oa = useHigh ? highPA.take(entry * count, align: entry) : pa.take(entry * count, align: entry)
                    if let oa {
                        map(va, oa, entry * count, level, attributes(ds: ds), Bool.random(using: &rng) ? .auto : .noContiguous)
                    }
                }
                // A second leaf at this level, with AF=0.
                if let va = place(entry, align: entry), let oa = pa.take(entry, align: entry) {
                    var a = attributes(ds: ds)
                    a.af = false
                    map(va, oa, entry, level, a, .noContiguous)
                }
                if let n = h.granule.contiguousCount(at: level) {
                    let run = entry * UInt64(n)
                    // A whole run plus a few entries that cannot be one.
                    let size = run + entry * UInt64.random(in: 0...3, using: &rng)
                    if let va = place(size, align: run), let oa = pa.take(size, align: run) {
                        map(va, oa, size, level, attributes(ds: ds), .auto)
                        regions[regions.count - 1].isRun = true
                    }
                }
            }
            // Every AP × PXN × UXN combination, one page each, then pages
            // whose VA and PA disagree modulo the smallest block (no blocks possible).
            if let base = place(page * 16, align: page) {
                for combo in 0..<16 {
                    var a = attributes(ds: ds)
                    a.ap = AccessPermissions(rawValue: UInt64(combo & 3))!
                    a.pxn = combo & 4 != 0
                    a.uxn = combo & 8 != 0
                    a.af = true
                    if let oa = pa.take(page, align: page) {
                        map(base + UInt64(combo) * page, oa, page, .three, a, .pages)
                    }
                }
            }
            if let blockLevel = levels.map({ Level(uncheckedRawValue: $0) }).last(where: { !$0.isLast && h.buildsBlocks(at: $0) }) {
                let entry = h.granule.entrySize(at: blockLevel)
                if let va = place(entry * 2, align: entry), let oa = pa.take(entry * 2 + page, align: entry) {
                    map(va, oa + page, entry * 2, .three, attributes(ds: ds), .auto)
                }
            }
            // Pages in RAM: real stores write back what is there, fetches run a planted svc.
            if let va = place(page * 4, align: page) {
                for k in 0..<4 {
                    var a = attributes(ds: ds)
                    a.ap = AccessPermissions(rawValue: UInt64(k))!
                    a.af = true
                    let oa = (ramNext &+ (page &- 1)) & ~(page &- 1)
                    ramNext = oa &+ page
                    map(va + UInt64(k) * page, oa, page, .three, a, .pages)
                }
            }
            // Hierarchical attributes on the tables above some page regions.
            let pageRegions = regions.indices.filter { regions[$0].level.isLast && h.contains(regions[$0].va) }
            for i in pageRegions.shuffled(using: &rng).prefix(4) {
                let r = regions[i]
                guard h.startLevel.rawValue < 3 else { break }
                let level = Level(uncheckedRawValue: Int.random(in: h.startLevel.rawValue...2, using: &rng))
                let t = TableAttributes(apTable: TableAccessPermissions(rawValue: UInt64.random(in: 0...3, using: &rng))!,
                                        pxnTable: Bool.random(using: &rng), uxnTable: Bool.random(using: &rng))
                tables.append(TableAttributeRequest(va: VirtualAddress(r.va), level: level, attributes: t))
            }
            // One region per planted fault, owning its entry at the plant's level.
            var plans: [(Plant.Kind, Level, Int?)] = [(.reservedPage, .three, nil)]
            let bits = Plant.addressBits(h)
            for l in levels {
                let level = Level(uncheckedRawValue: l)
                if !level.isLast {
                    if !h.isBlockLegal(at: level) { plans.append((.illegalBlock, level, nil)) }
                    for bit in bits { plans.append((.tableBeyondPA, level, bit)) }
                }
                if level.isLast || h.isBlockLegal(at: level) {
                    for bit in bits { plans.append((.leafBeyondPA, level, bit)) }
                }
            }
            // One contiguous run per half loses the bit's rules.
            if let run = regions.last(where: { $0.isRun && h.contains($0.va) }) {
                plantPlans.append((.brokenRun, run.level, nil, run.va &+ run.entrySize))
            }
            for (kind, level, bit) in plans {
                let entry = h.granule.entrySize(at: level)
                let leafLevel: Level = kind == .leafBeyondPA ? level : .three
                let size = h.granule.entrySize(at: leafLevel)
                guard let va = place(size, align: entry, own: entry), let oa = pa.take(size, align: size) else { continue }
                var a = attributes(ds: ds)
                a.af = true
                map(va, oa, size, leafLevel, a, .noContiguous)
                plantPlans.append((kind, level, bit, va))
            }
        }

        let layout = Layout(configuration: config, mappings: mappings, tables: tables)
        let built: TableImage
        do { built = try TableImage(layout: layout) } catch { throw .layoutRejected("\(spec.name): \(error)") }
        var image = built
        var plants: [Plant] = []
        for (kind, level, bit, va) in plantPlans {
            if let p = Plant.apply(kind, level: level, va: va, addressBit: bit, to: &image) { plants.append(p) }
        }
        if spec.hardwareDirty { image.tcr[TCR.Field.hd] = 1 }
        if let ttbr = spec.baseBeyondPA, let h = image.half(ttbr) {
            let beyond = TTBR(baseAddress: 1 &<< UInt64(h.outputBits), asid: 0, fiftyTwoBit: h.outputBits == 52)
            if ttbr == .ttbr0 { image.ttbr0 = beyond } else { image.ttbr1 = beyond }
        }
        let graft = StubGraft.make(for: image)
        var chooser = ProbeAddresses(rng: rng)
        let vas = chooser.select(image, regions: regions, plants: plants, graft: graft, count: probes)
        return PreparedConfiguration(spec: spec, layout: layout, built: built, image: image, plants: plants, graft: graft, vas: vas)
    }
}
