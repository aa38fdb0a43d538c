import VMSA

/// A whole EL1&0 regime: its registers (a `TranslationRegime`), the CPU
/// state translation depends on, and the physical memory holding its tables
/// as sorted, disjoint segments. An image the builder made has one segment
/// (the contiguous arena at `tablesBase`); a capture or a converted image
/// holds only the pages its tables sit in.
///
/// Memory is shared copy-on-write between copies of the image.
/// `@unchecked Sendable`: the cached segment pointers belong to `segments`,
/// whose storage is never written while shared.
public struct TableImage: PhysicalMemory, @unchecked Sendable {
    /// The registers and each half's geometry, computed once.
    public private(set) var regime: TranslationRegime
    /// TCR_EL1 (or the regime's control register in TCR_EL1 layout); setting it recomputes the regime.
    public var tcr: TCR {
        get { regime.tcr }
        set { regime = TranslationRegime(kind: regime.kind, tcr: newValue, mair: mair, ttbr0: ttbr0, ttbr1: ttbr1) }
    }
    /// MAIR_EL1; setting it recomputes the regime.
    public var mair: MAIR {
        get { regime.mair }
        set { regime = TranslationRegime(kind: regime.kind, tcr: tcr, mair: newValue, ttbr0: ttbr0, ttbr1: ttbr1) }
    }
    /// TTBR0_EL1; setting it recomputes the regime.
    public var ttbr0: TTBR {
        get { regime.ttbr0 }
        set { regime = TranslationRegime(kind: regime.kind, tcr: tcr, mair: mair, ttbr0: newValue, ttbr1: ttbr1) }
    }
    /// TTBR1_EL1; setting it recomputes the regime.
    public var ttbr1: TTBR {
        get { regime.ttbr1 }
        set { regime = TranslationRegime(kind: regime.kind, tcr: tcr, mair: mair, ttbr0: ttbr0, ttbr1: newValue) }
    }
    /// The CPU state the image was taken in (SCTLR_EL1, PSTATE.PAN);
    /// zero and false for built images.
    public var state: CPUState
    /// The memory is a dump that lacks some table the walks reach (an
    /// import): the loader accepts such an image, and walks through a
    /// missing table end `notCaptured`. False for everything vmsa builds,
    /// whose every reachable table must be held.
    public var isPartial = false
    /// The stage 2 under an EL1&0 image (HCR_EL2.VM=1): the stage-1 tables
    /// sit at IPAs, and `memory` holds both stages' tables at their PAs.
    public var stage2: TranslationRegime?
    /// HCR_EL2 (VM, FWB, PTW) when there is a stage 2; zero otherwise.
    public var hcr = HCR(rawValue: 0)

    /// Both stages as one regime value, when there is a stage 2.
    public var twoStage: TwoStageRegime? {
        stage2.map { TwoStageRegime(stage1: regime, stage2: $0, hcr: hcr) }
    }

    /// Sorted by base, disjoint.
    @usableFromInline var segments: [ImageSegment] { didSet { cacheSegments() } }
    /// The first segment, cached so that the common one-segment image
    /// reads tables with no access to the array or class
    /// (`PhysicalMemory.window`).
    public private(set) var window = MemoryWindow.empty

    /// An image over a copy of `words` (table memory from `tablesBase`).
    public init(tablesBase: UInt64, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR, words: [UInt64]) {
        let memory = words.withUnsafeBufferPointer { TableMemory(copying: $0) }
        self.init(tablesBase: tablesBase, tcr: tcr, mair: mair, ttbr0: ttbr0, ttbr1: ttbr1, memory: memory)
    }

    init(tablesBase: UInt64, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR, memory: TableMemory) {
        self.init(tablesBase: tablesBase, regime: TranslationRegime(tcr: tcr, mair: mair, ttbr0: ttbr0, ttbr1: ttbr1), memory: memory)
    }

    init(tablesBase: UInt64, regime: TranslationRegime, memory: TableMemory) {
        self.init(regime: regime, state: CPUState(),
                  segments: memory.count == 0 ? [] : [ImageSegment(base: tablesBase, memory: memory)])
    }

    /// An image over sparse memory: each segment's words at its physical
    /// address. Refuses segments that are misaligned, empty, overlapping or
    /// beyond the 52-bit physical address space.
    public init(regime: TranslationRegime, state: CPUState = CPUState(),
                segments: [(base: UInt64, words: [UInt64])]) throws(ImageError) {
        let sorted = segments.sorted { $0.base < $1.base }
        var built: [ImageSegment] = []
        for s in sorted {
            try ImageSegment.check(base: s.base, bytes: UInt64(s.words.count) &* DescriptorLayout.bytes, after: built.last)
            built.append(ImageSegment(base: s.base, memory: s.words.withUnsafeBufferPointer { TableMemory(copying: $0) }))
        }
        self.init(regime: regime, state: state, segments: built)
    }

    init(regime: TranslationRegime, state: CPUState, segments: [ImageSegment]) {
        self.regime = regime
        self.state = state
        self.segments = segments
        cacheSegments()
    }

    private mutating func cacheSegments() {
        window = segments.first.map { MemoryWindow(base: $0.base, count: UInt64($0.memory.count), words: $0.memory.words) } ?? .empty
    }

    /// Each half's geometry, or nil when its walks are disabled (EPDx=1) or
    /// its TCR_EL1 fields are reserved.
    @inlinable
    public func half(_ ttbr: TranslationTableBase) -> RegimeHalf? { regime.half(ttbr) }

    // MARK: Memory

    /// The segments of physical memory the image holds, in PA order.
    public var memorySegments: [(base: PhysicalAddress, bytes: UInt64)] {
        segments.map { (PhysicalAddress($0.base), $0.bytes) }
    }

    /// Bytes of memory the image holds.
    public var capturedBytes: UInt64 { segments.reduce(0) { $0 &+ $1.bytes } }

    /// Physical address of the lowest byte held (0 for an empty image).
    public var tablesBase: UInt64 { segments.first?.base ?? 0 }

    /// Bytes from `tablesBase` to the end of the highest segment: the size of
    /// the contiguous memory `tableBytes()` writes.
    public var tablesSize: UInt64 {
        guard let first = segments.first, let last = segments.last else { return 0 }
        return last.base &+ last.bytes &- first.base
    }

    /// `count` descriptor words at `pa`, nil unless all of them lie in one held segment and `pa` is 8-byte aligned.
    @inlinable @inline(__always)
    public func words(at pa: UInt64, count: Int) -> UnsafePointer<UInt64>? {
        // One segment (the builder's arena) needs one comparison; a count
        // below 2^63 (the conversion traps on a negative one) keeps the
        // window's sum from wrapping.
        let n = UInt64(count)
        if pa & (DescriptorLayout.bytes &- 1) == 0, let w = window.words(at: pa, entries: n) { return w }
        return segments.count > 1 ? sparseWords(at: pa, count: n) : nil
    }

    /// The segment search for images with more than one segment.
    @usableFromInline
    func sparseWords(at pa: UInt64, count: UInt64) -> UnsafePointer<UInt64>? {
        guard pa & (DescriptorLayout.bytes &- 1) == 0 else { return nil }
        // The last segment whose base is at or below `pa`.
        var lo = 0, hi = segments.count
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if segments[mid].base <= pa { lo = mid &+ 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = segments[lo &- 1]
        let index = (pa &- s.base) >> DescriptorLayout.shift
        let held = UInt64(s.memory.count)
        guard index < held, count <= held &- index else { return nil }
        return UnsafePointer(s.memory.words + Int(index))
    }

    /// Memory exactly as it sits from `tablesBase` for `tablesSize` bytes,
    /// little-endian, with zeros where no segment is held.
    public func tableBytes() -> [UInt8] {
        withUnsafeTableBytes { Array($0) }
    }

    /// Memory from `tablesBase` as words (zeros between segments).
    public var words: [UInt64] { withWords { Array($0) } }

    /// Calls `body` with memory from `tablesBase` as words; without a copy
    /// for an image of one segment.
    public func withWords<R>(_ body: (UnsafeBufferPointer<UInt64>) throws -> R) rethrows -> R {
        if segments.count <= 1 {
            return try body(UnsafeBufferPointer(start: window.start, count: Int(window.count)))
        }
        var flat = [UInt64](repeating: 0, count: Int(tablesSize >> DescriptorLayout.shift))
        for s in segments {
            let at = Int((s.base &- tablesBase) >> DescriptorLayout.shift)
            for i in 0..<s.memory.count { flat[at + i] = s.memory.words[i] }
        }
        return try flat.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with each segment's base and words, in PA order.
    package func forEachSegment(_ body: (UInt64, UnsafeBufferPointer<UInt64>) throws -> Void) rethrows {
        for s in segments { try body(s.base, UnsafeBufferPointer(start: s.memory.words, count: s.memory.count)) }
    }

    /// Replaces the word at `pa`; returns false (and changes nothing) where
    /// the image holds no memory.
    @discardableResult
    public mutating func setWord(_ value: UInt64, atPhysicalAddress pa: UInt64) -> Bool {
        guard pa & (DescriptorLayout.bytes &- 1) == 0,
              let i = segments.lastIndex(where: { $0.base <= pa }),
              (pa &- segments[i].base) >> DescriptorLayout.shift < UInt64(segments[i].memory.count) else { return false }
        if !isKnownUniquelyReferenced(&segments[i].memory) { segments[i].memory = segments[i].memory.copy() }
        segments[i].memory.words[Int((pa &- segments[i].base) >> DescriptorLayout.shift)] = value
        cacheSegments()
        return true
    }
}

extension TableImage: Equatable {
    /// Same registers, state, partiality and segments with byte-identical memory.
    public static func == (a: TableImage, b: TableImage) -> Bool {
        a.regime == b.regime && a.state == b.state && a.isPartial == b.isPartial && a.segments.count == b.segments.count
            && zip(a.segments, b.segments).allSatisfy { x, y in
                x.base == y.base && (x.memory === y.memory || x.memory.equals(y.memory))
            }
    }
}

/// The PE state, beside the translation registers, that changes how a
/// captured CPU translates.
public struct CPUState: Hashable, Sendable {
    /// SCTLR_EL1 as captured (M, WXN, SPAN, EPAN…); 0 when unknown.
    public var sctlr: UInt64
    /// PSTATE.PAN: privileged access to EL0-accessible data faults.
    public var pan: Bool

    /// The state by field; the defaults are those of a built image.
    public init(sctlr: UInt64 = 0, pan: Bool = false) {
        self.sctlr = sctlr
        self.pan = pan
    }
}

/// One run of held physical memory.
@usableFromInline
struct ImageSegment {
    @usableFromInline let base: UInt64
    @usableFromInline var memory: TableMemory

    var bytes: UInt64 { UInt64(memory.count) &* DescriptorLayout.bytes }

    /// The largest physical address space any regime can reach (FEAT_LPA/LPA2).
    static let physicalAddressLimit: UInt64 = 1 << Granule.implementedPABits

    /// Refuses a segment that is misaligned, empty, beyond the PA space, or
    /// that overlaps `previous` (segments come in PA order).
    static func check(base: UInt64, bytes: UInt64, after previous: ImageSegment?) throws(ImageError) {
        guard base & (DescriptorLayout.bytes - 1) == 0, bytes > 0, bytes & (DescriptorLayout.bytes - 1) == 0 else {
            throw .segmentMisaligned(base: base, bytes: bytes)
        }
        guard base < physicalAddressLimit, bytes <= physicalAddressLimit - base else {
            throw .tablesBeyondAddressSpace(base: base, size: bytes)
        }
        if let p = previous, p.base &+ p.bytes > base { throw .segmentsOverlap(p.base, base) }
    }
}
