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
/// The walk classifies entries as `translate` does (invalid, reserved and
/// illegal-level blocks fault as translation faults; addresses beyond the
/// output size as address size faults). A disabled half yields one hole.
public struct RangeWalk: Sequence, Sendable {
    public let image: TableImage
    public let ttbr: TranslationTableBase
    public let first: UInt64
    public let last: UInt64
    public let mergingNeighbours: Bool

    public func makeIterator() -> Iterator {
        Iterator(image: image, ttbr: ttbr, first: first, last: last, merging: mergingNeighbours)
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline let image: TableImage
        @usableFromInline let ttbr: TranslationTableBase
        @usableFromInline let w: WalkParameters
        @usableFromInline let first: UInt64
        @usableFromInline let last: UInt64
        @usableFromInline let merging: Bool
        @usableFromInline let words: UnsafePointer<UInt64>
        @usableFromInline let wordCount: Int
        @usableFromInline let tablesBase: UInt64
        @usableFromInline let addressMask: UInt64
        @usableFromInline let mair: UInt64
        @usableFromInline let outerShareable: UInt8
        @usableFromInline var pending: WalkEntry?
        @usableFromInline var done = false

        // The table being read, in scalars: its word offset (-1: outside the
        // image, reads as zero), next and last index in range, level, index
        // shift, VA of entry 0, and the table descriptor bits above it.
        @usableFromInline var table = 0
        @usableFromInline var index = 0
        @usableFromInline var endIndex = -1
        @usableFromInline var level = 0
        @usableFromInline var shift = 0
        @usableFromInline var baseVA: UInt64 = 0
        @usableFromInline var tableBits: UInt64 = 0
        // The tables above it, saved on descent (depth 0: the start level).
        @usableFromInline var depth = 0
        @usableFromInline var savedTable: InlineArray<5, Int> = .init(repeating: 0)
        @usableFromInline var savedIndex: InlineArray<5, Int> = .init(repeating: 0)
        @usableFromInline var savedEnd: InlineArray<5, Int> = .init(repeating: 0)
        @usableFromInline var savedBaseVA: InlineArray<5, UInt64> = .init(repeating: 0)
        @usableFromInline var savedBits: InlineArray<5, UInt64> = .init(repeating: 0)

        init(image: TableImage, ttbr: TranslationTableBase, first: UInt64, last: UInt64, merging: Bool) {
            self.image = image
            self.ttbr = ttbr
            self.first = first
            self.last = last
            self.merging = merging
            let w = ttbr == .ttbr0 ? image.walk0 : image.walk1
            self.w = w
            words = UnsafePointer(image.wordPointer)
            wordCount = image.wordCount
            tablesBase = image.tablesBase
            addressMask = w.addressMask
            mair = image.mair.rawValue
            outerShareable = image.outerShareableAttributes
            if first > last { done = true; return }
            guard w.enabled else { return }
            let span: UInt64 = 1 &<< UInt64(w.startShift &+ Int((w.rootIndexMask &+ 1).trailingZeroBitCount))
            level = w.startLevel
            shift = w.startShift
            baseVA = first & ~(span &- 1)
            table = wordOffset(w.rootAddress, bytes: (w.rootIndexMask &+ 1) &* 8)
            setRange(entries: w.rootIndexMask &+ 1)
        }

        @inlinable @inline(__always)
        func wordOffset(_ pa: UInt64, bytes: UInt64) -> Int {
            guard pa >= tablesBase, pa &- tablesBase <= UInt64(wordCount) &* 8 &- bytes else { return -1 }
            return Int(truncatingIfNeeded: (pa &- tablesBase) &>> 3)
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
        func read(_ i: Int) -> UInt64 { table < 0 ? 0 : words[table &+ i] }

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
        mutating func step() -> WalkEntry? {
            guard !done else { return nil }
            guard w.enabled else {
                done = true
                return WalkEntry(ttbr: ttbr, va: VirtualAddress(first), size: last &- first &+ 1, level: .zero, entries: 1,
                                 descriptor: Descriptor(rawValue: 0), fault: TranslationFault(kind: .translation, level: .zero),
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
                let lastLevel = Level(uncheckedRawValue: level).isLast

                if raw & 1 == 0 {
                    var j = i
                    while j < endIndex, read(j &+ 1) & 1 == 0 { j &+= 1 }
                    index = j &+ 1
                    return hole(entryVA, count: j &- i &+ 1, entrySize: entrySize, raw: raw, kind: .translation)
                }
                let tableOrPage = raw & 0b10 != 0
                if !lastLevel && tableOrPage {
                    let next = w.address(of: raw)
                    if next >= w.outputLimit {
                        index = i &+ 1
                        return hole(entryVA, count: 1, entrySize: entrySize, raw: raw, kind: .addressSize)
                    }
                    savedTable[depth] = table
                    savedIndex[depth] = i
                    savedEnd[depth] = endIndex
                    savedBaseVA[depth] = baseVA
                    savedBits[depth] = tableBits
                    depth &+= 1
                    table = wordOffset(next, bytes: (w.indexMask &+ 1) &* 8)
                    baseVA = entryVA
                    tableBits |= raw
                    level &+= 1
                    shift &-= w.bitsPerLevel
                    setRange(entries: w.indexMask &+ 1)
                    continue
                }
                if lastLevel ? !tableOrPage : !w.isBlockLegal(level: level) {
                    index = i &+ 1
                    return hole(entryVA, count: 1, entrySize: entrySize, raw: raw, kind: .translation)
                }
                let oa = w.address(of: raw) & ~(entrySize &- 1)
                if oa >= w.outputLimit {
                    index = i &+ 1
                    return hole(entryVA, count: 1, entrySize: entrySize, raw: raw, kind: .addressSize)
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
        func hole(_ entryVA: UInt64, count: Int, entrySize: UInt64, raw: UInt64, kind: FaultKind) -> WalkEntry {
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            let lvl = Level(uncheckedRawValue: level)
            return WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: lvl, entries: count,
                             descriptor: Descriptor(rawValue: raw), fault: TranslationFault(kind: kind, level: lvl),
                             pa: PhysicalAddress(0), attributes: nil, order: shift &- w.pageShift)
        }
    }
}

extension TableImage {
    /// Walks `range` of one half (default: the whole canonical range of the
    /// half as TCR_EL1 sets it); see `RangeWalk`.
    public func walk(_ ttbr: TranslationTableBase, range: ClosedRange<UInt64>? = nil,
                     mergingNeighbours: Bool = false) -> RangeWalk {
        let whole = half(ttbr)?.vaRange ?? tcr.vaRange(ttbr)
        let r = range.map { $0.clamped(to: whole) } ?? whole
        // A range outside the half clamps to one end; walk nothing then.
        let empty = range.map { !$0.overlaps(whole) } ?? false
        return RangeWalk(image: self, ttbr: ttbr, first: empty ? 1 : r.lowerBound, last: empty ? 0 : r.upperBound,
                         mergingNeighbours: mergingNeighbours)
    }
}
