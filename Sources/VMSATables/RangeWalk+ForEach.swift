import VMSA

extension TableWalk {
    /// Calls `body` with every item the walk yields, in order, through a
    /// callback as Linux's page walk does. It runs the iterator's own
    /// `advance` (one core for both forms), with the walk state in a local
    /// the optimiser keeps in registers. Always inlined: a copy of this
    /// loop specialised for the caller's closure would take the closure's
    /// captured state as pointers and store it on every item.
    @inlinable @inline(__always)
    public func forEach(_ body: (WalkEntry) throws -> Void) rethrows {
        if mergingNeighbours {
            let it = makeIterator()
            while let item = it.next() { try body(item) }
        } else {
            // The core and its state in locals: no iterator to allocate.
            var cursor = WalkCursor(), stack = WalkStack()
            let core = Core(memory: memory, regime: regime, ttbr: ttbr, first: first, last: last, cursor: &cursor)
            try core.advance(&cursor, &stack) { try body($0); return true }
        }
    }
}
