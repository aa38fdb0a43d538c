import VMSA

extension TableImage {
    /// The pages of memory this image's tables occupy: every table reachable
    /// from an enabled half through the walk core, rounded out to whole
    /// pages of the smallest granule (4K, the page a capture reads), merged
    /// into sorted, disjoint (PA, bytes) runs. A table the image does not
    /// hold is not included. With `data`, also the pages the leaves map
    /// (a capture's data pages), where the image holds them.
    package func reachablePages(data: Bool = false) -> [(base: UInt64, bytes: UInt64)] {
        reachablePages(ReachableTables(regime, in: self), data: data)
    }

    /// The same from tables already found.
    func reachablePages(_ reach: ReachableTables, data: Bool) -> [(base: UInt64, bytes: UInt64)] {
        let page = Granule.k4.pageSize
        var spans = reach.pages(of: .k4).map { ($0.base, $0.base &+ $0.bytes) }
        if data {
            let held = memorySegments.map { ($0.base.rawValue, $0.bytes) }
            for ttbr in TranslationTableBase.allCases where regime.half(ttbr) != nil {
                walk(ttbr).forEach { item in
                    guard item.isLeaf else { return }
                    let start = item.pa.rawValue & ~(page &- 1)
                    let end = (item.pa.rawValue &+ item.size &+ page &- 1) & ~(page &- 1)
                    // Only what the image holds: a block may map gigabytes it never captured.
                    for (base, bytes) in held where base < end && base &+ bytes > start {
                        spans.append((max(start, base & ~(page &- 1)), min(end, (base &+ bytes &+ page &- 1) & ~(page &- 1))))
                    }
                }
            }
        }
        return ReachableTables.merged(spans)
    }

    /// The same regime and state over only `reachablePages(data:)`: what
    /// `vmsa convert` and `vmsa import` write. Parts of a page the image
    /// does not hold (a sub-page root at the edge of a segment) are left
    /// out, never invented; the result is partial when some table the walks
    /// reach is not held (a dump's tables pointing outside it).
    public func reachable(data: Bool = false) -> TableImage {
        reachable(from: ReachableTables(regime, in: self), data: data)
    }

    /// `reachable(data:)` from a walk of this image's tables already made.
    public func reachable(from reach: ReachableTables, data: Bool = false) -> TableImage {
        let page = Granule.k4.pageSize
        let pageWords = Int(page >> DescriptorLayout.shift)
        var segments: [ImageSegment] = []
        var runBase: UInt64 = 0
        var run: [UInt64] = []
        func flush() {
            if !run.isEmpty { segments.append(ImageSegment(base: runBase, memory: run.withUnsafeBufferPointer { TableMemory(copying: $0) })) }
            run.removeAll(keepingCapacity: true)
        }
        func append(_ pa: UInt64, _ words: UnsafePointer<UInt64>, _ count: Int) {
            if run.isEmpty || runBase &+ UInt64(run.count) &* DescriptorLayout.bytes != pa {
                flush()
                runBase = pa
            }
            run.append(contentsOf: UnsafeBufferPointer(start: words, count: count))
        }
        for (base, bytes) in reachablePages(reach, data: data) {
            var pa = base
            while pa < base &+ bytes {
                if let p = words(at: pa, count: pageWords) {
                    append(pa, p, pageWords)
                } else {
                    // A page held only in part: keep the words that are held.
                    for k in 0..<pageWords {
                        let at = pa &+ UInt64(k) &* DescriptorLayout.bytes
                        if let w = words(at: at, count: 1) { append(at, w, 1) } else { flush() }
                    }
                }
                pa &+= page
            }
        }
        flush()
        var kept = TableImage(regime: regime, state: state, segments: segments)
        kept.isPartial = !reach.missing.isEmpty
        return kept
    }
}
