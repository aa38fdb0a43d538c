import VMSA

/// What the builder reads per table of one half, copied out of `RegimeHalf`
/// and the configuration once, at `TableBuilder.init`. A mutating method
/// cannot borrow its own stored `RegimeHalf` (about 200 bytes), so every map
/// call used to copy it several times; this is the small part the builder
/// needs, copied once per operation. Every value is taken from `RegimeHalf`
/// (and so from `Granule` and `DescriptorFormat`), never recomputed.
struct BuildParameters: Sendable {
    /// Which range: TTBR0 or TTBR1 (named in errors and break-before-make records).
    let ttbr: TranslationTableBase
    /// The translation granule (`RegimeHalf.granule`).
    let granule: Granule
    /// The level of the root table (`RegimeHalf.startLevel`).
    let startLevel: Level
    /// The descriptor layout (`RegimeHalf.format`).
    let format: DescriptorFormat
    /// `RegimeHalf.outputBits`: tables and output addresses must lie below 2^outputBits.
    let outputBits: Int
    /// Entries of the start-level table (`RegimeHalf.rootEntries`).
    let rootEntries: Int
    /// Word offset of the start-level table in the table memory.
    let rootOffset: Int
    /// `RegimeConfiguration.tablesBase`: the PA of word 0 of the table memory.
    let tablesBase: UInt64
    /// Bit `level + 1` set where the builder places blocks (`RegimeHalf.buildsBlocks(at:)`).
    let blockLevels: UInt8

    /// The parameters of an unconfigured half, never read.
    init() {
        ttbr = .ttbr0
        granule = .k4
        startLevel = .zero
        format = WalkParameters.disabledFormat
        outputBits = 0
        rootEntries = 0
        rootOffset = 0
        tablesBase = 0
        blockLevels = 0
    }

    /// The parameters of half `h`, whose tables live at `tablesBase`.
    init(_ h: RegimeHalf, tablesBase: UInt64) {
        ttbr = h.ttbr
        granule = h.granule
        startLevel = h.startLevel
        format = h.format
        outputBits = h.outputBits
        rootEntries = h.rootEntries
        rootOffset = Int(truncatingIfNeeded: (h.rootAddress &- tablesBase) &>> DescriptorLayout.shift)
        self.tablesBase = tablesBase
        var blocks: UInt8 = 0
        for l in Level.allLevels where h.buildsBlocks(at: Level(uncheckedRawValue: l)) { blocks |= 1 << (l + 1) }
        blockLevels = blocks
    }

    /// Lowest input-address bit that indexes `level`.
    @inline(__always)
    func shift(at level: Level) -> UInt64 { UInt64(truncatingIfNeeded: granule.shift(at: level)) }

    /// Entries of the table at `level` (the start level may have fewer).
    @inline(__always)
    func entries(at level: Level) -> Int { level == startLevel ? rootEntries : granule.entriesPerTable }

    /// The index of `va` in a table at `level`.
    @inline(__always)
    func index(_ va: UInt64, at level: Level) -> Int {
        Int(truncatingIfNeeded: (va &>> shift(at: level)) & UInt64(truncatingIfNeeded: entries(at: level) &- 1))
    }

    /// Whether the builder places blocks at `level`.
    @inline(__always)
    func buildsBlocks(at level: Level) -> Bool { RegimeHalf.isBlockLegal(level.rawValue, in: blockLevels) }

    /// Entries of a contiguous run at `level`, or nil where there is none.
    @inline(__always)
    func contiguousCount(at level: Level) -> Int? { granule.contiguousCount(at: level) }

    /// The word offset of the table at `pa`.
    @inline(__always)
    func offset(ofTableAt pa: UInt64) -> Int { Int(truncatingIfNeeded: (pa &- tablesBase) &>> DescriptorLayout.shift) }

    /// The word offset of the next-level table that table descriptor `raw` points to.
    @inline(__always)
    func child(of raw: UInt64) -> Int { offset(ofTableAt: format.address(of: raw)) }

    /// The table descriptor of the table at word `child`.
    @inline(__always)
    func tableDescriptor(child: Int) -> UInt64 {
        format.inserting(address: tablesBase &+ UInt64(truncatingIfNeeded: child) &<< DescriptorLayout.shift,
                         into: Descriptor.TypeBits.tableOrPage)
    }
}
