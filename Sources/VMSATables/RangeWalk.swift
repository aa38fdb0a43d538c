import VMSA

/// A walk over a VA range of one half, in the spirit of the generic page
/// walk proposed for Linux: it yields what is there, in VA order — each
/// leaf with its level, order, descriptor and effective attributes, and
/// each hole with the fault a translation there would take. Invalid entries
/// of one table come as one hole; a contiguous run whose entries agree
/// comes as one leaf. With `mergingNeighbours`, adjacent items of the same
/// level that continue each other (same fault, or same attributes and
/// descriptor bits with consecutive PAs) are joined.
///
/// The walk classifies entries with the same rule as `translate`
/// (`WalkParameters.classify`: invalid, reserved and illegal-level blocks
/// fault as translation faults; addresses beyond the output size as address
/// size faults). A table the memory does not hold is one `notCaptured` hole
/// over what it would map. A disabled half yields one hole.
///
/// Generic over the memory it reads, so that an image, a capture and the
/// Linux model's arenas are walked by this one core.
public struct TableWalk<Memory: PhysicalMemory>: Sequence {
    /// The physical memory the tables are read from.
    public let memory: Memory
    /// The stage-1 regime whose TCR, TTBRs and MAIR the walk uses.
    public let regime: TranslationRegime
    /// The VA range walked: TTBR0_EL1 or TTBR1_EL1.
    public let ttbr: TranslationTableBase
    /// The first VA of the walked range.
    public let first: UInt64
    /// The last VA of the walked range, inclusive.
    public let last: UInt64
    /// Whether adjacent items of one level that continue each other are joined into one.
    public let mergingNeighbours: Bool

    /// A walk of [`first`, `last`] in the `ttbr` range of `regime`, reading `memory`;
    /// nothing is read until iteration starts.
    public init(memory: Memory, regime: TranslationRegime, ttbr: TranslationTableBase, first: UInt64, last: UInt64,
                mergingNeighbours: Bool) {
        self.memory = memory
        self.regime = regime
        self.ttbr = ttbr
        self.first = first
        self.last = last
        self.mergingNeighbours = mergingNeighbours
    }

    /// An iterator over the walk from `first`, in VA order.
    public func makeIterator() -> Iterator {
        Iterator(memory: memory, regime: regime, ttbr: ttbr, first: first, last: last, merging: mergingNeighbours)
    }

    /// The walk's state: the current table, index and VA, and the tables
    /// above it. A class: `step` hands its cursor and stack to the core in
    /// place, which a struct's mutating method can only do by copying the
    /// core (the memory and the walk parameters) for every item.
    public final class Iterator: IteratorProtocol {
        /// What does not change during the walk, and the walk core.
        @usableFromInline let core: Core
        @usableFromInline let merging: Bool
        // Where the walk is. Kept apart from the constants so that `forEach`
        // holds them in locals of its own, which the optimiser keeps in
        // registers while the constants are read once, and so that `step`
        // hands them to the core in place (disjoint stored properties), not
        // as copies.
        // Touched only by this iterator's own methods, one at a time.
        @exclusivity(unchecked) @usableFromInline var cursor: WalkCursor
        @exclusivity(unchecked) @usableFromInline var stack = WalkStack()
        @exclusivity(unchecked) @usableFromInline var pending: WalkEntry?

        @usableFromInline
        init(memory: Memory, regime: TranslationRegime, ttbr: TranslationTableBase, first: UInt64, last: UInt64,
             merging: Bool) {
            var c = WalkCursor()
            core = Core(memory: memory, regime: regime, ttbr: ttbr, first: first, last: last, cursor: &c)
            cursor = c
            self.merging = merging
        }

        /// The next leaf or hole in VA order, nil once past `last`.
        @inlinable @inline(__always)
        public func next() -> WalkEntry? {
            merging ? nextMerged() : step()
        }

        @usableFromInline
        func nextMerged() -> WalkEntry? {
            while let item = step() {
                guard var current = pending else { pending = item; continue }
                if Self.continues(current, with: item, addressMask: core.addressMask) {
                    current.size &+= item.size
                    current.entries &+= item.entries
                    pending = current
                } else {
                    pending = item
                    return current
                }
            }
            defer { pending = nil }
            return pending
        }

        @usableFromInline
        static func continues(_ a: WalkEntry, with b: WalkEntry, addressMask: UInt64) -> Bool {
            guard a.level == b.level, a.lastVA &+ 1 == b.va.rawValue else { return false }
            if let fa = a.fault { return fa == b.fault }
            return b.fault == nil && a.attributes == b.attributes
                && a.pa.rawValue &+ a.size == b.pa.rawValue
                && (a.descriptor.rawValue ^ b.descriptor.rawValue) & ~addressMask == 0
        }

        /// The next unmerged item.
        @inlinable @inline(__always)
        public func step() -> WalkEntry? {
            // A plain page right here needs none of the core's set-up.
            if cursor.index <= cursor.endIndex, let table = cursor.table {
                let raw = table[cursor.index]
                if core.isPlainPage(raw, cursor) {
                    defer { cursor.index &+= 1 }
                    return core.page(cursor, cursor.index, raw)
                }
            }
            var item: WalkEntry?
            core.advance(&cursor, &stack) { item = $0; return false }
            return item
        }

    }

    /// A walk's constants (the memory, the regime's walk parameters, the
    /// range) and the walk core that reads them.
    @usableFromInline
    struct Core {
        @usableFromInline let memory: Memory
        @usableFromInline let ttbr: TranslationTableBase
        @usableFromInline let w: WalkParameters
        @usableFromInline let first: UInt64
        @usableFromInline let last: UInt64
        @usableFromInline let addressMask: UInt64
        @usableFromInline let mair: UInt64
        @usableFromInline let outerShareable: UInt8
        /// The root table the memory does not hold: yielded as one hole.
        @usableFromInline let rootMissing: Bool
        /// The page path: a page's output address read with one mask, for
        /// a descriptor whose bits under `plainPageMask` are a page's type
        /// bits alone (no Contiguous bit, no high output-address bits), with
        /// an address below `pageLimit` (0 for stage 2, whose leaves carry
        /// other attributes).
        @usableFromInline let pageAddressMask: UInt64
        @usableFromInline let plainPageMask: UInt64
        @usableFromInline let pageLimit: UInt64
        @usableFromInline let pageShift: UInt64
        @usableFromInline let pageSize: UInt64

        /// The constants of a walk of [`first`, `last`], and in `c` its start: the root table.
        @usableFromInline
        init(memory: Memory, regime: TranslationRegime, ttbr: TranslationTableBase, first: UInt64, last: UInt64,
             cursor c: inout WalkCursor) {
            self.memory = memory
            self.ttbr = ttbr
            self.first = first
            self.last = last
            let w = regime.walkParameters(ttbr)
            self.w = w
            addressMask = w.addressMask
            mair = regime.mair.rawValue
            outerShareable = regime.outerShareableAttributes
            pageAddressMask = DescriptorFormat.lowAddressMask(granule: w.granule, ds: w.ds)
            plainPageMask = Descriptor.Bits.type.mask | Descriptor.Bits.contiguous.mask | (w.format.outputAddressHighField?.mask ?? 0)
            pageLimit = w.kind.stage == 1 ? w.outputLimit : 0
            pageShift = UInt64(w.pageShift)
            pageSize = 1 &<< UInt64(w.pageShift)
            if first > last { c.done = true }
            var missing = false
            if !c.done, w.enabled {
                let span: UInt64 = 1 &<< UInt64(w.startShift &+ Int((w.rootIndexMask &+ 1).trailingZeroBitCount))
                c.level = w.startLevel
                c.shift = w.startShift
                c.baseVA = first & ~(span &- 1)
                c.table = memory.words(at: w.rootAddress, count: w.rootEntries)
                missing = c.table == nil
                c.setRange(entries: w.rootIndexMask &+ 1, first: first, last: last, pageLimit: pageLimit)
            }
            rootMissing = missing
        }

        /// The walk core: moves `c` from item to item, handing each to `emit`
        /// until `emit` returns false (true: go on); returns false once the
        /// walk is done. `step` stops after one item; `forEach` runs the whole
        /// walk in this one loop, its state in registers.
        @inlinable @inline(__always)
        @discardableResult
        func advance(_ c: inout WalkCursor, _ stack: inout WalkStack,
                            _ emit: (WalkEntry) throws -> Bool) rethrows -> Bool {
            guard !c.done else { return false }
            let w = self.w
            guard w.enabled, !rootMissing else {
                c.done = true
                let fault = w.enabled ? TranslationFault.notCaptured(w.rootAddress, level: Level(uncheckedRawValue: w.startLevel))
                                      : TranslationFault(kind: .translation, level: .zero)
                _ = try emit(WalkEntry(ttbr: ttbr, va: VirtualAddress(first), size: last &- first &+ 1, level: fault.level, entries: 1,
                                       descriptor: Descriptor(rawValue: 0), fault: fault,
                                       pa: PhysicalAddress(0), attributes: nil, order: 0))
                return true
            }
            while true {
                if c.index > c.endIndex {
                    if c.depth == 0 { c.done = true; return false }
                    c.depth &-= 1
                    c.table = stack.table[c.depth]
                    c.index = stack.index[c.depth] &+ 1
                    c.endIndex = stack.end[c.depth]
                    c.baseVA = stack.baseVA[c.depth]
                    c.tableBits = stack.bits[c.depth]
                    c.level &-= 1
                    c.shift &+= w.bitsPerLevel
                    c.pageLimit = 0
                    continue
                }
                let i = c.index
                let words = c.table.unsafelyUnwrapped
                let raw = words[i]
                var entry: WalkEntry
                if isPlainPage(raw, c) {
                    c.index = i &+ 1
                    entry = page(c, i, raw)
                } else {
                    let entrySize: UInt64 = 1 &<< UInt64(truncatingIfNeeded: c.shift)
                    let entryVA = c.baseVA &+ UInt64(truncatingIfNeeded: i) &<< UInt64(truncatingIfNeeded: c.shift)
                    switch w.classify(raw, level: c.level, entrySize: entrySize) {
                    case .invalid:
                        var j = i
                        while j < c.endIndex, words[j &+ 1] & Descriptor.Bits.valid.mask == 0 { j &+= 1 }
                        c.index = j &+ 1
                        entry = hole(c, entryVA, count: j &- i &+ 1, entrySize: entrySize, raw: raw,
                                     fault: TranslationFault(kind: .translation, level: Level(uncheckedRawValue: c.level)))
                    case .fault(let kind):
                        c.index = i &+ 1
                        entry = hole(c, entryVA, count: 1, entrySize: entrySize, raw: raw,
                                     fault: TranslationFault(kind: kind, level: Level(uncheckedRawValue: c.level)))
                    case .table(let next):
                        // One bounds check per table, none per entry.
                        guard let child = memory.words(at: next, count: w.tableEntries) else {
                            c.index = i &+ 1
                            entry = hole(c, entryVA, count: 1, entrySize: entrySize, raw: raw,
                                         fault: .notCaptured(next, level: Level(uncheckedRawValue: c.level &+ 1)))
                            break
                        }
                        stack.table[c.depth] = c.table
                        stack.index[c.depth] = i
                        stack.end[c.depth] = c.endIndex
                        stack.baseVA[c.depth] = c.baseVA
                        stack.bits[c.depth] = c.tableBits
                        c.depth &+= 1
                        c.table = child
                        c.baseVA = entryVA
                        c.tableBits |= raw
                        c.level &+= 1
                        c.shift &-= w.bitsPerLevel
                        c.setRange(entries: UInt64(w.tableEntries), first: first, last: last, pageLimit: pageLimit)
                        continue
                    case .leaf(let oa):
                        var count = 1
                        if Descriptor.Bits.contiguous.isSet(raw) {
                            let n = w.contiguousCount(level: c.level)
                            if n > 0, i % n == 0, i &+ n &- 1 <= c.endIndex, runAgrees(words, i, n, raw, entrySize: entrySize) { count = n }
                        }
                        c.index = i &+ count
                        entry = leaf(c, entryVA, count: count, entrySize: entrySize, raw: raw, oa: oa)
                    }
                }
                // The one place items leave the core, with the pages after
                // this item in a loop of their own: a caller's closure is
                // inlined once (its state, a checksum or a count, stays in
                // registers, not behind a pointer that out-of-line copies
                // of it share), and a run of pages never passes through the
                // general path's state.
                while true {
                    if try !emit(entry) { return true }
                    guard c.index <= c.endIndex else { break }
                    let raw = words[c.index]
                    guard isPlainPage(raw, c) else { break }
                    entry = page(c, c.index, raw)
                    c.index &+= 1
                }
            }
        }

        /// Whether `raw` is a page the page path takes: a stage-1 page
        /// outside a contiguous run, in a last-level table wholly inside the
        /// walked range, whose address lies in one field and below the
        /// output size: what `classify` finds a leaf at that address.
        @inlinable @inline(__always)
        func isPlainPage(_ raw: UInt64, _ c: WalkCursor) -> Bool {
            raw & plainPageMask == Descriptor.TypeBits.tableOrPage && raw & pageAddressMask < c.pageLimit
        }

        /// The item of plain page `i` (see `isPlainPage`): never clipped.
        @inlinable @inline(__always)
        func page(_ c: WalkCursor, _ i: Int, _ raw: UInt64) -> WalkEntry {
            WalkEntry(ttbr: ttbr, va: VirtualAddress(c.baseVA &+ UInt64(truncatingIfNeeded: i) &<< pageShift), size: pageSize,
                      level: .three, entries: 1, descriptor: Descriptor(rawValue: raw), fault: nil,
                      pa: PhysicalAddress(raw & pageAddressMask),
                      attributes: TranslationRegime.leafAttributes(raw, tableBits: c.tableBits, walk: w, mair: mair,
                                                                   outerShareable: outerShareable),
                      order: 0)
        }

        /// The item for `count` leaves from `entryVA` (clipped to the walked
        /// range) with output address `oa`.
        @inlinable @inline(__always)
        func leaf(_ c: WalkCursor, _ entryVA: UInt64, count: Int, entrySize: UInt64, raw: UInt64, oa: UInt64) -> WalkEntry {
            let attributes = TranslationRegime.leafAttributes(raw, tableBits: c.tableBits, walk: w, mair: mair, outerShareable: outerShareable)
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            var entry = WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: Level(uncheckedRawValue: c.level),
                                  entries: count, descriptor: Descriptor(rawValue: raw), fault: nil,
                                  pa: PhysicalAddress(oa &+ (start &- entryVA)), attributes: attributes, order: c.shift &- w.pageShift)
            if w.kind.stage == 2 { entry.stage2Attributes = TranslationRegime.stage2Attributes(raw, walk: w) }
            return entry
        }

        /// Every entry of the run carries the same bits with consecutive OAs.
        @inlinable @inline(__always)
        func runAgrees(_ words: UnsafePointer<UInt64>, _ i: Int, _ n: Int, _ raw: UInt64, entrySize: UInt64) -> Bool {
            let oa = w.address(of: raw)
            for k in 1..<n {
                let r = words[i &+ k]
                if (r ^ raw) & ~addressMask != 0 || w.address(of: r) != oa &+ UInt64(k) &* entrySize { return false }
            }
            return true
        }

        @inlinable @inline(__always)
        func hole(_ c: WalkCursor, _ entryVA: UInt64, count: Int, entrySize: UInt64, raw: UInt64, fault: TranslationFault) -> WalkEntry {
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            return WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: Level(uncheckedRawValue: c.level),
                             entries: count, descriptor: Descriptor(rawValue: raw), fault: fault,
                             pa: PhysicalAddress(0), attributes: nil, order: c.shift &- w.pageShift)
        }
    }
}

/// The range walk of an image.
public typealias RangeWalk = TableWalk<TableImage>

extension TranslationRegime {
    /// Walks `range` of one half (default: the whole canonical range of the
    /// half as TCR_EL1 sets it) through the tables in `memory`; see `TableWalk`.
    public func walk<Memory: PhysicalMemory>(_ ttbr: TranslationTableBase, in memory: Memory, range: ClosedRange<UInt64>? = nil,
                                             mergingNeighbours: Bool = false) -> TableWalk<Memory> {
        let whole = half(ttbr)?.vaRange ?? tcr.vaRange(ttbr)
        let r = range.map { $0.clamped(to: whole) } ?? whole
        // A range outside the half clamps to one end; walk nothing then.
        let empty = range.map { !$0.overlaps(whole) } ?? false
        return TableWalk(memory: memory, regime: self, ttbr: ttbr, first: empty ? 1 : r.lowerBound, last: empty ? 0 : r.upperBound,
                         mergingNeighbours: mergingNeighbours)
    }
}

extension TableImage {
    /// Walks `range` of one half of this image; see `TableWalk`.
    public func walk(_ ttbr: TranslationTableBase, range: ClosedRange<UInt64>? = nil,
                     mergingNeighbours: Bool = false) -> RangeWalk {
        regime.walk(ttbr, in: self, range: range, mergingNeighbours: mergingNeighbours)
    }
}

extension TableWalk: Sendable where Memory: Sendable {}

/// Where a range walk is: the table being read (its words), the next and
/// last index in range, its level, index shift, the VA of entry 0, the
/// table descriptor bits above it, and how deep below the start level.
@usableFromInline struct WalkCursor {
    @usableFromInline var table: UnsafePointer<UInt64>? = nil
    @usableFromInline var index = 0
    @usableFromInline var endIndex = -1
    @usableFromInline var level = 0
    @usableFromInline var shift = 0
    @usableFromInline var baseVA: UInt64 = 0
    @usableFromInline var tableBits: UInt64 = 0
    @usableFromInline var depth = 0
    @usableFromInline var done = false
    /// Output addresses below this take the page path (0: none does).
    @usableFromInline var pageLimit: UInt64 = 0

    /// An empty cursor: no table, not done.
    @inlinable init() {}

    /// Sets `index`/`endIndex` to the entries of the current table inside
    /// [first, last], and `pageLimit` to the walk's `pageLimit` for a
    /// last-level table wholly inside (its pages need no clipping), else 0.
    @inlinable @inline(__always)
    mutating func setRange(entries: UInt64, first: UInt64, last: UInt64, pageLimit walkPageLimit: UInt64) {
        let s = UInt64(truncatingIfNeeded: shift)
        let tableLast = baseVA &+ ((entries &<< s) &- 1)
        let lo = Swift.max(first, baseVA), hi = Swift.min(last, tableLast)
        index = Int(truncatingIfNeeded: (lo &- baseVA) &>> s)
        endIndex = Int(truncatingIfNeeded: (hi &- baseVA) &>> s)
        pageLimit = level == WalkParameters.lastLevel && lo == baseVA && hi == tableLast ? walkPageLimit : 0
    }
}

/// The tables a range walk has descended from, one slot per level below
/// the start level (at most five levels: -1 to 3).
@usableFromInline struct WalkStack {
    @usableFromInline var table: InlineArray<5, UnsafePointer<UInt64>?> = .init(repeating: nil)
    @usableFromInline var index: InlineArray<5, Int> = .init(repeating: 0)
    @usableFromInline var end: InlineArray<5, Int> = .init(repeating: 0)
    @usableFromInline var baseVA: InlineArray<5, UInt64> = .init(repeating: 0)
    @usableFromInline var bits: InlineArray<5, UInt64> = .init(repeating: 0)
    /// A stack with every slot empty.
    @inlinable init() {}
}
