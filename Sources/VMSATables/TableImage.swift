import VMSA

/// A whole EL1&0 regime: the registers that describe it plus the table
/// memory they point at, which sits at physical address `tablesBase`.
///
/// Table memory is one flat buffer of little-endian words, shared
/// copy-on-write between copies of the image.
/// `@unchecked Sendable`: the cached word pointer belongs to `memory`, which is
/// never written while shared (copy-on-write).
public struct TableImage: @unchecked Sendable {
    /// Physical address of the first byte of table memory.
    public var tablesBase: UInt64 { didSet { refresh() } }
    public var tcr: TCR { didSet { refresh() } }
    public var mair: MAIR { didSet { refresh() } }
    public var ttbr0: TTBR { didSet { refresh() } }
    public var ttbr1: TTBR { didSet { refresh() } }

    @usableFromInline var memory: TableMemory {
        didSet { cacheMemory() }
    }
    /// `memory`'s buffer and size, cached so that reads need no access to
    /// the class (whose `var`s would be checked for exclusivity each time).
    @usableFromInline private(set) var wordPointer: UnsafeMutablePointer<UInt64>
    @usableFromInline private(set) var wordCount: Int
    /// Walk parameters of TTBR0 and TTBR1; nil where walks are disabled.
    @usableFromInline private(set) var half0: RegimeHalf?
    @usableFromInline private(set) var half1: RegimeHalf?
    /// Bit n set when MAIR Attr<n> is Device or Normal Non-cacheable memory,
    /// which is always Outer Shareable.
    @usableFromInline private(set) var outerShareableAttributes: UInt8 = 0
    /// Per-half scalars for translation and walks.
    @usableFromInline private(set) var walk0 = WalkParameters()
    @usableFromInline private(set) var walk1 = WalkParameters()

    /// An image over a copy of `words` (table memory from `tablesBase`).
    public init(tablesBase: UInt64, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR, words: [UInt64]) {
        let memory = words.withUnsafeBufferPointer { TableMemory(copying: $0) }
        self.init(tablesBase: tablesBase, tcr: tcr, mair: mair, ttbr0: ttbr0, ttbr1: ttbr1, memory: memory)
    }

    init(tablesBase: UInt64, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR, memory: TableMemory) {
        self.tablesBase = tablesBase
        self.tcr = tcr
        self.mair = mair
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        self.memory = memory
        wordPointer = memory.words
        wordCount = memory.count
        refresh()
    }

    private mutating func cacheMemory() {
        wordPointer = memory.words
        wordCount = memory.count
    }

    private mutating func refresh() {
        half0 = RegimeHalf(tcr: tcr, ttbr: ttbr0, half: .ttbr0)
        half1 = RegimeHalf(tcr: tcr, ttbr: ttbr1, half: .ttbr1)
        walk0 = half0.map(WalkParameters.init) ?? WalkParameters()
        walk1 = half1.map(WalkParameters.init) ?? WalkParameters()
        outerShareableAttributes = 0
        for i in 0..<MAIR.attributeCount where mair[i].isDevice || mair[i].isNonCacheable {
            outerShareableAttributes |= 1 << i
        }
    }

    /// Bytes of table memory.
    public var tablesSize: UInt64 { UInt64(wordCount) &* 8 }

    /// The walk parameters of one half, or nil when its walks are disabled
    /// (EPDx=1) or its TCR_EL1 fields are reserved.
    @inlinable
    public func half(_ ttbr: TranslationTableBase) -> RegimeHalf? { ttbr == .ttbr0 ? half0 : half1 }

    /// Table memory exactly as it sits from `tablesBase`, little-endian.
    public func tableBytes() -> [UInt8] {
        let n = wordCount
        let words = wordPointer
        return [UInt8](unsafeUninitializedCapacity: n * 8) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            for i in 0..<n {
                raw.storeBytes(of: words[i].littleEndian, toByteOffset: i * 8, as: UInt64.self)
            }
            initialized = n * 8
        }
    }

    /// Table memory as words.
    public var words: [UInt64] { Array(UnsafeBufferPointer(start: wordPointer, count: wordCount)) }

    /// Calls `body` with table memory as words, without copying.
    @inlinable
    public func withWords<R>(_ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: wordPointer, count: wordCount))
    }

    /// The word at physical address `pa` (8-byte aligned), or nil outside the image.
    @inlinable @inline(__always)
    public func word(atPhysicalAddress pa: UInt64) -> UInt64? {
        let offset = pa &- tablesBase
        guard pa >= tablesBase, pa & 7 == 0, offset >> 3 < UInt64(wordCount) else { return nil }
        return wordPointer[Int(truncatingIfNeeded: offset >> 3)]
    }

    /// Replaces the word at `pa`; returns false (and changes nothing) outside the image.
    @discardableResult
    public mutating func setWord(_ value: UInt64, atPhysicalAddress pa: UInt64) -> Bool {
        let offset = pa &- tablesBase
        guard pa >= tablesBase, pa & 7 == 0, offset >> 3 < UInt64(wordCount) else { return false }
        if !isKnownUniquelyReferenced(&memory) { memory = memory.copy() }
        wordPointer[Int(offset >> 3)] = value
        return true
    }
}

extension TableImage: Equatable {
    /// Same registers and byte-identical table memory.
    public static func == (a: TableImage, b: TableImage) -> Bool {
        a.tablesBase == b.tablesBase && a.tcr == b.tcr && a.mair == b.mair && a.ttbr0 == b.ttbr0
            && a.ttbr1 == b.ttbr1 && (a.memory === b.memory || a.memory.equals(b.memory))
    }
}
