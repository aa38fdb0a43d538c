import VMSA

extension LinuxPageTable {
    /// Visits every entry that is not a table and not none (present, PROT_NONE,
    /// swap or migration entries, PMD and PUD leaves) whose range starts in
    /// [start, end), in address order, with its VA and level. Missing tables
    /// are skipped whole, so a sparse reservation costs nothing.
    public func forEachLeaf(from start: UInt64, to end: UInt64, _ body: (UInt64, LinuxPTE, Level) -> Void) {
        guard start < end else { return }
        visitLeaves(root, startLevel, base: 0, start, end, body)
    }

    private func visitLeaves(_ t: TableHandle, _ level: Level, base: UInt64, _ start: UInt64, _ end: UInt64,
                             _ body: (UInt64, LinuxPTE, Level) -> Void) {
        let size = Self.entrySize(at: level)
        let first = start > base ? Int((start - base) / size) : 0
        for i in first..<Self.entries {
            let va = base + UInt64(i) * size
            guard va < end else { return }
            let e = entry(t, i)
            guard !e.isNone else { continue }
            if !level.isLast, let c = child(t, i) {
                visitLeaves(c, level.next, base: va, start, end, body)
            } else if va >= start {
                body(va, e, level)
            }
        }
    }
}
