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
    public let memory: Memory
    public let regime: TranslationRegime
    public let ttbr: TranslationTableBase
    public let first: UInt64
    public let last: UInt64
    public let mergingNeighbours: Bool

    public init(memory: Memory, regime: TranslationRegime, ttbr: TranslationTableBase, first: UInt64, last: UInt64,
                mergingNeighbours: Bool) {
        self.memory = memory
        self.regime = regime
        self.ttbr = ttbr
        self.first = first
        self.last = last
        self.mergingNeighbours = mergingNeighbours
    }

    public func makeIterator() -> Iterator {
        Iterator(memory: memory, regime: regime, ttbr: ttbr, first: first, last: last, merging: mergingNeighbours)
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline let memory: Memory
        @usableFromInline let ttbr: TranslationTableBase
        @usableFromInline let w: WalkParameters
        @usableFromInline let first: UInt64
        @usableFromInline let last: UInt64
        @usableFromInline let merging: Bool
        @usableFromInline let addressMask: UInt64
        @usableFromInline let mair: UInt64
        @usableFromInline let outerShareable: UInt8
        @usableFromInline var pending: WalkEntry?
        @usableFromInline var done = false

        // The table being read, in scalars: its words, next and last index in
        // range, level, index shift, VA of entry 0, and the table descriptor
        // bits above it.
        @usableFromInline var table: UnsafePointer<UInt64>? = nil
        @usableFromInline var index = 0
        @usableFromInline var endIndex = -1
        @usableFromInline var level = 0
        @usableFromInline var shift = 0
        @usableFromInline var baseVA: UInt64 = 0
        @usableFromInline var tableBits: UInt64 = 0
        // The tables above it, saved on descent (depth 0: the start level).
        @usableFromInline var depth = 0
        @usableFromInline var savedTable: InlineArray<5, UnsafePointer<UInt64>?> = .init(repeating: nil)
        @usableFromInline var savedIndex: InlineArray<5, Int> = .init(repeating: 0)
        @usableFromInline var savedEnd: InlineArray<5, Int> = .init(repeating: 0)
        @usableFromInline var savedBaseVA: InlineArray<5, UInt64> = .init(repeating: 0)
        @usableFromInline var savedBits: InlineArray<5, UInt64> = .init(repeating: 0)

        /// The root table the memory does not hold: yielded as one hole.
        @usableFromInline var rootMissing = false

        @usableFromInline
        init(memory: Memory, regime: TranslationRegime, ttbr: TranslationTableBase, first: UInt64, last: UInt64,
             merging: Bool) {
            self.memory = memory
            self.ttbr = ttbr
            self.first = first
            self.last = last
            self.merging = merging
            let w = regime.walkParameters(ttbr)
            self.w = w
            addressMask = w.addressMask
            mair = regime.mair.rawValue
            outerShareable = regime.outerShareableAttributes
            if first > last { done = true; return }
            guard w.enabled else { return }
            let span: UInt64 = 1 &<< UInt64(w.startShift &+ Int((w.rootIndexMask &+ 1).trailingZeroBitCount))
            level = w.startLevel
            shift = w.startShift
            baseVA = first & ~(span &- 1)
            table = memory.words(at: w.rootAddress, count: w.rootEntries)
            rootMissing = table == nil
            setRange(entries: w.rootIndexMask &+ 1)
        }

        /// Sets `index`/`endIndex` to the entries of the current table inside [first, last].
        @inlinable @inline(__always)
        mutating func setRange(entries: UInt64) {
            let s = UInt64(shift)
            let lo = Swift.max(first, baseVA), hi = Swift.min(last, baseVA &+ ((entries &<< s) &- 1))
            index = Int(truncatingIfNeeded: (lo &- baseVA) &>> s)
            endIndex = Int(truncatingIfNeeded: (hi &- baseVA) &>> s)
        }

        @inlinable @inline(__always)
        func read(_ i: Int) -> UInt64 { table.unsafelyUnwrapped[i] }

        @inlinable @inline(__always)
        public mutating func next() -> WalkEntry? {
            merging ? nextMerged() : step()
        }

        @usableFromInline
        mutating func nextMerged() -> WalkEntry? {
            while let item = step() {
                guard var current = pending else { pending = item; continue }
                if Self.continues(current, with: item, addressMask: addressMask) {
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
        public mutating func step() -> WalkEntry? {
            guard !done else { return nil }
            guard w.enabled, !rootMissing else {
                done = true
                let fault = w.enabled ? TranslationFault.notCaptured(w.rootAddress, level: Level(uncheckedRawValue: w.startLevel))
                                      : TranslationFault(kind: .translation, level: .zero)
                return WalkEntry(ttbr: ttbr, va: VirtualAddress(first), size: last &- first &+ 1, level: fault.level, entries: 1,
                                 descriptor: Descriptor(rawValue: 0), fault: fault,
                                 pa: PhysicalAddress(0), attributes: nil, order: 0)
            }
            while true {
                if index > endIndex {
                    if depth == 0 { done = true; return nil }
                    depth &-= 1
                    table = savedTable[depth]
                    index = savedIndex[depth] &+ 1
                    endIndex = savedEnd[depth]
                    baseVA = savedBaseVA[depth]
                    tableBits = savedBits[depth]
                    level &-= 1
                    shift &+= w.bitsPerLevel
                    continue
                }
                let i = index
                let raw = read(i)
                let entrySize: UInt64 = 1 &<< UInt64(shift)
                let entryVA = baseVA &+ UInt64(i) &<< UInt64(shift)
                let oa: UInt64
                switch w.classify(raw, level: level, entrySize: entrySize) {
                case .invalid:
                    var j = i
                    while j < endIndex, read(j &+ 1) & Descriptor.Bits.valid.mask == 0 { j &+= 1 }
                    index = j &+ 1
                    return hole(entryVA, count: j &- i &+ 1, entrySize: entrySize, raw: raw,
                                fault: TranslationFault(kind: .translation, level: Level(uncheckedRawValue: level)))
                case .fault(let kind):
                    index = i &+ 1
                    return hole(entryVA, count: 1, entrySize: entrySize, raw: raw,
                                fault: TranslationFault(kind: kind, level: Level(uncheckedRawValue: level)))
                case .table(let next):
                    // One bounds check per table, none per entry.
                    guard let child = memory.words(at: next, count: w.tableEntries) else {
                        index = i &+ 1
                        return hole(entryVA, count: 1, entrySize: entrySize, raw: raw,
                                    fault: .notCaptured(next, level: Level(uncheckedRawValue: level &+ 1)))
                    }
                    savedTable[depth] = table
                    savedIndex[depth] = i
                    savedEnd[depth] = endIndex
                    savedBaseVA[depth] = baseVA
                    savedBits[depth] = tableBits
                    depth &+= 1
                    table = child
                    baseVA = entryVA
                    tableBits |= raw
                    level &+= 1
                    shift &-= w.bitsPerLevel
                    setRange(entries: UInt64(w.tableEntries))
                    continue
                case .leaf(let address):
                    oa = address
                }
                var count = 1
                if Descriptor.Bits.contiguous.isSet(raw) {
                    let n = w.contiguousCount(level: level)
                    if n > 0, i % n == 0, i &+ n &- 1 <= endIndex, runAgrees(i, n, raw, entrySize: entrySize) { count = n }
                }
                index = i &+ count
                let attributes = TableImage.leafAttributes(raw, tableBits: tableBits, walk: w, mair: mair, outerShareable: outerShareable)
                let start = Swift.max(entryVA, first)
                let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
                return WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: Level(uncheckedRawValue: level),
                                 entries: count, descriptor: Descriptor(rawValue: raw), fault: nil,
                                 pa: PhysicalAddress(oa &+ (start &- entryVA)), attributes: attributes, order: shift &- w.pageShift)
            }
        }

        /// Every entry of the run carries the same bits with consecutive OAs.
        @inlinable @inline(__always)
        func runAgrees(_ i: Int, _ n: Int, _ raw: UInt64, entrySize: UInt64) -> Bool {
            let oa = w.address(of: raw)
            for k in 1..<n {
                let r = read(i &+ k)
                if (r ^ raw) & ~addressMask != 0 || w.address(of: r) != oa &+ UInt64(k) &* entrySize { return false }
            }
            return true
        }

        @inlinable @inline(__always)
        func hole(_ entryVA: UInt64, count: Int, entrySize: UInt64, raw: UInt64, fault: TranslationFault) -> WalkEntry {
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            return WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: Level(uncheckedRawValue: level),
                             entries: count, descriptor: Descriptor(rawValue: raw), fault: fault,
                             pa: PhysicalAddress(0), attributes: nil, order: shift &- w.pageShift)
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
