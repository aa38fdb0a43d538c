import VMSA

/// A deterministic synthetic replay trace for measuring replay at scale
/// (`vmsa trace --synthetic N`): `count` operations, drawn from a seed, on
/// batches of 16 pages (64K, the largest native page) across `span` bytes
/// of user VA. A batch not mapped is mapped (set_ptes, PFNs contiguous and
/// 64K-aligned, so every native granule can hold it); a mapped one is
/// cleared, re-protected, write-protected or aged, one of the four with
/// equal odds. The address space, and so the tables, is bounded by `span`
/// whatever `count` is: a long trace costs time, not memory. Operations are
/// produced one at a time; the only state is one bit per batch.
public struct SyntheticTrace: Sequence, IteratorProtocol {
    /// 4K pages in one batch: one 64K native page.
    public static let pagesPerBatch = Int(Granule.k64.pageSize / LinuxKernel.granule.pageSize)
    static let batchBytes = UInt64(pagesPerBatch) &* LinuxKernel.granule.pageSize
    /// Where the trace's VA range starts: 1 TiB, clear of the usual
    /// executable and mmap areas, aligned to the largest native table.
    public static let firstVA: UInt64 = 1 << 40
    /// The default span: 64 GiB of VA, 2^20 batches.
    public static let defaultSpan: UInt64 = 1 << 36
    /// The protection of a mapped batch, and the one modify_prot swaps it with.
    static let protections = [LinuxProtection.sharedRW, LinuxProtection.readOnly]
    /// Each draw's low bits choose the batch (a span has at most 2^32
    /// batches); its top two bits the operation, bit 61 modify_prot's protection.
    static let operationShift: UInt64 = 62
    static let protectionShift: UInt64 = 61

    /// Operations in the trace.
    public let count: Int
    /// Bytes of user VA the batches are drawn from, from `firstVA`.
    public let span: UInt64
    private var random: SplitMix64
    private var produced = 0
    /// One bit per batch: mapped.
    private var mapped: [UInt64]
    private let batchMask: UInt64

    /// Refuses a span that is not a power-of-two number of batches, or that
    /// would run past the 48-bit user VA range.
    public init(count: Int, seed: UInt64 = 0, span: UInt64 = defaultSpan) throws(SyntheticTraceError) {
        guard count >= 0 else { throw .negativeCount(count) }
        guard span >= Self.batchBytes, span & (span &- 1) == 0, span <= TraceSynthesizer.vaLimit &- Self.firstVA else {
            throw .badSpan(span)
        }
        self.count = count
        self.span = span
        random = SplitMix64(seed: seed)
        let batches = span / Self.batchBytes
        batchMask = batches &- 1
        mapped = [UInt64](repeating: 0, count: Int((batches &+ 63) / 64))
    }

    /// The PFN of batch `k`'s first page: contiguous from the synthesizer's
    /// first synthetic frame, so PA follows VA.
    static func pfn(batch k: UInt64) -> UInt64 {
        TraceSynthesizer.SyntheticPFNs.firstPFN &+ k &* UInt64(pagesPerBatch)
    }

    public mutating func next() -> TableOperation? {
        guard produced < count else { return nil }
        produced &+= 1
        let draw = random.next()
        let k = draw & batchMask
        let choice = draw >> Self.operationShift
        let va = Self.firstVA &+ k &* Self.batchBytes
        let word = Int(k >> 6), bit: UInt64 = 1 << (k & 63)
        let nr = Self.pagesPerBatch
        guard mapped[word] & bit != 0 else {
            mapped[word] |= bit
            return .setPTEs(va: VirtualAddress(va), pte: LinuxPTE(pfn: Self.pfn(batch: k), prot: Self.protections[0]).rawValue, nr: nr)
        }
        switch choice {
        case 0:
            mapped[word] &= ~bit
            return .clearPTEs(va: VirtualAddress(va), nr: nr)
        case 1: return .modifyProt(va: VirtualAddress(va), nr: nr, prot: Self.protections[Int((draw >> Self.protectionShift) & 1)])
        case 2: return .wrprotect(va: VirtualAddress(va), nr: nr)
        default: return .youngDirty(.mkold, va: VirtualAddress(va), nr: nr)
        }
    }
}
