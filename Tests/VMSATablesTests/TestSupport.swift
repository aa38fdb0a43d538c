import VMSA
@testable import VMSATables

/// Linux's MAIR_EL1 layout for the first three indices: Attr0 Device-nGnRE,
/// Attr1 Normal write-back, Attr2 Normal non-cacheable; the rest add the
/// other named encodings.
let testMAIR = MAIR(attributes: [
    MemoryAttribute(rawValue: 0x04), MemoryAttribute(rawValue: 0xff), MemoryAttribute(rawValue: 0x44),
    MemoryAttribute(rawValue: 0x00), MemoryAttribute(rawValue: 0xbb), MemoryAttribute(rawValue: 0xf0),
    MemoryAttribute(rawValue: 0x08), MemoryAttribute(rawValue: 0x0c),
])

func configuration(ttbr1: Granule?, ttbr0: Granule?, vaBits1: Int = 48, vaBits0: Int = 48, paBits: Int = 48,
                   ds: Bool = false, tablesBase: UInt64 = 0x4010_0000) -> RegimeConfiguration {
    RegimeConfiguration(tablesBase: tablesBase, paBits: paBits, ds: ds, mair: testMAIR,
                        ttbr0: ttbr0.map { HalfConfiguration(granule: $0, vaBits: vaBits0) },
                        ttbr1: ttbr1.map { HalfConfiguration(granule: $0, vaBits: vaBits1) })
}

/// The first VA of the TTBR1 half for `vaBits`.
func ttbr1Base(_ vaBits: Int) -> UInt64 { ~((1 << UInt64(vaBits)) - 1) }

/// Reads descriptor `index` of the table at `tablePA`.
func entry(_ image: TableImage, _ tablePA: UInt64, _ index: Int) -> UInt64 {
    image.word(atPhysicalAddress: tablePA + UInt64(index) * 8)!
}

/// Seeded draws: `SplitMix64` from VMSA, so a failure replays from its seed.
typealias SplitMix = SplitMix64

/// An independent model of what a layout should translate to: it knows only
/// the mapping requests and the rules for leaf choice, not the builder's code.
struct LayoutModel {
    let layout: Layout
    let image: TableImage

    /// The request that maps `va`, if any.
    func mapping(at va: UInt64) -> MappingRequest? {
        layout.mappings.first { $0.va.rawValue <= va && va <= $0.lastVA }
    }

    func halfConfiguration(_ va: UInt64) -> (TranslationTableBase, HalfConfiguration)? {
        let t: TranslationTableBase = va >> 55 & 1 == 1 ? .ttbr1 : .ttbr0
        guard let h = layout.configuration.half(t) else { return nil }
        let span: UInt64 = 1 << UInt64(h.vaBits)
        let inRange = t == .ttbr0 ? va < span : va >= ~(span - 1)
        return inRange ? (t, h) : nil
    }

    func outputBits(_ h: HalfConfiguration) -> Int {
        h.granule == .k64 || layout.configuration.ds ? layout.configuration.paBits : min(layout.configuration.paBits, 48)
    }

    /// The level and leaf size `va`'s mapping uses: the largest legal leaf
    /// whose aligned window lies inside the request with VA and PA congruent.
    func leaf(for m: MappingRequest, va: UInt64, granule: Granule, half: HalfConfiguration) -> (Level, UInt64, Bool) {
        let ds = layout.configuration.ds && granule != .k64
        let start = granule.startLevel(inputBits: half.vaBits)
        for l in start.rawValue...3 {
            let level = Level(uncheckedRawValue: l)
            guard level.isLast || (m.leaf != .pages && granule.isBlockLegal(at: level, ds: ds, paMax: outputBits(half))) else { continue }
            let size = granule.entrySize(at: level)
            let window = va & ~(size - 1)
            guard window >= m.va.rawValue, window &+ (size - 1) <= m.lastVA, (m.pa.rawValue &- m.va.rawValue) % size == 0 else { continue }
            var contiguous = false
            if m.leaf == .auto, let n = granule.contiguousCount(at: level) {
                let run = size * UInt64(n)
                let runWindow = va & ~(run - 1)
                contiguous = runWindow >= m.va.rawValue && runWindow &+ (run - 1) <= m.lastVA
                    && (m.pa.rawValue &+ (runWindow - m.va.rawValue)) % run == 0
            }
            return (level, size, contiguous)
        }
        fatalError("no leaf found")
    }

    /// What translating `va` should give.
    func expected(_ va: UInt64, access: AccessKind, el: ExceptionLevel) -> Result<Translation, TranslationFault> {
        guard let (t, h) = halfConfiguration(va) else { return .failure(TranslationFault(kind: .translation, level: .zero)) }
        let granule = h.granule
        let start = granule.startLevel(inputBits: h.vaBits)
        guard let m = mapping(at: va) else {
            // The walk stops at the first level whose entry window no mapping touches.
            for l in start.rawValue...3 {
                let size = granule.entrySize(at: Level(uncheckedRawValue: l))
                let window = va & ~(size - 1)
                let touched = layout.mappings.contains { $0.va.rawValue <= window &+ (size - 1) && $0.lastVA >= window }
                if !touched { return .failure(TranslationFault(kind: .translation, level: Level(uncheckedRawValue: l))) }
            }
            fatalError("unmapped VA \(Hex.format(va)) has a mapping touching its page")
        }
        let (level, size, contiguous) = leaf(for: m, va: va, granule: granule, half: h)
        let a = m.attributes
        if !a.af { return .failure(TranslationFault(kind: .accessFlag, level: level)) }
        let attr = layout.configuration.mair[a.attrIndx]
        var sh = layout.configuration.ds ? RegimeConfiguration.walkShareability : a.sh
        if attr.isDevice || attr.isNonCacheable { sh = .outerShareable }
        let attributes = LeafAttributes(attrIndx: a.attrIndx, mairAttr: attr, sh: sh, ap: a.ap,
                                        pxn: a.pxn || a.ap == .readWrite, uxn: a.uxn, ng: a.ng, af: a.af, contiguous: contiguous)
        guard attributes.permits(access, from: el) else { return .failure(TranslationFault(kind: .permission, level: level)) }
        let pa = m.pa.rawValue &+ (va &- m.va.rawValue)
        let leafOA = pa & ~(size - 1)
        let format = try! DescriptorFormat(granule: granule, ds: layout.configuration.ds && granule != .k64, paBits: layout.configuration.paBits)
        var fields = DescriptorFields(kind: level.isLast ? .page : .block)
        fields.outputAddress = leafOA
        fields.attrIndx = UInt8(a.attrIndx)
        fields.ns = a.ns
        fields.ap = a.ap
        fields.sh = a.sh
        fields.af = a.af
        fields.nG = a.ng
        fields.gp = a.gp
        fields.dbm = a.dbm
        fields.contiguous = contiguous
        fields.pxn = a.pxn
        fields.uxn = a.uxn
        let raw = fields.encode(format: format)
        return .success(Translation(va: VirtualAddress(va), ttbr: t, pa: PhysicalAddress(pa), level: level, size: size,
                                    descriptor: Descriptor(rawValue: raw), attributes: attributes))
    }
}

/// Random layouts for property tests: a few disjoint mappings per half,
/// aligned so that blocks and contiguous runs occur, with random attributes.
enum RandomLayout {
    static func make(seed: UInt64, ttbr1: Granule?, ttbr0: Granule?, fiftyTwo: Bool = false) -> Layout {
        var rng = SplitMix(seed: seed)
        let paBits = fiftyTwo ? 52 : 48
        let ds = fiftyTwo && (ttbr1 != .k64 && ttbr1 != nil || ttbr0 != .k64 && ttbr0 != nil)
        func vaBits(_ g: Granule) -> Int {
            let max = fiftyTwo ? 52 : 48
            let choices = [max, max, 39, 42, 36, 47]
            return choices[Int(rng.next() % UInt64(choices.count))]
        }
        let h1 = ttbr1.map { HalfConfiguration(granule: $0, vaBits: vaBits($0), asid: 0) }
        let h0 = ttbr0.map { HalfConfiguration(granule: $0, vaBits: vaBits($0), asid: UInt16(rng.next() % 65536)) }
        let largest = [ttbr1, ttbr0].compactMap { $0 }.map(\.pageSize).max()!
        let tablesBase: UInt64 = fiftyTwo ? 0x8_0000_4000_0000 & ~(largest - 1) : 0x4000_0000
        let configuration = RegimeConfiguration(tablesBase: tablesBase, paBits: paBits, ds: ds, mair: testMAIR,
                                                ttbr0: h0, ttbr1: h1, hardwareAccessFlag: false)
        var mappings: [MappingRequest] = []
        for (t, half) in [(TranslationTableBase.ttbr1, h1), (.ttbr0, h0)] {
            guard let half else { continue }
            let g = half.granule
            let span: UInt64 = 1 << UInt64(half.vaBits)
            let base: UInt64 = t == .ttbr0 ? 0 : ~(span - 1)
            var used: [ClosedRange<UInt64>] = []
            let count = 1 + Int(rng.next() % 5)
            var attempts = 0
            while used.count < count, attempts < 50 {
                attempts += 1
                // Alignment: a page, a run of pages, a level 2 block, a run of
                // them, or a level 1 block (kept to at most 1 GiB).
                var units = [g.pageSize, g.pageSize * UInt64(g.contiguousCount(at: .three)!), g.entrySize(at: .two),
                             g.entrySize(at: .two) * UInt64(g.contiguousCount(at: .two)!)]
                if g.entrySize(at: .one) <= 1 << 30 { units.append(g.entrySize(at: .one)) }
                units = units.filter { $0 <= 1 << 34 }
                let align = units[Int(rng.next() % UInt64(units.count))]
                var size = (1 + rng.next() % 200) * g.pageSize
                if rng.next() % 2 == 0 { size = align * (1 + rng.next() % 2) + (rng.next() % 2) * g.pageSize * (1 + rng.next() % 40) }
                guard size < span / 4 else { continue }
                let slots = (span - size) / align
                let va = base + (rng.next() % slots) * align
                let range = va...(va + size - 1)
                guard !used.contains(where: { $0.overlaps(range) }) else { continue }
                used.append(range)
                let paSpace: UInt64 = 1 << UInt64(fiftyTwo ? 52 : 40)
                var pa = (rng.next() % ((paSpace - size) / align)) * align
                if rng.next() % 2 == 0 { pa = (pa & ~(g.entrySize(at: .two) - 1)) | (va & (g.entrySize(at: .two) - 1)) }
                if pa + size > paSpace { pa = 0 }
                var a = MappingAttributes()
                a.attrIndx = Int(rng.next() % 8)
                a.ap = AccessPermissions(rawValue: rng.next() % 4)!
                a.sh = ds ? .innerShareable : Shareability(rawValue: [0, 2, 3][Int(rng.next() % 3)])!
                a.af = rng.next() % 8 != 0
                a.ng = rng.next() % 2 == 0
                a.pxn = rng.next() % 2 == 0
                a.uxn = rng.next() % 2 == 0
                a.dbm = rng.next() % 4 == 0
                var leaf = LeafPolicy.allCases[Int(rng.next() % 3)]
                // Keep page counts bounded for debug builds.
                if leaf == .pages, size / g.pageSize > 1 << 16 { leaf = .auto }
                mappings.append(MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(pa), size: size, attributes: a, leaf: leaf))
            }
        }
        return Layout(configuration: configuration, mappings: mappings)
    }
}
