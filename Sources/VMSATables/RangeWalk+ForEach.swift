import VMSA

extension RangeWalk {
    /// Calls `body` with every item the walk yields, in order: the same
    /// items as iterating the sequence, through a callback as Linux's page
    /// walk does. The walk state lives in locals of one loop, so this is the
    /// fast way to visit every leaf.
    @inlinable
    public func forEach(_ body: (WalkEntry) throws -> Void) rethrows {
        var it = makeIterator()
        guard !mergingNeighbours, it.w.enabled, !it.done else {
            while let item = it.next() { try body(item) }
            return
        }
        let w = it.w
        let words = it.words
        let first = it.first, last = it.last
        let ttbr = it.ttbr
        let mair = it.mair, outerShareable = it.outerShareable
        let addressMask = it.addressMask
        // The walk parameters the loop reads, as locals the optimiser can keep in registers.
        let bitsPerLevel = w.bitsPerLevel, pageShift = w.pageShift, outputLimit = w.outputLimit
        let tableEntries = w.indexMask &+ 1
        let lowMask = w.lowAddressMask, highLSB = w.highAddressLSB, highMax = w.highAddressMax, highShift = w.highAddressShift
        @inline(__always) func address(_ raw: UInt64) -> UInt64 { (raw & lowMask) | (((raw &>> highLSB) & highMax) &<< highShift) }
        var table = it.table, index = it.index, endIndex = it.endIndex
        var level = it.level, shift = it.shift
        var baseVA = it.baseVA, tableBits = it.tableBits
        var depth = 0
        var savedTable: InlineArray<5, Int> = .init(repeating: 0)
        var savedIndex: InlineArray<5, Int> = .init(repeating: 0)
        var savedEnd: InlineArray<5, Int> = .init(repeating: 0)
        var savedBaseVA: InlineArray<5, UInt64> = .init(repeating: 0)
        var savedBits: InlineArray<5, UInt64> = .init(repeating: 0)

        @inline(__always) func read(_ t: Int, _ i: Int) -> UInt64 { t < 0 ? 0 : words[t &+ i] }
        @inline(__always) func hole(_ entryVA: UInt64, _ count: Int, _ entrySize: UInt64, _ raw: UInt64, _ kind: FaultKind,
                                    _ level: Int, _ shift: Int) -> WalkEntry {
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            let l = Level(uncheckedRawValue: level)
            return WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: l, entries: count,
                             descriptor: Descriptor(rawValue: raw), fault: TranslationFault(kind: kind, level: l),
                             pa: PhysicalAddress(0), attributes: nil, order: shift &- pageShift)
        }

        while true {
            if index > endIndex {
                if depth == 0 { return }
                depth &-= 1
                table = savedTable[depth]
                index = savedIndex[depth] &+ 1
                endIndex = savedEnd[depth]
                baseVA = savedBaseVA[depth]
                tableBits = savedBits[depth]
                level &-= 1
                shift &+= bitsPerLevel
                continue
            }
            let i = index
            let raw = read(table, i)
            let entrySize: UInt64 = 1 &<< UInt64(shift)
            let entryVA = baseVA &+ UInt64(i) &<< UInt64(shift)
            let lastLevel = Level(uncheckedRawValue: level).isLast
            if raw & 1 == 0 {
                var j = i
                while j < endIndex, read(table, j &+ 1) & 1 == 0 { j &+= 1 }
                index = j &+ 1
                try body(hole(entryVA, j &- i &+ 1, entrySize, raw, .translation, level, shift))
                continue
            }
            let tableOrPage = raw & 0b10 != 0
            if !lastLevel && tableOrPage {
                let next = address(raw)
                if next >= outputLimit {
                    index = i &+ 1
                    try body(hole(entryVA, 1, entrySize, raw, .addressSize, level, shift))
                    continue
                }
                savedTable[depth] = table
                savedIndex[depth] = i
                savedEnd[depth] = endIndex
                savedBaseVA[depth] = baseVA
                savedBits[depth] = tableBits
                depth &+= 1
                table = it.wordOffset(next, bytes: tableEntries &* 8)
                baseVA = entryVA
                tableBits |= raw
                level &+= 1
                shift &-= bitsPerLevel
                let s = UInt64(shift)
                let lo = Swift.max(first, baseVA), hi = Swift.min(last, baseVA &+ ((tableEntries &<< s) &- 1))
                index = Int(truncatingIfNeeded: (lo &- baseVA) &>> s)
                endIndex = Int(truncatingIfNeeded: (hi &- baseVA) &>> s)
                continue
            }
            if lastLevel ? !tableOrPage : !w.isBlockLegal(level: level) {
                index = i &+ 1
                try body(hole(entryVA, 1, entrySize, raw, .translation, level, shift))
                continue
            }
            let oa = address(raw) & ~(entrySize &- 1)
            if oa >= outputLimit {
                index = i &+ 1
                try body(hole(entryVA, 1, entrySize, raw, .addressSize, level, shift))
                continue
            }
            var count = 1
            if Descriptor.Bits.contiguous.isSet(raw) {
                let n = w.contiguousCount(level: level)
                if n > 0, i % n == 0, i &+ n &- 1 <= endIndex {
                    count = n
                    for k in 1..<n {
                        let r = read(table, i &+ k)
                        if (r ^ raw) & ~addressMask != 0 || address(r) != address(raw) &+ UInt64(k) &* entrySize {
                            count = 1
                            break
                        }
                    }
                }
            }
            index = i &+ count
            let attributes = TableImage.leafAttributes(raw, tableBits: tableBits, walk: w, mair: mair, outerShareable: outerShareable)
            let start = Swift.max(entryVA, first)
            let end = Swift.min(entryVA &+ (UInt64(count) &* entrySize &- 1), last)
            try body(WalkEntry(ttbr: ttbr, va: VirtualAddress(start), size: end &- start &+ 1, level: Level(uncheckedRawValue: level),
                               entries: count, descriptor: Descriptor(rawValue: raw), fault: nil,
                               pa: PhysicalAddress(oa &+ (start &- entryVA)), attributes: attributes, order: shift &- pageShift))
        }
    }
}
