import CShims
import VMSA
import VMSATables

/// A regime configuration made concrete for one seed: the image (one
/// regime, or EL1&0 with its stage 2), what was planted, and the addresses
/// to ask QEMU about.
package struct PreparedRegimeCase: Sendable {
    public var spec: RegimeSpec
    public var image: TableImage
    package var plants: [String]
    public var vas: [UInt64]
}

/// Draws a regime configuration's content from a seed: leaves at every
/// level where the granule has them, every permission combination of the
/// regime, AF=0 leaves, contiguous runs, and one region per planted fault
/// (an invalid table entry and a table address beyond the output size at
/// every table level, a reserved and a beyond-PA page at level 3; with two
/// stages, stage-2 faults on the stage-1 walk and on the output IPA); then
/// the first, middle and last address of every region and the holes
/// beside them.
struct RegimeContent {
    var rng: SplitMix64
    let spec: RegimeSpec

    /// Where table memory starts (virt RAM, below the probe).
    static let tablesBase: UInt64 = 0x4010_0000
    /// Where a stage 2's own tables go, clear of any stage-1 arena.
    static let stage2TablesBase: UInt64 = 0x4800_0000
    /// Leaves point here and above (AT touches no memory, so it need not exist).
    static let leafBase: UInt64 = 0x1_0000_0000
    /// The stage-1 content of an EL3 configuration starts here, clear of
    /// the identity map of the probe that AT S1E3* needs (SCTLR_EL3.M=1
    /// while the probe runs).
    static let el3ContentBase: UInt64 = 0x1_0000_0000
    static let probeRegion: (base: UInt64, size: UInt64) = (UInt64(VMSA_MMU_PROBE_BASE), UInt64(VMSA_MMU_RAM_END) - UInt64(VMSA_MMU_PROBE_BASE))


    mutating func prepare(probes: Int) throws(ConformanceError) -> PreparedRegimeCase {
        switch spec.kind {
        case .el2, .el20, .el3, .s2: return try prepareOneStage(probes: probes)
        case .twoStage: return try prepareTwoStages(probes: probes)
        }
    }

    // MARK: One stage

    func configuration(_ kind: TranslationRegimeKind, granule: Granule, bits: Int, startLevel: Level?, base: UInt64) -> RegimeConfiguration {
        let half = HalfConfiguration(granule: granule, vaBits: bits, hpd: false, startLevel: startLevel)
        return RegimeConfiguration(kind: kind, tablesBase: base, paBits: spec.paBits, mair: ConformanceMatrix.mair,
                                   ttbr0: half, ttbr1: kind.hasTwoRanges ? HalfConfiguration(granule: granule, vaBits: bits) : nil)
    }

    mutating func prepareOneStage(probes: Int) throws(ConformanceError) -> PreparedRegimeCase {
        let kind = spec.kind.regime
        let config = configuration(kind, granule: spec.granule, bits: spec.inputBits,
                                   startLevel: kind == .s2 ? spec.stage2StartLevel : nil, base: Self.tablesBase)
        var builder: TableBuilder
        do { builder = try TableBuilder(config) } catch { throw .layoutRejected("\(spec.name): \(error)") }
        var regions: [(UInt64, UInt64)] = []
        var plans: [(Plant.Kind, Level, UInt64)] = []
        var leafPA = MatrixContent.PhysicalAllocator(next: Self.leafBase, limit: 1 << UInt64(spec.paBits))
        for ttbr in builder.regime.ranges {
            guard let h = builder.regime.half(ttbr) else { continue }
            var start = h.vaRange.lowerBound
            if kind == .el3 {
                try map(&builder, va: Self.probeRegion.base, pa: Self.probeRegion.base, size: Self.probeRegion.size, MappingAttributes(ap: .readWrite))
                start = Self.el3ContentBase
            }
            var space = VACursor(next: start, limit: h.vaRange.lowerBound &+ (h.vaRange.upperBound &- h.vaRange.lowerBound) / 2 &+ 1,
                                 page: h.granule.pageSize)
            try fill(&builder, h, kind: kind, space: &space, leafPA: &leafPA, regions: &regions, plans: &plans)
        }
        var image = builder.image
        var planted: [String] = []
        for (k, level, va) in plans {
            if let text = Self.plant(k, level: level, va: va, in: &image, stage2: nil) { planted.append(text) }
        }
        let ranges = image.regime.ranges.compactMap { image.half($0)?.vaRange }
        return PreparedRegimeCase(spec: spec, image: image, plants: planted, vas: probeAddresses(regions, ranges: ranges, limit: probes))
    }

    func map(_ b: inout TableBuilder, va: UInt64, pa: UInt64, size: UInt64, _ a: MappingAttributes,
             leaf: LeafPolicy = .auto) throws(ConformanceError) {
        do { try b.map(MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(pa), size: size, attributes: a, leaf: leaf)) } catch {
            throw .layoutRejected("\(spec.name): mapping \(Hex.format(va)) size \(Hex.short(size)): \(error)")
        }
    }

    /// Random leaf attributes of `kind`, AF set.
    mutating func attributes(_ kind: TranslationRegimeKind, ds: Bool) -> MappingAttributes {
        var a = MappingAttributes(attrIndx: Int.random(in: 0..<5, using: &rng),
                                  sh: Shareability(rawValue: [0, 2, 3].randomElement(using: &rng)!)!)
        switch kind {
        case .s2:
            a.stage2 = Stage2MappingAttributes(memAttr: Self.stage2MemAttrs(fwb: spec.fwb).randomElement(using: &rng)!,
                                               s2ap: Stage2AccessPermissions(rawValue: UInt64.random(in: 0...3, using: &rng))!,
                                               xn: Stage2ExecuteNever(rawValue: UInt64.random(in: 0...3, using: &rng))!)
        case .el2, .el3:
            a.ap = Bool.random(using: &rng) ? .readWrite : .readOnly
            a.uxn = Bool.random(using: &rng)
        case .el10, .el20:
            a.ap = AccessPermissions(rawValue: UInt64.random(in: 0...3, using: &rng))!
            a.ng = Bool.random(using: &rng)
            a.pxn = Bool.random(using: &rng)
            a.uxn = Bool.random(using: &rng)
        }
        if ds { a.sh = .innerShareable }
        return a
    }

    /// MemAttr values drawn for stage-2 leaves: every Normal combination
    /// class and the Device types (FWB=1: its own encodings).
    static func stage2MemAttrs(fwb: Bool) -> [UInt8] {
        fwb ? [0b0110, 0b0111, 0b0101, 0b0001, 0b0000, 0b0011] : [0b1111, 0b0101, 0b1010, 0b1011, 0b1110, 0b0001, 0b0000, 0b0011]
    }

    /// The permission combinations of `kind`, one page each.
    static func combinations(_ kind: TranslationRegimeKind) -> [MappingAttributes] {
        var out: [MappingAttributes] = []
        switch kind {
        case .s2:
            for s2ap in 0...3 {
                for xn in 0...3 {
                    var a = MappingAttributes()
                    a.stage2 = Stage2MappingAttributes(s2ap: Stage2AccessPermissions(rawValue: UInt64(s2ap))!,
                                                       xn: Stage2ExecuteNever(rawValue: UInt64(xn))!)
                    out.append(a)
                }
            }
        case .el2, .el3:
            for ap in [AccessPermissions.readWrite, .readOnly] {
                for xn in [false, true] { out.append(MappingAttributes(attrIndx: 0, ap: ap, uxn: xn)) }
            }
        case .el10, .el20:
            for combo in 0..<16 {
                out.append(MappingAttributes(ap: AccessPermissions(rawValue: UInt64(combo & 3))!, pxn: combo & 4 != 0, uxn: combo & 8 != 0))
            }
        }
        return out
    }

    /// Fills one range: leaves at every level, permission combinations, an
    /// AF=0 page, a contiguous run, and plant regions.
    mutating func fill(_ b: inout TableBuilder, _ h: RegimeHalf, kind: TranslationRegimeKind, space: inout VACursor,
                       leafPA: inout MatrixContent.PhysicalAllocator, regions: inout [(UInt64, UInt64)],
                       plans: inout [(Plant.Kind, Level, UInt64)]) throws(ConformanceError) {
        let page = h.granule.pageSize
        let ds = h.format.ds
        let levels = h.startLevel.rawValue...3
        func add(_ va: UInt64, _ size: UInt64, _ a: MappingAttributes, _ leaf: LeafPolicy) throws(ConformanceError) {
            guard let pa = leafPA.take(size, align: min(size, h.granule.entrySize(at: .two) << UInt64(h.granule.bitsPerLevel))) else { return }
            try map(&b, va: va, pa: pa, size: size, a, leaf: leaf)
            regions.append((va, size))
        }
        for l in levels {
            let level = Level(uncheckedRawValue: l)
            guard level.isLast || h.buildsBlocks(at: level) else { continue }
            let entry = h.granule.entrySize(at: level)
            let count = UInt64.random(in: 1...2, using: &rng)
            if let va = space.take(entry * count, align: entry, rng: &rng) {
                try add(va, entry * count, attributes(kind, ds: ds), .noContiguous)
            }
            if let va = space.take(entry, align: entry, rng: &rng) {
                var a = attributes(kind, ds: ds)
                a.af = false
                try add(va, entry, a, .noContiguous)
            }
        }
        let combos = Self.combinations(kind)
        if let base = space.take(page * UInt64(combos.count), align: page, rng: &rng) {
            for (i, var a) in combos.enumerated() {
                a.attrIndx = Int.random(in: 0..<5, using: &rng)
                if kind == .s2 { a.stage2?.memAttr = Self.stage2MemAttrs(fwb: spec.fwb).randomElement(using: &rng)! }
                if ds { a.sh = .innerShareable }
                try add(base + UInt64(i) * page, page, a, .pages)
            }
        }
        if let n = h.granule.contiguousCount(at: .three) {
            let run = page * UInt64(n)
            if let va = space.take(run + page, align: run, rng: &rng) { try add(va, run + page, attributes(kind, ds: ds), .auto) }
        }
        // One region per plant, alone under the entry the plant rewrites.
        for l in levels {
            let level = Level(uncheckedRawValue: l)
            let entry = h.granule.entrySize(at: level)
            let kinds: [Plant.Kind] = level.isLast ? [.reservedPage, .leafBeyondPA] : [.invalidTable, .tableBeyondPA]
            for k in kinds {
                guard let va = space.take(entry, align: entry, rng: &rng) else { continue }
                try add(va, page, attributes(kind, ds: ds), .pages)
                plans.append((k, level, va))
            }
        }
    }

    /// `Plant.apply` on the image, or for two stages on its stage-1 tables
    /// (at IPAs), the rewritten word then stored where stage 2 puts it; a
    /// description, or nil when the walk has no such descriptor. Address
    /// plants set the first bit beyond the output size.
    static func plant(_ kind: Plant.Kind, level: Level, va: UInt64, in image: inout TableImage, stage2: TwoStageRegime?) -> String? {
        var view = stage2 == nil ? image : image.stage1View
        guard let h = view.half(RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0),
              let p = Plant.apply(kind, level: level, va: va, addressBit: h.outputBits, to: &view) else { return nil }
        guard let stage2 else {
            image = view
            return p.description
        }
        guard case .success(let t) = stage2.stage2.translateStage2(p.entryAddress, access: .read, el: .el1, in: image),
              image.setWord(p.new, atPhysicalAddress: t.pa.rawValue) else { return nil }
        return p.description
    }

    /// First, middle and last address of every region and the address after
    /// it (a hole or the next region), then random addresses inside the
    /// regions and anywhere in `ranges`, `limit` in all, in VA order.
    mutating func probeAddresses(_ regions: [(UInt64, UInt64)], ranges: [ClosedRange<UInt64>], limit: Int) -> [UInt64] {
        var out = Set<UInt64>()
        for (va, size) in regions {
            out.formUnion([va, va &+ size / 2, va &+ (size &- 1), va &+ size])
        }
        var attempts = 0
        while out.count < limit, attempts < limit * Self.drawsPerProbe, !regions.isEmpty {
            attempts += 1
            // Three in four inside a region (its leaves), the rest anywhere (holes).
            if Int.random(in: 0..<4, using: &rng) != 0 {
                let (va, size) = regions.randomElement(using: &rng)!
                out.insert(va &+ UInt64.random(in: 0..<size, using: &rng))
            } else if let r = ranges.randomElement(using: &rng) {
                out.insert(UInt64.random(in: r, using: &rng))
            }
        }
        return Array(out.sorted().prefix(limit))
    }
    /// Draws tried per wanted probe before giving up on more distinct addresses.
    static let drawsPerProbe = 4

    // MARK: Two stages

    mutating func prepareTwoStages(probes: Int) throws(ConformanceError) -> PreparedRegimeCase {
        // Stage 1: EL1&0, both halves, leaves at IPAs from leafBase.
        let s1config = configuration(.el10, granule: spec.granule, bits: spec.inputBits, startLevel: nil, base: Self.tablesBase)
        var s1: TableBuilder
        do { s1 = try TableBuilder(s1config) } catch { throw .layoutRejected("\(spec.name): \(error)") }
        var regions: [(UInt64, UInt64)] = []
        var plans: [(Plant.Kind, Level, UInt64)] = []
        var ipa = MatrixContent.PhysicalAllocator(next: Self.leafBase, limit: Self.leafBase &+ Self.stage2Window)
        for ttbr in s1.regime.ranges {
            guard let h = s1.regime.half(ttbr) else { continue }
            var space = VACursor(next: h.vaRange.lowerBound, limit: h.vaRange.lowerBound &+ (h.vaRange.upperBound &- h.vaRange.lowerBound) / 2 &+ 1,
                                 page: h.granule.pageSize)
            try fill(&s1, h, kind: .el10, space: &space, leafPA: &ipa, regions: &regions, plans: &plans)
        }
        let stage1 = s1.image
        // Stage 2: 4K, 40-bit IPA, two concatenated level-1 roots. The
        // stage-1 tables' IPAs map to the same PAs page by page; the leaf
        // window maps in level-1 blocks of drawn attributes, some left out.
        let s2config = configuration(.s2, granule: .k4, bits: RegimeSpec.defaultPABits, startLevel: .one, base: Self.stage2TablesBase)
        var s2: TableBuilder
        do { s2 = try TableBuilder(s2config) } catch { throw .layoutRejected("\(spec.name): stage 2: \(error)") }
        var identity = MappingAttributes()
        identity.stage2 = Stage2MappingAttributes(memAttr: spec.fwb ? 0b0110 : Stage2MappingAttributes.normalWriteBack)
        try map(&s2, va: stage1.tablesBase, pa: stage1.tablesBase, size: stage1.tablesSize, identity, leaf: .pages)
        let block = Granule.k4.entrySize(at: .one)
        var window = Self.leafBase
        while window < ipa.next {
            // One block in eight unmapped: the access takes a stage-2 fault.
            if Int.random(in: 0..<8, using: &rng) != 0 {
                var a = attributes(.s2, ds: false)
                a.af = Int.random(in: 0..<8, using: &rng) != 0
                if let s = a.stage2, !s.s2ap.readable, Bool.random(using: &rng) { a.stage2?.s2ap = .readWrite }
                try map(&s2, va: window, pa: window, size: block, a)
            }
            window &+= block
        }
        var hcr = HCR(rawValue: 0)
        hcr[HCR.Field.vm] = 1
        hcr[HCR.Field.fwb] = spec.fwb ? 1 : 0
        hcr[HCR.Field.ptw] = spec.ptw ? 1 : 0
        var image: TableImage
        do { image = try TableImage(stage1: stage1, stage2: s2.image, hcr: hcr) } catch {
            throw .layoutRejected("\(spec.name): \(error)")
        }
        let regime = image.twoStage!
        var planted: [String] = []
        for (k, level, va) in plans {
            if let text = Self.plant(k, level: level, va: va, in: &image, stage2: regime) { planted.append(text) }
        }
        // Stage-2 faults on the stage-1 walk: the stage-2 page that maps a
        // stage-1 table made invalid, read-protected or AF=0.
        let s1view = image.stage1View
        var walkFaults = 0
        for (va, _) in regions.shuffled(using: &rng) where walkFaults < Self.walkFaultPlants {
            // Below the root, and mostly level-3 tables, so that a plant
            // takes out one table's worth of pages, not a half; the last
            // plant may take a level-2 table (a stage-1 level other than
            // the stage-2 one).
            let trace = s1view.walkTrace(va)
            let deepest: Level = walkFaults < Self.walkFaultPlants - 1 ? .three : .two
            guard trace.count > 1, let last = trace.last, last.level.rawValue >= deepest.rawValue else { continue }
            let table = trace.count > 2 && deepest == .two ? trace[trace.count - 2].entryAddress : last.entryAddress
            guard let step = image.stage2View?.walkTrace(table).last, step.kind == .page else { continue }
            let raw = step.descriptor.rawValue
            let changes: [(String, UInt64)] = [("invalid", 0), ("no-read", raw & ~Stage2Fields.Bits.s2ap.mask),
                                              ("af0", raw & ~Descriptor.Bits.af.mask)]
            let (name, new) = changes[walkFaults % changes.count]
            if image.setWord(new, atPhysicalAddress: step.entryAddress) {
                planted.append("stage-2 \(name) page over the stage-1 table at IPA \(Hex.format(table & ~(Granule.k4.pageSize - 1))) (VA \(Hex.format(va)))")
                walkFaults += 1
            }
        }
        let ranges = image.regime.ranges.compactMap { image.half($0)?.vaRange }
        return PreparedRegimeCase(spec: spec, image: image, plants: planted, vas: probeAddresses(regions, ranges: ranges, limit: probes))
    }

    /// IPAs the stage-1 leaves of a two-stage configuration use: 64 GiB
    /// from `leafBase`, mapped by stage 2 in 1 GiB blocks.
    static let stage2Window: UInt64 = 64 << 30
    /// Stage-2 faults planted on stage-1 table walks per configuration.
    static let walkFaultPlants = 6
}

/// Hands out aligned VA ranges in order with small gaps between them, so
/// that holes sit next to every region.
struct VACursor {
    var next: UInt64
    let limit: UInt64
    let page: UInt64

    mutating func take(_ size: UInt64, align: UInt64, rng: inout SplitMix64) -> UInt64? {
        let va = (next &+ (align &- 1)) & ~(align &- 1)
        guard va >= next, va &+ size > va, va &+ size <= limit else { return nil }
        next = va &+ size &+ page &* UInt64.random(in: 0...3, using: &rng)
        return va
    }
}
