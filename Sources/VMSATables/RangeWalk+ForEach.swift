import VMSA


extension TableWalk {
    /// Calls `body` with every item the walk yields, in order, through a
    /// callback as Linux's page walk does. It runs the iterator's own `step`
    /// (one core for both forms), with the walk state in a local the
    /// optimiser keeps in registers.
    @inlinable
    public func forEach(_ body: (WalkEntry) throws -> Void) rethrows {
        var it = makeIterator()
        if mergingNeighbours {
            while let item = it.next() { try body(item) }
        } else {
            while let item = it.step() { try body(item) }
        }
    }
}
