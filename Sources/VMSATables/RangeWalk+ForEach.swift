import VMSA


extension TableWalk {
    /// Calls `body` with every item the walk yields, in order, through a
    /// callback as Linux's page walk does. It runs the iterator's own
    /// `advance` (one core for both forms), with the walk state in a local
    /// the optimiser keeps in registers.
    @inlinable
    public func forEach(_ body: (WalkEntry) throws -> Void) rethrows {
        if mergingNeighbours {
            var it = makeIterator()
            while let item = it.next() { try body(item) }
        } else {
            let it = makeIterator()
            var cursor = it.cursor, stack = it.stack
            try it.advance(&cursor, &stack) { try body($0); return true }
        }
    }
}
