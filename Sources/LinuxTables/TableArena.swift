#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import VMSA
import VMSATables

/// Translation-table memory of one granule: one flat, growable buffer of
/// 64-bit words in which the table with handle `n` sits at physical address
/// `base + n * pageSize`. Freed tables are reused first. Beside the words it
/// keeps, per table, a reference count and the word index of the descriptor
/// that points at it, for the owner to use.
///
/// Pointers into the buffer stay valid only until the next `allocate()`.
/// The buffers grow with `realloc`, so that a large arena moves by
/// remapping (glibc uses mremap for big blocks) rather than by copying
/// into a second buffer: peak memory stays about the tables themselves.
///
/// Library users read an arena (it is the `PhysicalMemory` the walk core
/// reads the model's tables through); only the tables that own it allocate,
/// free and write.
public final class TableArena: PhysicalMemory {
    /// The translation granule: every table is one page of it.
    public let granule: Granule
    /// Physical address of table 0.
    public let base: UInt64
    /// Most tables this arena will hold.
    public let limit: Int
    /// 64-bit descriptors per table: `granule.entriesPerTable` (512 at 4K, 2048 at 16K,
    /// 8192 at 64K).
    public let wordsPerTable: Int

    // The buffers are only replaced inside `allocate()`; hot paths read them
    // once, so dynamic exclusivity checks would only cost time.
    @exclusivity(unchecked) @usableFromInline var words: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) @usableFromInline var refs: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) @usableFromInline var parents: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) @usableFromInline var live: UnsafeMutablePointer<Bool>
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    /// Tables ever handed out (live or on the free list).
    public private(set) var highWater = 0
    private var freeList: [TableHandle] = []
    /// Tables currently allocated.
    public private(set) var liveTables = 0

    /// An empty arena of `granule` tables from the granule-aligned `base`, holding at
    /// most `limit` tables, with room for `initialCapacity` before it first grows.
    package init(granule: Granule, base: UInt64, limit: Int, initialCapacity: Int = 16) {
        precondition(base & (granule.pageSize - 1) == 0, "table base must be granule-aligned")
        self.granule = granule
        self.base = base
        self.limit = limit
        wordsPerTable = granule.entriesPerTable
        capacity = max(1, min(initialCapacity, limit))
        words = Self.resized(nil, capacity * wordsPerTable)
        refs = Self.resized(nil, capacity)
        parents = Self.resized(nil, capacity)
        live = Self.resized(nil, capacity)
        live.initialize(repeating: false, count: capacity)
    }

    deinit {
        releaseBuffer(words)
        releaseBuffer(refs)
        releaseBuffer(parents)
        releaseBuffer(live)
    }

    /// `old` (nil: nothing yet) resized to `count` elements of a trivial
    /// type, its contents kept.
    private static func resized<T>(_ old: UnsafeMutablePointer<T>?, _ count: Int) -> UnsafeMutablePointer<T> {
        guard let raw = realloc(old, max(count, 1) * MemoryLayout<T>.stride) else {
            fatalError("out of memory growing a table arena to \(count * MemoryLayout<T>.stride) bytes")
        }
        return raw.assumingMemoryBound(to: T.self)
    }

    /// Bytes of table memory in use.
    public var liveBytes: UInt64 { UInt64(liveTables) * granule.pageSize }

    /// A zeroed table with no references and no parent, or nil at the limit.
    package func allocate() -> TableHandle? {
        let t: TableHandle
        if let reused = freeList.popLast() {
            t = reused
        } else {
            guard highWater < limit else { return nil }
            if highWater == capacity { grow() }
            t = TableHandle(rawValue: highWater)
            highWater += 1
        }
        // memset, not initialize(repeating:): an instrumented build (the fuzz
        // targets') keeps the generic loop a loop, one compare per word of a
        // 64K table.
        memset(words(of: t), 0, wordsPerTable * MemoryLayout<UInt64>.stride)
        refs[t.rawValue] = 0
        parents[t.rawValue] = -1
        live[t.rawValue] = true
        liveTables += 1
        return t
    }

    /// Returns allocated table `t` to the free list; its words are zeroed when it is
    /// handed out again.
    package func free(_ t: TableHandle) {
        precondition(t.rawValue >= 0 && t.rawValue < highWater && live[t.rawValue], "freeing a table that is not allocated")
        live[t.rawValue] = false
        liveTables -= 1
        freeList.append(t)
    }

    /// Frees every table at once.
    package func freeAll() {
        live.update(repeating: false, count: highWater)
        freeList = (0..<highWater).reversed().map(TableHandle.init(rawValue:))
        liveTables = 0
    }

    /// Returns the arena to its state when new, keeping its memory: no table
    /// live and the hand-out order restarted, so the next tables are those a
    /// new arena would give (`allocate()` zeroes each one it hands out).
    package func reset() {
        live.update(repeating: false, count: highWater)
        freeList.removeAll(keepingCapacity: true)
        highWater = 0
        liveTables = 0
    }

    private func grow() {
        let newCapacity = min(limit, capacity * 2)
        words = Self.resized(words, newCapacity * wordsPerTable)
        refs = Self.resized(refs, newCapacity)
        parents = Self.resized(parents, newCapacity)
        live = Self.resized(live, newCapacity)
        (live + capacity).initialize(repeating: false, count: newCapacity - capacity)
        capacity = newCapacity
    }

    /// Whether `t` is a table currently allocated.
    @inlinable public func isLive(_ t: TableHandle) -> Bool { t.rawValue >= 0 && t.rawValue < capacity && live[t.rawValue] }

    /// Physical address of table `t`.
    @inlinable @inline(__always)
    public func physicalAddress(of t: TableHandle) -> UInt64 { base &+ UInt64(t.rawValue) &* granule.pageSize }

    /// The live table at `pa` (which must be its first byte), or nil.
    @inlinable
    public func table(atPhysicalAddress pa: UInt64) -> TableHandle? {
        guard pa >= base, (pa &- base) & (granule.pageSize &- 1) == 0 else { return nil }
        let offset = (pa &- base) >> UInt64(granule.pageShift)
        guard offset < UInt64(capacity) else { return nil }
        let t = Int(offset)
        return live[t] ? TableHandle(rawValue: t) : nil
    }

    /// Word `i` of table `t`: the descriptor at physical address
    /// `physicalAddress(of: t) + 8 * i`. Neither index is checked.
    @inlinable @inline(__always)
    public package(set) subscript(table t: TableHandle, index i: Int) -> UInt64 {
        get { words[t.rawValue &* wordsPerTable &+ i] }
        set { words[t.rawValue &* wordsPerTable &+ i] = newValue }
    }

    /// Table `t`'s reference count, kept for the owner (the mirror counts
    /// a table's non-zero entries and the lists that name it).
    @inlinable @inline(__always)
    subscript(referencesOf t: TableHandle) -> Int32 {
        get { refs[t.rawValue] }
        set { refs[t.rawValue] = newValue }
    }

    /// The descriptor that points at table `t` (its table and index), or
    /// nil for a root or a table not linked yet.
    @inlinable
    func parent(of t: TableHandle) -> (table: TableHandle, index: Int)? {
        let word = parents[t.rawValue]
        guard word >= 0 else { return nil }
        return (TableHandle(rawValue: word / wordsPerTable), word % wordsPerTable)
    }

    /// Records that entry `index` of `table` points at `child`.
    @inlinable @inline(__always)
    func setParent(of child: TableHandle, table: TableHandle, index: Int) {
        parents[child.rawValue] = table.rawValue &* wordsPerTable &+ index
    }

    /// The first of table `t`'s words, for loops over a whole table.
    @inlinable @inline(__always)
    func words(of t: TableHandle) -> UnsafeMutablePointer<UInt64> { words + t.rawValue &* wordsPerTable }

    /// The `count` words from `pa` when they lie inside one live table
    /// (`PhysicalMemory`): what the walk core reads the model's tables through.
    @inlinable
    public func words(at pa: UInt64, count: Int) -> UnsafePointer<UInt64>? {
        guard pa >= base, pa & (DescriptorLayout.bytes &- 1) == 0 else { return nil }
        let t = (pa &- base) >> UInt64(granule.pageShift)
        guard t < UInt64(capacity), live[Int(t)] else { return nil }
        let word = Int((pa &- base) >> DescriptorLayout.shift)
        guard count <= (Int(t) &+ 1) &* wordsPerTable &- word else { return nil }
        return UnsafePointer(words + word)
    }
}

/// C's free(3), which `TableArena.free(_:)` hides inside the class.
private func releaseBuffer(_ p: UnsafeMutableRawPointer) { free(p) }
