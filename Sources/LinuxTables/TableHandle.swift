/// One table of a `TableArena`: its number there, so that it sits at
/// physical address `base + number * pageSize` (a Linux `pte_t *` or
/// `pmd_t *` page, in the model's terms). A handle means something only to
/// the arena that handed it out, and only while the table is allocated.
public struct TableHandle: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The table's number in its arena, from 0.
    public var rawValue: Int
    /// The table numbered `rawValue`.
    @inlinable @inline(__always) public init(rawValue: Int) { self.rawValue = rawValue }
    /// Handles order by table number (which is physical-address order).
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// `table N`.
    public var description: String { "table \(rawValue)" }
}
