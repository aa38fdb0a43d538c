import VMSA

/// One item of a range walk: a leaf (a block, a page, or a batch of them)
/// or a hole (entries that fault), with the VA range it covers.
public struct WalkEntry: Hashable, Sendable, CustomStringConvertible {
    /// The VA range the entry lies in: TTBR0_EL1 or TTBR1_EL1.
    public var ttbr: TranslationTableBase
    /// First VA covered (clipped to the walked range).
    public var va: VirtualAddress
    /// Bytes covered.
    public var size: UInt64
    /// The level of the leaf, or of the entry that faults.
    public var level: Level
    /// Descriptors covered: a whole contiguous run, a batch of invalid
    /// entries, or what merging joined.
    public var entries: Int
    /// The first descriptor covered (a hole's is the invalid word).
    public var descriptor: Descriptor
    /// Why the range faults; nil for a leaf. An AF=0 leaf is a leaf (its
    /// attributes say `af: false`); permissions depend on the access.
    public var fault: TranslationFault?
    /// PA of `va` for a leaf; zero for a hole.
    public var pa: PhysicalAddress
    /// Effective attributes of a leaf; nil for a hole.
    public var attributes: LeafAttributes?
    /// log2 of one descriptor's size in pages, as Linux's page-walk "order".
    public var order: Int
    /// A stage-2 leaf's attributes (`attributes` then holds nothing of meaning).
    public var stage2Attributes: Stage2LeafAttributes?

    /// An entry with every field but `stage2Attributes`, which stays nil.
    @inlinable
    public init(ttbr: TranslationTableBase, va: VirtualAddress, size: UInt64, level: Level, entries: Int,
                descriptor: Descriptor, fault: TranslationFault?, pa: PhysicalAddress, attributes: LeafAttributes?, order: Int) {
        self.ttbr = ttbr
        self.va = va
        self.size = size
        self.level = level
        self.entries = entries
        self.descriptor = descriptor
        self.fault = fault
        self.pa = pa
        self.attributes = attributes
        self.order = order
    }

    /// Whether the entry is a block or page run rather than a hole: `fault` is nil.
    @inlinable public var isLeaf: Bool { fault == nil }
    /// Last VA covered.
    @inlinable public var lastVA: UInt64 { va.rawValue &+ (size &- 1) }

    /// `first-last -> pa level xN` for a leaf, `first-last hole (fault)` for a hole.
    public var description: String {
        let range = "\(va)-\(Hex.format(lastVA))"
        if let fault { return "\(range) hole (\(fault))" }
        return "\(range) -> \(pa) \(level) x\(entries)"
    }
}
