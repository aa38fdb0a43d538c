import VMSA

/// The tables a regime's walks can reach in some memory: what a capture
/// reads, an import keeps and `convert` writes. Walked through the walk
/// core (`root`/`child`), so a table is reachable exactly when some
/// translation would read it.
public struct ReachableTables {
    /// One table the walk reached.
    public struct Table: Hashable, Sendable {
        /// The half whose walks reach the table.
        public let ttbr: TranslationTableBase
        /// The table's PA.
        public let address: UInt64
        /// The level the table is walked at.
        public let level: Level
        /// Bytes the table occupies (a start-level table may be smaller than a page).
        public let bytes: UInt64

        /// What a walk that needs this table reports when memory lacks it.
        public var notCaptured: TranslationFault { .notCaptured(address, level: level) }
    }

    /// Every reachable table the memory holds, each once, in discovery order.
    public private(set) var tables: [Table] = []
    /// Each table a walk needs that the memory does not hold, each once:
    /// where a capture reads next, and what an import warns about.
    public private(set) var missing: [Table] = []

    /// Walks both halves of `regime` over `memory`.
    public init<Memory: PhysicalMemory>(_ regime: TranslationRegime, in memory: Memory) {
        var seen = Set<UInt64>()
        var missed = Set<UInt64>()
        for ttbr in TranslationTableBase.allCases {
            guard let first = regime.root(ttbr, in: memory) else { continue }
            let w = regime.walkParameters(ttbr)
            let tableBytes = UInt64(w.tableEntries) &* DescriptorLayout.bytes
            let rootBytes = UInt64(w.rootEntries) &* DescriptorLayout.bytes
            var stack = [first]
            while let next = stack.popLast() {
                switch next {
                case .failure(let fault):
                    guard let pa = fault.table?.rawValue, missed.insert(pa).inserted else { continue }
                    let isRoot = fault.level.rawValue == w.startLevel
                    missing.append(Table(ttbr: ttbr, address: pa, level: fault.level, bytes: isRoot ? rootBytes : tableBytes))
                case .success(let table):
                    guard seen.insert(table.address).inserted else { continue }
                    tables.append(Table(ttbr: ttbr, address: table.address, level: table.level,
                                        bytes: UInt64(table.count) &* DescriptorLayout.bytes))
                    for i in 0..<table.count {
                        if let child = regime.child(of: table, at: i, in: memory) { stack.append(child) }
                    }
                }
            }
        }
    }

    /// The pages of `granule` size (a capture reads 4K pages) that the
    /// tables occupy, merged into sorted, disjoint (PA, bytes) runs.
    public func pages(of granule: Granule = .k4) -> [(base: UInt64, bytes: UInt64)] {
        let page = granule.pageSize
        return Self.merged(tables.map { t in
            (t.address & ~(page &- 1), (t.address &+ t.bytes &+ page &- 1) & ~(page &- 1))
        })
    }

    /// Sorted, disjoint (base, bytes) runs covering the half-open [start, end) spans.
    static func merged(_ spans: [(UInt64, UInt64)]) -> [(base: UInt64, bytes: UInt64)] {
        var out: [(base: UInt64, bytes: UInt64)] = []
        for (start, end) in spans.sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, last.base &+ last.bytes >= start {
                out[out.count - 1].bytes = max(last.bytes, end &- last.base)
            } else {
                out.append((start, end &- start))
            }
        }
        return out
    }
}
