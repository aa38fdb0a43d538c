/// Physical memory as a translation table walk reads it: every reader of
/// tables (translate, the range walk, dumps, validation, the Linux model's
/// checker) goes through this one abstraction, whatever holds the bytes: the
/// builder's contiguous arena, the sparse segments of a capture, a mapped
/// image file, or the Linux model's table arena.
///
/// Reads are table-granular: a walker asks once for the words of one table
/// and then indexes them freely, so it pays one bounds check per table and
/// none per entry. Walkers are generic over the memory and specialised, so
/// no existential is called per entry.
public protocol PhysicalMemory {
    /// The `count` consecutive 64-bit words from physical address `pa`
    /// (8-byte aligned) when this memory holds every one of them, else nil:
    /// memory that was not captured, never an invalid descriptor. The
    /// pointer stays valid until the memory is next changed.
    func words(at pa: UInt64, count: Int) -> UnsafePointer<UInt64>?

    /// Words this memory holds in one run, which a walk checks first with
    /// one comparison per table (the builder's arena, a capture's first
    /// segment); `MemoryWindow.empty` where there is no such run.
    var window: MemoryWindow { get }
}

extension PhysicalMemory {
    /// No window: every table is asked of `words(at:count:)`.
    @inlinable
    public var window: MemoryWindow { .empty }

    /// The word at `pa` (8-byte aligned), or nil when it is not held.
    @inlinable @inline(__always)
    public func word(atPhysicalAddress pa: UInt64) -> UInt64? {
        guard pa & (DescriptorLayout.bytes - 1) == 0, let p = words(at: pa, count: 1) else { return nil }
        return p.pointee
    }
}

/// The size of one translation table descriptor (VMSAv8-64: 64 bits). Table
/// offsets are entry indices times this; written once so that a 128-bit
/// descriptor format has one place to change.
public enum DescriptorLayout {
    /// Bytes of one descriptor: 8.
    public static let bytes: UInt64 = 8
    /// log2(bytes): entry index to byte offset.
    public static let shift: UInt64 = 3
}
