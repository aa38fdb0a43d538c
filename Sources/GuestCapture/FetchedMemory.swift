import VMSA
import VMSATables

/// Physical memory read from a live guest, one table-sized, naturally
/// aligned chunk at a time (4K, 16K or 64K: the table sizes of the three
/// granules), kept for the walk core to read as a `PhysicalMemory`.
final class FetchedMemory: PhysicalMemory {
    struct Chunk {
        let base: UInt64
        let words: UnsafeMutablePointer<UInt64>
        let count: Int
    }

    /// The chunk sizes, smallest first: a table of each granule.
    static let chunkSizes: [UInt64] = [Granule.k4, .k16, .k64].map(\.pageSize)
    /// Held chunks, one dictionary per size, keyed by base.
    private var chunks: [[UInt64: Chunk]] = Array(repeating: [:], count: chunkSizes.count)
    /// Chunks the stub could not read (outside RAM), by (size index, base).
    private(set) var unreadable = Set<UInt64>()

    deinit {
        for d in chunks { for c in d.values { c.words.deallocate() } }
    }

    /// The chunk that holds a table of `bytes` at `address`.
    static func chunk(for address: UInt64, bytes: UInt64) -> (base: UInt64, bytes: UInt64) {
        let size = chunkSizes.first { $0 >= bytes } ?? chunkSizes[chunkSizes.count - 1]
        return (address & ~(size &- 1), size)
    }

    func words(at pa: UInt64, count: Int) -> UnsafePointer<UInt64>? {
        let end = pa &+ UInt64(count) &* DescriptorLayout.bytes
        for (i, size) in Self.chunkSizes.enumerated() {
            let base = pa & ~(size &- 1)
            if let c = chunks[i][base], end <= base &+ UInt64(c.count) &* DescriptorLayout.bytes {
                return UnsafePointer(c.words + Int((pa &- base) >> DescriptorLayout.shift))
            }
        }
        return nil
    }

    func isUnreadable(_ chunk: (base: UInt64, bytes: UInt64)) -> Bool { unreadable.contains(chunk.base | Self.sizeTag(chunk.bytes)) }

    /// Keeps the bytes of `chunk`, or records that it cannot be read.
    func store(_ chunk: (base: UInt64, bytes: UInt64), _ bytes: [UInt8]?) {
        guard let bytes else {
            unreadable.insert(chunk.base | Self.sizeTag(chunk.bytes))
            return
        }
        let count = bytes.count / Int(DescriptorLayout.bytes)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
        bytes.withUnsafeBytes { raw in
            for k in 0..<count { words[k] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k << Int(DescriptorLayout.shift), as: UInt64.self)) }
        }
        let i = Self.chunkSizes.firstIndex(of: chunk.bytes) ?? 0
        chunks[i][chunk.base] = Chunk(base: chunk.base, words: words, count: count)
    }

    /// A chunk's size folded into the low bits of its (aligned) base.
    private static func sizeTag(_ bytes: UInt64) -> UInt64 { UInt64(chunkSizes.firstIndex(of: bytes) ?? 0) }

    /// Bytes held.
    var bytesHeld: UInt64 { chunks.reduce(0) { $0 + $1.values.reduce(0) { $0 + UInt64($1.count) &* DescriptorLayout.bytes } } }

    /// The held memory as sorted, disjoint segments of words (overlapping
    /// chunks of different sizes merge).
    func segments() -> [(base: UInt64, words: [UInt64])] {
        let all = chunks.flatMap(\.values).sorted { $0.base < $1.base }
        var out: [(base: UInt64, words: [UInt64])] = []
        for c in all {
            let words = UnsafeBufferPointer(start: c.words, count: c.count)
            if let last = out.last, last.base &+ UInt64(last.words.count) &* DescriptorLayout.bytes >= c.base {
                let overlap = Int((last.base &+ UInt64(last.words.count) &* DescriptorLayout.bytes &- c.base) >> DescriptorLayout.shift)
                if overlap < c.count { out[out.count - 1].words += words[overlap...] }
            } else {
                out.append((c.base, Array(words)))
            }
        }
        return out
    }
}
