import VMSA

/// Builds the table memory of an EL1&0 regime from mapping requests.
///
/// ## Where tables go (so that an independent builder can reproduce an image bit for bit)
/// Table memory starts at `configuration.tablesBase` (aligned to the largest
/// granule in use) and only grows. Every table, including a start-level
/// table with fewer entries, occupies one whole page of its half's granule
/// and is placed at the next free offset aligned to that granule; skipped
/// bytes and unused entries are zero. Tables are never freed or moved.
/// 1. `init` allocates the start-level (root) table of TTBR1, then that of
///    TTBR0 (each only if the half is present).
/// 2. `map` requests are applied in the order given. Within a request, the
///    walk goes from the start level down in ascending VA order; a
///    next-level table is allocated the first time an invalid entry must
///    become a table, and the table descriptor is written then.
/// 3. `unmap`/`protect` allocate a table when they split a block, at that
///    moment; `setTableAttributes` allocates nothing.
///
/// ## Descriptors written
/// - Table: type 0b11 and the next-table address; hierarchical attribute
///   bits are zero unless `setTableAttributes` sets them.
/// - Leaf: the request's attribute bits (`MappingAttributes.bits`), type
///   0b01 (block) or 0b11 (page) and the output address. `leaf: .auto`
///   uses, from the start level down, a block at each level where blocks
///   are legal and the entry lies wholly in the range with VA and PA
///   congruent modulo the entry size; otherwise it descends. At levels with
///   a contiguous run (`Granule.contiguousCount`), each run of entries whose
///   first entry's index is a multiple of the run length, that lies wholly
///   in the range of this request, and whose PA is aligned to the run size
///   gets the Contiguous bit on every entry. `.noContiguous` never sets the
///   bit; `.pages` uses level 3 only.
public struct TableBuilder: Sendable {
    /// The configuration the builder was made with, validated.
    public let configuration: RegimeConfiguration
    /// The control register derived from `configuration` (TCR_EL1 layout, or the
    /// regime's own; see `RegimeConfiguration.tcr`).
    public let tcr: TCR
    /// TTBR0_ELx (VTTBR_EL2 for stage 2): BADDR of the TTBR0 root table and the
    /// range's ASID (the VMID for stage 2); zero when the range is not configured.
    public private(set) var ttbr0: TTBR
    /// TTBR1_EL1/EL2: BADDR of the TTBR1 root table and its ASID; zero in the
    /// one-range regimes or when the range is not configured.
    public private(set) var ttbr1: TTBR
    /// The regime the tables are built for (its registers never change after `init`).
    public let regime: TranslationRegime
    var memory: TableMemory
    /// What each operation reads of the halves (see `BuildParameters`);
    /// not optional, so that an operation can borrow them in place (an
    /// unconfigured half's are never read: `resolveHalf` refuses its range).
    let params0: BuildParameters
    let params1: BuildParameters
    /// Each half's VA range, kept apart so that resolving a request's half
    /// does not copy its parameters out of their optional.
    let range0: ClosedRange<UInt64>?
    let range1: ClosedRange<UInt64>?

    /// Starts an empty regime: validates `configuration`, derives TCR_EL1 and
    /// allocates the root tables (TTBR1's first). `reservingBytes` sizes the
    /// table memory up front when the caller knows roughly what it needs.
    public init(_ configuration: RegimeConfiguration, reservingBytes: Int = 0) throws(BuildError) {
        try configuration.validate()
        self.configuration = configuration
        let tcr = configuration.tcr
        self.tcr = tcr
        let memory = TableMemory(capacity: reservingBytes / 8)
        self.memory = memory
        // Roots: TTBR1's first, then TTBR0's.
        func root(_ half: TranslationTableBase) throws(BuildError) -> TTBR {
            guard let h = configuration.half(half) else { return TTBR(rawValue: 0) }
            let outputBits = RegimeHalf.outputBits(granule: h.granule, ds: configuration.ds, paBits: configuration.paBits)
            // Stage 2 may concatenate up to 16 root tables, aligned to their total size.
            var tables = 1
            if configuration.kind == .s2 {
                do { tables = try configuration.stage2Geometry(h).concatenatedTables } catch { throw .stage2Setup(error) }
            }
            let offset = try Self.allocate(memory, granule: h.granule, tablesBase: configuration.tablesBase, outputBits: outputBits,
                                           tables: tables)
            let address = configuration.tablesBase &+ UInt64(offset) &* 8
            return TTBR(baseAddress: address, asid: h.asid, fiftyTwoBit: outputBits == RegimeHalf.largePhysicalAddressBits)
        }
        ttbr1 = try root(.ttbr1)
        ttbr0 = try root(.ttbr0)
        let regime = TranslationRegime(kind: configuration.kind, tcr: tcr, mair: configuration.mair, ttbr0: ttbr0, ttbr1: ttbr1)
        self.regime = regime
        params0 = regime.half0.map { BuildParameters($0, tablesBase: configuration.tablesBase) } ?? BuildParameters()
        params1 = regime.half1.map { BuildParameters($0, tablesBase: configuration.tablesBase) } ?? BuildParameters()
        range0 = regime.half0?.vaRange
        range1 = regime.half1?.vaRange
    }

    /// The regime as built so far. Shares table memory until the builder
    /// changes it again.
    public var image: TableImage {
        TableImage(tablesBase: configuration.tablesBase, regime: regime, memory: memory)
    }

    /// Calls `body` with the table memory built so far, without copying.
    public func withWords<R>(_ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: memory.words, count: memory.count))
    }

    /// Bytes of table memory allocated so far.
    public var tablesSize: UInt64 { UInt64(memory.count) &* 8 }

    // MARK: Public operations

    /// Maps `request.size` bytes from `request.va` to `request.pa`. Refuses,
    /// changing nothing, a request that is empty, wraps, leaves one enabled
    /// half, is not page-aligned, exceeds the PA size, has attributes out of
    /// range, touches anything already mapped, or needs tables that would
    /// lie beyond the PA size (`tablesBeyondPASize`).
    public mutating func map(_ request: MappingRequest) throws(BuildError) {
        // The half's parameters are borrowed in place and the memory passed
        // inout (distinct stored properties): nothing of self is copied.
        switch try resolveHalf(va: request.va.rawValue, size: request.size) {
        case .ttbr0: try Self.map(request, in: params0, kind: configuration.kind, memory: &memory)
        case .ttbr1: try Self.map(request, in: params1, kind: configuration.kind, memory: &memory)
        }
    }

    static func map(_ request: MappingRequest, in h: borrowing BuildParameters, kind: TranslationRegimeKind,
                    memory: inout TableMemory) throws(BuildError) {
        let va = request.va.rawValue, pa = request.pa.rawValue, size = request.size
        let last = request.lastVA
        guard pa &+ (size &- 1) >= pa else { throw .paRangeWraps(pa: pa, size: size) }
        let pageMask = h.granule.pageSize &- 1
        if va & pageMask != 0 { throw .misaligned(name: "va", value: va, granule: h.granule, ttbr: h.ttbr) }
        if pa & pageMask != 0 { throw .misaligned(name: "pa", value: pa, granule: h.granule, ttbr: h.ttbr) }
        if size & pageMask != 0 { throw .misaligned(name: "size", value: size, granule: h.granule, ttbr: h.ttbr) }
        guard (pa &+ (size &- 1)) >> UInt64(h.outputBits) == 0 else {
            throw .beyondPASize(pa: pa, size: size, bits: h.outputBits)
        }
        try request.attributes.validate(format: h.format, regime: kind)
        if let at = firstMapped(memory, h, table: h.rootOffset, level: h.startLevel, va: va, last: last) {
            throw .overlap(va: va, size: size, mappedAt: at)
        }
        let saved = savepoint(h, newTables: tablesNeeded(h, size: size), memory: &memory)
        do {
            try mapRange(memory, h, table: h.rootOffset, level: h.startLevel, va: va, last: last, pa: pa,
                         bits: request.attributes.bits(format: h.format), leaf: request.leaf)
        } catch {
            throw restore(saved, error, memory: &memory)
        }
    }

    /// Removes every mapping in the range, splitting blocks and breaking
    /// contiguous runs at its edges. Returns the updates that would need
    /// break-before-make on live tables. A split that needs a table beyond
    /// the PA size fails the whole call, changing nothing.
    @discardableResult
    public mutating func unmap(_ va: VirtualAddress, size: UInt64) throws(BuildError) -> [BreakBeforeMake] {
        try change(va.rawValue, size: size, .unmap)
    }

    /// Gives every mapped leaf in the range `attributes` (output addresses are
    /// kept; holes stay holes), splitting blocks and breaking contiguous runs
    /// at its edges. Returns the updates that would need break-before-make.
    /// Fails, changing nothing, like `unmap`.
    @discardableResult
    public mutating func protect(_ va: VirtualAddress, size: UInt64, attributes: MappingAttributes) throws(BuildError) -> [BreakBeforeMake] {
        let h = try resolve(va: va.rawValue, size: size)
        try attributes.validate(format: h.format)
        return try change(va.rawValue, size: size,
                          .protect(bits: attributes.bits(format: h.format), mask: MappingAttributes.fieldMask(format: h.format)))
    }

    /// Sets the hierarchical attributes of the table descriptor at
    /// `request.level` on the walk of `request.va`.
    public mutating func setTableAttributes(_ request: TableAttributeRequest) throws(BuildError) {
        let va = request.va.rawValue
        let h = try resolve(va: va, size: 1)
        var table = h.rootOffset
        var level = h.startLevel
        while true {
            let slot = table &+ h.index(va, at: level)
            let raw = memory.words[slot]
            guard raw & 0b11 == 0b11, !level.isLast, level <= request.level else {
                throw .noTable(va: va, level: request.level)
            }
            if level == request.level {
                makeUnique()
                memory.words[slot] = (raw & ~TableAttributes.mask) | request.attributes.bits
                return
            }
            table = h.child(of: raw)
            level = level.next
        }
    }

    // MARK: Geometry helpers

    /// The half a range lies in, or the error naming both halves' ranges.
    @inline(__always)    // called from mutating methods, which would pass it a copy of self
    func resolveHalf(va: UInt64, size: UInt64) throws(BuildError) -> TranslationTableBase {
        guard size > 0 else { throw .sizeZero(va: va) }
        let last = va &+ (size &- 1)
        guard last >= va else { throw .vaRangeWraps(va: va, size: size) }
        let t: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        let range: ClosedRange<UInt64>?
        switch t {
        case .ttbr0: range = range0
        case .ttbr1: range = range1
        }
        guard let range, range.contains(va), range.contains(last) else {
            throw .outsideVARanges(va: va, size: size, ttbr0: range0, ttbr1: range1)
        }
        return t
    }

    /// The same, returning the half's parameters (a resolved half is configured).
    @inline(__always)
    func resolve(va: UInt64, size: UInt64) throws(BuildError) -> BuildParameters {
        switch try resolveHalf(va: va, size: size) {
        case .ttbr0: params0
        case .ttbr1: params1
        }
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&memory) { memory = memory.copy() }
    }

    // MARK: Changing nothing on failure

    // map, unmap and protect check everything they can before writing, but
    // one failure can only show up midway: `allocate` refusing a table past
    // the PA size (`tablesBeyondPASize`), after earlier tables and leaves are
    // written. To change nothing then, each operation takes a savepoint:
    // - Memory shared with an image: `makeUnique` would copy it anyway, so
    //   the shared original is kept and put back on failure, for free.
    // - Memory held alone: it is changed in place. A copy costs as much as
    //   the tables, so it is taken only when the operation could run out of
    //   room: when the tables it can allocate at most (counted from its
    //   size, cheaply, without walking) would end past the PA size. Far from
    //   that limit (the usual case) no copy is made and nothing can fail.

    /// Makes the memory uniquely held and returns what `restore` puts back
    /// if the operation fails: nil when it cannot fail (see above).
    @inline(__always)
    static func savepoint(_ h: borrowing BuildParameters, newTables: UInt64, memory: inout TableMemory) -> TableMemory? {
        if !isKnownUniquelyReferenced(&memory) {
            let shared = memory
            memory = memory.copy()
            return shared
        }
        return roomFor(newTables, h, after: memory.count, tablesBase: h.tablesBase) ? nil : memory.copy()
    }

    /// Puts the savepoint back, so that the failed operation changed
    /// nothing, and returns its error to rethrow.
    static func restore(_ saved: TableMemory?, _ error: BuildError, memory: inout TableMemory) -> BuildError {
        guard let saved else { preconditionFailure("\(error) from an operation that had room for every table") }
        memory = saved
        return error
    }

    /// Whether `tables` more tables of `h`'s granule, the first aligned,
    /// fit below 2^outputBits after `count` words.
    static func roomFor(_ tables: UInt64, _ h: borrowing BuildParameters, after count: Int, tablesBase: UInt64) -> Bool {
        let perTable = UInt64(h.granule.entriesPerTable)
        let paLimit: UInt64 = 1 &<< UInt64(h.outputBits)
        let start = (UInt64(count) &+ perTable &- 1) / perTable &* perTable
        let (words, o1) = tables.multipliedReportingOverflow(by: perTable)
        let (end, o2) = start.addingReportingOverflow(words)
        let (bytes, o3) = end.multipliedReportingOverflow(by: 8)
        let (limit, o4) = tablesBase.addingReportingOverflow(bytes)
        return !(o1 || o2 || o3 || o4) && limit &- 1 < paLimit
    }

    /// At most how many tables mapping `size` bytes allocates: at each level
    /// above the last, one next-level table per entry the range touches,
    /// and a range of `size` touches at most size / entrySize + 2 entries.
    static func tablesNeeded(_ h: borrowing BuildParameters, size: UInt64) -> UInt64 {
        var tables: UInt64 = 0
        var level = h.startLevel
        while !level.isLast {
            tables &+= (size &>> h.shift(at: level)) &+ 2
            level = level.next
        }
        return tables
    }

    /// At most how many tables unmap or protect allocates: only the blocks
    /// a range covers partly are split, at most the two at its ends on each
    /// level above the last.
    static func splitsNeeded(_ h: borrowing BuildParameters) -> UInt64 {
        2 &* UInt64(Level.three.rawValue &- h.startLevel.rawValue)
    }

    /// Appends one table of `granule` at the next granule-aligned offset;
    /// returns its word offset. The table is zeroed unless `zeroed` is false,
    /// which is for a caller about to write every one of its entries.
    @inline(__always)
    static func allocate(_ memory: TableMemory, granule: Granule, tablesBase: UInt64, outputBits: Int,
                         tables: Int = 1, zeroed: Bool = true) throws(BuildError) -> Int {
        let align = granule.entriesPerTable &* tables
        let start = (memory.count &+ align &- 1) & ~(align &- 1)
        let end = start &+ align
        let lastByte = tablesBase &+ UInt64(end) &* 8 &- 1
        guard lastByte >> UInt64(outputBits) == 0 else {
            throw .tablesBeyondPASize(address: tablesBase &+ UInt64(start) &* 8, bits: outputBits)
        }
        memory.grow(to: end, zeroingUpTo: zeroed ? end : start)
        return start
    }

    @inline(__always)
    static func allocate(_ memory: TableMemory, _ h: borrowing BuildParameters, zeroed: Bool = true) throws(BuildError) -> Int {
        try Self.allocate(memory, granule: h.granule, tablesBase: h.tablesBase, outputBits: h.outputBits, zeroed: zeroed)
    }

    // MARK: Mapping

    // The mapping core is static, on the memory and the half's parameters
    // alone: a method called from a mutating one is handed a copy of the
    // whole builder (hundreds of bytes) on every call.

    /// The first mapped VA in [va, last] under the table at word `table`, if any.
    // The descent is inlined into the map call; only ranges that span
    // several entries of an existing table go on to the scan.
    @inline(__always)
    static func firstMapped(_ memory: TableMemory, _ h: borrowing BuildParameters, table: Int, level: Level, va: UInt64,
                            last: UInt64) -> UInt64? {
        typealias B = Descriptor.Bits
        var table = table, level = level
        // Down without recursion while the range lies in one entry, as most do above their leaves.
        while !level.isLast {
            let shift = h.shift(at: level)
            guard va &>> shift == last &>> shift else { break }
            let raw = memory.words[table &+ h.index(va, at: level)]
            if raw & B.valid.mask == 0 { return nil }
            if raw & B.tableOrPage.mask == 0 { return va }    // a block holds the whole range
            table = h.child(of: raw)
            level = level.next
        }
        return firstMappedScan(memory, h, table: table, level: level, va: va, last: last)
    }

    /// `firstMapped` by entries of the table at word `table`.
    static func firstMappedScan(_ memory: TableMemory, _ h: borrowing BuildParameters, table: Int, level: Level, va: UInt64,
                                last: UInt64) -> UInt64? {
        let shift = h.shift(at: level)
        let entrySize: UInt64 = 1 &<< shift
        let first = h.index(va, at: level), lastIndex = h.index(last, at: level)
        let base = va & ~(entrySize &- 1)
        for i in first...lastIndex {
            let raw = memory.words[table &+ i]
            guard raw & 1 != 0 else { continue }
            let entryStart = base &+ UInt64(i &- first) &<< shift
            let from = max(va, entryStart)
            if raw & 0b10 != 0, !level.isLast {
                let to = min(last, entryStart &+ (entrySize &- 1))
                if let hit = firstMapped(memory, h, table: h.child(of: raw), level: level.next, va: from, last: to) {
                    return hit
                }
            } else {
                return from
            }
        }
        return nil
    }

    /// Whether the request's entries at `level` are leaves: always at the
    /// last level; above it where the policy allows blocks, the builder
    /// places them, and VA and PA are congruent modulo the entry size.
    @inline(__always)
    static func leaves(at level: Level, _ h: borrowing BuildParameters, va: UInt64, pa: UInt64, leaf: LeafPolicy) -> Bool {
        // Ifs, not && and ||: their right operands are closures, which cannot capture a borrowed parameter.
        if level.isLast { return true }
        if !leaf.allowsBlocks { return false }
        if !h.buildsBlocks(at: level) { return false }
        return (pa &- va) & ((1 &<< h.shift(at: level)) &- 1) == 0
    }

    /// Maps [va, last] to `pa` under the table at word `table`, writing
    /// through `memory` (made unique by the operation).
    // The descent is inlined into its callers (the map call and
    // `mapEntries`); the recursion goes through `mapEntries`.
    @inline(__always)
    static func mapRange(_ memory: TableMemory, _ h: borrowing BuildParameters, table: Int, level: Level, va: UInt64, last: UInt64,
                         pa: UInt64, bits: UInt64, leaf: LeafPolicy) throws(BuildError) {
        var table = table, level = level
        // Down without recursion while the range lies in one entry that is
        // not itself a whole leaf, as most requests do above their leaves.
        while !level.isLast {
            let shift = h.shift(at: level)
            guard va &>> shift == last &>> shift else { break }
            let entryMask: UInt64 = (1 &<< shift) &- 1
            let whole = va & entryMask == 0 && last & entryMask == entryMask
            var childFilled = false
            if whole {
                if leaves(at: level, h, va: va, pa: pa, leaf: leaf) { break }
                childFilled = leaves(at: level.next, h, va: va, pa: pa, leaf: leaf)
            }
            table = try childTable(memory, h, slot: table &+ h.index(va, at: level), zeroed: !childFilled)
            level = level.next
        }
        try mapEntries(memory, h, table: table, level: level, va: va, last: last, pa: pa, bits: bits, leaf: leaf)
    }

    /// `mapRange` by entries of the table at word `table`.
    static func mapEntries(_ memory: TableMemory, _ h: borrowing BuildParameters, table: Int, level: Level, va: UInt64,
                           last: UInt64, pa: UInt64, bits: UInt64, leaf: LeafPolicy) throws(BuildError) {
        let shift = h.shift(at: level)
        let entrySize: UInt64 = 1 &<< shift
        let first = h.index(va, at: level), lastIndex = h.index(last, at: level)
        let base = va & ~(entrySize &- 1)
        let leafHere = Self.leaves(at: level, h, va: va, pa: pa, leaf: leaf)
        // The usual end of the descent: whole entries of this level, all leaves.
        if leafHere, va & (entrySize &- 1) == 0, (last &+ 1) & (entrySize &- 1) == 0 {
            writeLeaves(memory, h, table: table, level: level, from: first, through: lastIndex, pa: pa, bits: bits, leaf: leaf)
            return
        }
        // A new next-level table that lies wholly in the range and holds
        // leaves gets every entry written by `writeLeaves`: no need to zero it first.
        var childLeaves = false
        if !level.isLast { childLeaves = leaves(at: level.next, h, va: va, pa: pa, leaf: leaf) }
        var i = first
        while i <= lastIndex {
            let entryStart = base &+ UInt64(i &- first) &<< shift
            let entryLast = entryStart &+ (entrySize &- 1)
            if leafHere, entryStart >= va, entryLast <= last {
                // Entries i... are whole; the last one may not be.
                var j = lastIndex
                if (last &+ 1) & (entrySize &- 1) != 0 { j -= 1 }
                writeLeaves(memory, h, table: table, level: level, from: i, through: j,
                            pa: pa &+ (entryStart &- va), bits: bits, leaf: leaf)
                i = j &+ 1
                continue
            }
            let child = try childTable(memory, h, slot: table &+ i, zeroed: !(childLeaves && entryStart >= va && entryLast <= last))
            let from = max(va, entryStart), to = min(last, entryLast)
            try mapRange(memory, h, table: child, level: level.next, va: from, last: to, pa: pa &+ (from &- va), bits: bits,
                         leaf: leaf)
            i &+= 1
        }
    }

    /// The next-level table of the entry at word `slot`: a new one, and its
    /// table descriptor written, when the entry is invalid (see `allocate`
    /// for `zeroed`). A valid entry on a request's path is a table: the
    /// overlap check refused the request otherwise.
    @inline(__always)
    static func childTable(_ memory: TableMemory, _ h: borrowing BuildParameters, slot: Int, zeroed: Bool) throws(BuildError) -> Int {
        let raw = memory.words[slot]
        if raw & Descriptor.Bits.valid.mask != 0 { return h.child(of: raw) }
        let child = try allocate(memory, h, zeroed: zeroed)
        memory.words[slot] = h.tableDescriptor(child: child)
        return child
    }

    /// Writes leaves into entries `i...j` of the table at word `table`, the
    /// first mapping `pa`.
    // Inlined: without contiguous runs it is one `fill`, and a call per
    // table costs more than the check; the runs are `writeRuns`.
    @inline(__always)
    static func writeLeaves(_ memory: TableMemory, _ h: borrowing BuildParameters, table: Int, level: Level, from i: Int, through j: Int,
                            pa: UInt64, bits: UInt64, leaf: LeafPolicy) {
        let step: UInt64 = 1 &<< h.shift(at: level)
        let template = bits | (level.isLast ? Descriptor.TypeBits.tableOrPage : Descriptor.TypeBits.block)
        guard leaf.setsContiguous, let n = h.contiguousCount(at: level) else {
            Self.fill(memory.words + (table &+ i), count: j &- i &+ 1, template: template, oa: pa, step: step, format: h.format)
            return
        }
        writeRuns(memory.words + table, from: i, through: j, run: n, template: template, oa: pa, step: step, format: h.format)
    }

    /// `writeLeaves` with contiguous runs of `n` entries, into the table at `p`.
    static func writeRuns(_ p: UnsafeMutablePointer<UInt64>, from i: Int, through j: Int, run n: Int, template: UInt64,
                          oa pa: UInt64, step: UInt64, format: DescriptorFormat) {
        let runTemplate = template | Descriptor.Bits.contiguous.mask
        let runSize = step &* UInt64(n)
        var k = i
        var oa = pa
        while k <= j {
            if k % n == 0, k &+ n &- 1 <= j, oa & (runSize &- 1) == 0 {
                // Whole aligned runs; PA stays run-aligned from one to the next.
                var runs = 1
                while k &+ (runs &+ 1) &* n &- 1 <= j { runs &+= 1 }
                Self.fill(p + k, count: runs &* n, template: runTemplate, oa: oa, step: step, format: format)
                k &+= runs &* n
                oa &+= UInt64(runs) &* runSize
            } else {
                // Single entries up to the next run boundary.
                let boundary = min((k / n &+ 1) &* n, j &+ 1)
                Self.fill(p + k, count: boundary &- k, template: template, oa: oa, step: step, format: format)
                oa &+= UInt64(boundary &- k) &* step
                k = boundary
            }
        }
    }

    /// Output addresses below 2^48 sit in place in every descriptor format
    /// (only OA[51:48] move, to [15:12] or [9:8]).
    static var inPlaceAddressBits: UInt64 { 48 }

    /// Descriptors `fill` writes per step of its unrolled loop, in two
    /// vectors of four 128-bit stores (the widest the baseline x86-64 and
    /// AArch64 targets have) each.
    typealias FillVector = SIMD8<UInt64>

    /// Writes `count` leaves from `template` with output addresses `oa`,
    /// `oa + step`, … Addresses below 2^48 sit in place in every format, so
    /// the common case is one OR per entry; when moreover no template bit
    /// lies among the address bits the entries use ([47:log2 step], with `oa`
    /// step-aligned), OR is addition and each descriptor is the previous one
    /// plus `step`, written sixteen at a time.
    @inline(__always)
    static func fill(_ p: UnsafeMutablePointer<UInt64>, count: Int, template: UInt64, oa: UInt64, step: UInt64,
                     format: DescriptorFormat) {
        guard count > 0 else { return }
        let lastOA = oa &+ UInt64(count &- 1) &* step
        let inPlace: UInt64 = (1 &<< inPlaceAddressBits) &- 1
        if lastOA >> inPlaceAddressBits == 0, step.nonzeroBitCount == 1, oa & (step &- 1) == 0,
           template & inPlace & ~(step &- 1) == 0 {
            let d = template | oa
            let width = 2 &* FillVector.scalarCount
            let steps = count / width
            if steps > 0 {
                let lanes = FillVector(0, 1, 2, 3, 4, 5, 6, 7)
                // Shifted, not multiplied: step is a power of two, and SSE2 has no 64-bit multiply.
                let log2Step = FillVector(repeating: UInt64(step.trailingZeroBitCount))
                // Two accumulators, each advanced in place, so that the
                // compiler needs no temporaries between the stores.
                var low = FillVector(repeating: d) &+ (lanes &<< log2Step)
                var high = low &+ FillVector(repeating: UInt64(FillVector.scalarCount) &* step)
                let advance = FillVector(repeating: UInt64(width) &* step)
                // storeBytes may be unaligned: a run can start at any entry.
                var q = UnsafeMutableRawPointer(p)
                let half = MemoryLayout<FillVector>.size
                for _ in 0..<steps {
                    q.storeBytes(of: low, as: FillVector.self)
                    q.storeBytes(of: high, toByteOffset: half, as: FillVector.self)
                    low &+= advance
                    high &+= advance
                    q += 2 &* half
                }
            }
            var k = steps &* width
            var next = d &+ UInt64(k) &* step
            while k < count {
                p[k] = next
                next &+= step
                k &+= 1
            }
        } else if lastOA >> inPlaceAddressBits == 0 {
            var a = oa
            for k in 0..<count {
                p[k] = template | a
                a &+= step
            }
        } else {
            var a = oa
            for k in 0..<count {
                p[k] = format.inserting(address: a, into: template)
                a &+= step
            }
        }
    }

    // MARK: Unmap and protect

    enum Change {
        case unmap
        case protect(bits: UInt64, mask: UInt64)
    }

    mutating func change(_ va: UInt64, size: UInt64, _ op: Change) throws(BuildError) -> [BreakBeforeMake] {
        let h = try resolve(va: va, size: size)
        let pageMask = h.granule.pageSize &- 1
        if va & pageMask != 0 { throw .misaligned(name: "va", value: va, granule: h.granule, ttbr: h.ttbr) }
        if size & pageMask != 0 { throw .misaligned(name: "size", value: size, granule: h.granule, ttbr: h.ttbr) }
        let saved = Self.savepoint(h, newTables: Self.splitsNeeded(h), memory: &memory)
        var report: [BreakBeforeMake] = []
        do {
            try change(h, table: h.rootOffset, level: h.startLevel, va: va, last: va &+ (size &- 1), op, report: &report)
        } catch {
            throw Self.restore(saved, error, memory: &memory)
        }
        return report
    }

    mutating func change(_ h: BuildParameters, table: Int, level: Level, va: UInt64, last: UInt64, _ op: Change,
                         report: inout [BreakBeforeMake]) throws(BuildError) {
        typealias B = Descriptor.Bits
        let shift = h.shift(at: level)
        let entrySize: UInt64 = 1 &<< shift
        let first = h.index(va, at: level), lastIndex = h.index(last, at: level)
        let base = va & ~(entrySize &- 1)
        for i in first...lastIndex {
            let raw = memory.words[table &+ i]
            guard raw & 1 != 0 else { continue }
            let entryStart = base &+ UInt64(i &- first) &<< shift
            let entryLast = entryStart &+ (entrySize &- 1)
            let from = max(va, entryStart), to = min(last, entryLast)
            if raw & 0b10 != 0, !level.isLast {
                try change(h, table: h.child(of: raw), level: level.next, va: from, last: to, op, report: &report)
                continue
            }
            // Part of a contiguous run reaching outside the range: every
            // entry of the run loses the bit.
            if B.contiguous.isSet(raw), let n = h.contiguousCount(at: level) {
                let runFirst = i & ~(n &- 1)
                let runStart = entryStart &- UInt64(i &- runFirst) &<< shift
                let runLast = runStart &+ (entrySize &* UInt64(n) &- 1)
                if runStart < va || runLast > last {
                    breakRun(h, table: table, first: runFirst, count: min(n, h.entries(at: level) &- runFirst),
                             level: level, va: runStart, report: &report)
                }
            }
            let current = memory.words[table &+ i]
            if entryStart >= va, entryLast <= last {
                let new: UInt64
                switch op {
                case .unmap: new = 0
                case .protect(let bits, let mask): new = (current & ~mask) | bits
                }
                if !BreakBeforeMake.isSafe(old: current, new: new, format: h.format) {
                    note(BreakBeforeMake(reason: .attributeChange, ttbr: h.ttbr, va: VirtualAddress(entryStart), size: entrySize,
                                         level: level, old: Descriptor(rawValue: current), new: Descriptor(rawValue: new)),
                         in: &report)
                }
                memory.words[table &+ i] = new
            } else {
                // Only a block can be partly covered (ranges are page-aligned).
                let child = try split(h, block: current, level: level)
                let tableRaw = h.tableDescriptor(child: child)
                note(BreakBeforeMake(reason: .blockSplit, ttbr: h.ttbr, va: VirtualAddress(entryStart), size: entrySize,
                                     level: level, old: Descriptor(rawValue: current), new: Descriptor(rawValue: tableRaw)),
                     in: &report)
                memory.words[table &+ i] = tableRaw
                try change(h, table: child, level: level.next, va: from, last: to, op, report: &report)
            }
        }
    }

    /// A new next-level table holding leaves that map what `block` mapped,
    /// with its attributes, without Contiguous or nT.
    mutating func split(_ h: BuildParameters, block: UInt64, level: Level) throws(BuildError) -> Int {
        typealias B = Descriptor.Bits
        let child = try Self.allocate(memory, h, zeroed: false)    // `fill` below writes every entry
        let next = level.next
        let addressMask = h.format.outputAddressField.mask | (h.format.outputAddressHighField?.mask ?? 0)
        let carried = block & ~(addressMask | B.type.mask | B.contiguous.mask | B.nT.mask)
        let template = carried | (next.isLast ? Descriptor.TypeBits.tableOrPage : Descriptor.TypeBits.block)
        let size = h.granule.entrySize(at: level)
        let oa = Descriptor(rawValue: block).outputAddress(at: level, format: h.format) & ~(size &- 1)
        Self.fill(memory.words + child, count: h.granule.entriesPerTable, template: template, oa: oa,
                  step: h.granule.entrySize(at: next), format: h.format)
        return child
    }

    mutating func breakRun(_ h: BuildParameters, table: Int, first: Int, count: Int, level: Level, va: UInt64,
                           report: inout [BreakBeforeMake]) {
        let bit = Descriptor.Bits.contiguous.mask
        let old = memory.words[table &+ first]
        for k in first..<(first &+ count) { memory.words[table &+ k] &= ~bit }
        note(BreakBeforeMake(reason: .contiguousRunBroken, ttbr: h.ttbr, va: VirtualAddress(va),
                             size: h.granule.entrySize(at: level) &* UInt64(count), level: level,
                             old: Descriptor(rawValue: old), new: Descriptor(rawValue: old & ~bit)),
             in: &report)
    }

    /// Records an update, extending the previous record when it continues it.
    func note(_ update: BreakBeforeMake, in report: inout [BreakBeforeMake]) {
        if let lastRecord = report.last, lastRecord.reason == update.reason, lastRecord.level == update.level,
           lastRecord.ttbr == update.ttbr, lastRecord.va.rawValue &+ lastRecord.size == update.va.rawValue {
            report[report.count - 1].size &+= update.size
        } else {
            report.append(update)
        }
    }
}
