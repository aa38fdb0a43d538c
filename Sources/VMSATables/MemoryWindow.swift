/// One run of consecutive words a `PhysicalMemory` holds at one physical
/// address, which a walk checks each table against with one comparison
/// before it asks the memory itself: the builder's arena is one such run, a
/// capture's first segment another. A table outside the window is not
/// missing, only not held here: the walk then asks `words(at:count:)`.
public struct MemoryWindow {
    /// Physical address of the first word.
    public let base: UInt64
    /// Words held from `base`.
    public let count: UInt64
    /// The words; nil only when `count` is 0.
    @usableFromInline let start: UnsafePointer<UInt64>?

    /// A window of `count` words at physical address `base` (8-byte
    /// aligned), read through `words`, which the caller keeps valid for as
    /// long as the window is used.
    @inlinable
    public init(base: UInt64, count: UInt64, words: UnsafePointer<UInt64>?) {
        precondition(base & (DescriptorLayout.bytes &- 1) == 0 && (count == 0 || words != nil), "a window holds aligned words")
        self.base = base
        self.count = words == nil ? 0 : count
        start = words
    }

    /// The window that holds nothing: every table is asked of the memory.
    // Computed, not stored: a stored static is a lazily initialised global.
    @inlinable
    public static var empty: MemoryWindow { MemoryWindow(unchecked: 0, count: 0, start: nil) }

    @inlinable @inline(__always)
    init(unchecked base: UInt64, count: UInt64, start: UnsafePointer<UInt64>?) {
        self.base = base
        self.count = count
        self.start = start
    }

    /// The `entries` words from `pa` when the window holds all of them.
    /// `pa` is 8-byte aligned, as every table address a walk computes is.
    @inlinable @inline(__always)
    public func words(at pa: UInt64, entries: UInt64) -> UnsafePointer<UInt64>? {
        // An address below the base wraps the index to 2^61 or more, and
        // callers ask for fewer than 2^63 words: the sum cannot wrap, and
        // one comparison covers both ends.
        let index = (pa &- base) &>> DescriptorLayout.shift
        guard index &+ entries <= count else { return nil }
        return start.unsafelyUnwrapped + Int(truncatingIfNeeded: index)
    }
}
