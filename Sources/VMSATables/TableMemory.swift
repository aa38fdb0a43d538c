#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Table memory: one contiguous buffer of little-endian 64-bit words, grown
/// with `realloc` so that large arenas move by remapping rather than by
/// copying (glibc uses mremap for big blocks), which keeps a builder's peak
/// memory close to the table bytes themselves. Shared copy-on-write by
/// `TableImage` and `TableBuilder`; only ever mutated while uniquely held.
/// It may instead be a view of a segment of a `MappedFile`, which it then
/// keeps alive; growing such a view first copies it into its own buffer.
@usableFromInline
final class TableMemory: @unchecked Sendable {
    // Unchecked exclusivity: these are read on every table access, and the
    // class is only mutated while uniquely held, so no access can overlap.
    @exclusivity(unchecked) @usableFromInline private(set) var words: UnsafeMutablePointer<UInt64>
    /// Words in use.
    @exclusivity(unchecked) @usableFromInline private(set) var count: Int
    private var capacity: Int
    /// The mapped file `words` points into, or nil when `words` is malloc'ed.
    private var mapping: MappedFile?

    /// An empty arena with room for `capacity` words.
    init(capacity: Int = 0) {
        let cap = max(capacity, 1)
        guard let raw = malloc(cap * MemoryLayout<UInt64>.stride) else { fatalError("out of memory for table memory") }
        words = raw.assumingMemoryBound(to: UInt64.self)
        count = 0
        self.capacity = cap
    }

    /// An arena holding a copy of `source`.
    convenience init(copying source: UnsafeBufferPointer<UInt64>) {
        self.init(capacity: source.count)
        if let base = source.baseAddress { words.update(from: base, count: source.count) }
        count = source.count
    }

    /// An arena holding the little-endian words in `bytes` (a multiple of 8 bytes).
    convenience init(littleEndian bytes: UnsafeRawBufferPointer) {
        let n = bytes.count / 8
        self.init(capacity: n)
        for i in 0..<n { words[i] = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        count = n
    }

    /// A view of `count` words at `byteOffset` (8-byte aligned) of `file`.
    init(viewing file: MappedFile, byteOffset: Int, count: Int) {
        precondition(byteOffset % MemoryLayout<UInt64>.alignment == 0 && byteOffset + count * 8 <= file.bytes.count)
        words = (file.bytes.baseAddress! + byteOffset).bindMemory(to: UInt64.self, capacity: count)
        self.count = count
        capacity = count
        mapping = file
    }

    deinit { if mapping == nil { free(words) } }

    func copy() -> TableMemory {
        TableMemory(copying: UnsafeBufferPointer(start: words, count: count))
    }

    /// Extends the arena to `newCount` words; the new words are zero.
    func grow(to newCount: Int) { grow(to: newCount, zeroingUpTo: newCount) }

    /// Extends the arena to `newCount` words, zeroing the new words below
    /// `zeroEnd` and leaving the rest for the caller, who writes every one
    /// of them before anything reads the arena.
    // Inlined: the builder calls it once per table; the rare paths are not.
    @inline(__always)
    func grow(to newCount: Int, zeroingUpTo zeroEnd: Int) {
        precondition(newCount >= count && (count...newCount).contains(zeroEnd), "table memory never shrinks")
        if mapping != nil || newCount > capacity { makeRoom(for: newCount) }
        (words + count).initialize(repeating: 0, count: zeroEnd - count)
        count = newCount
    }

    /// Owns the words and makes the capacity at least `newCount`.
    @inline(never)
    private func makeRoom(for newCount: Int) {
        if mapping != nil { ownWords() }
        if newCount > capacity {
            // Grow by half again so appends stay amortised O(1) without
            // doubling the footprint.
            let target = max(newCount, capacity + capacity / 2)
            guard let raw = realloc(words, target * MemoryLayout<UInt64>.stride) else {
                fatalError("out of memory growing table memory to \(target * 8) bytes")
            }
            words = raw.assumingMemoryBound(to: UInt64.self)
            capacity = target
        }
    }

    /// Replaces a view of a mapped file by a malloc'ed copy of its words.
    private func ownWords() {
        guard let raw = malloc(max(capacity, 1) * MemoryLayout<UInt64>.stride) else { fatalError("out of memory for table memory") }
        let owned = raw.assumingMemoryBound(to: UInt64.self)
        owned.update(from: words, count: count)
        words = owned
        mapping = nil
    }

    /// Makes the capacity match the words in use.
    func shrinkToFit() {
        guard mapping == nil, capacity > count, count > 0, let raw = realloc(words, count * MemoryLayout<UInt64>.stride) else { return }
        words = raw.assumingMemoryBound(to: UInt64.self)
        capacity = count
    }

    @inlinable
    var buffer: UnsafeMutableBufferPointer<UInt64> { UnsafeMutableBufferPointer(start: words, count: count) }

    func equals(_ other: TableMemory) -> Bool {
        count == other.count && memcmp(words, other.words, count * MemoryLayout<UInt64>.stride) == 0
    }
}
