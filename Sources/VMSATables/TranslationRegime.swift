import VMSA

/// A stage-1 EL1&0 translation regime as a value: the registers that
/// describe it and, computed once from them, each half's geometry and walk
/// parameters. It holds no memory: the one walk core (`translate`, the
/// range walk) reads tables from any `PhysicalMemory` under a regime, so
/// that an image, a capture and the Linux model's tables are walked alike.
public struct TranslationRegime: Hashable, Sendable {
    public let tcr: TCR
    public let mair: MAIR
    public let ttbr0: TTBR
    public let ttbr1: TTBR
    /// Each half's geometry; nil where its walks are disabled (EPDx=1) or
    /// its TCR_EL1 fields are reserved.
    public let half0: RegimeHalf?
    public let half1: RegimeHalf?
    /// The same as flat scalars for the walk core.
    @usableFromInline let walk0: WalkParameters
    @usableFromInline let walk1: WalkParameters
    /// Bit n set when MAIR Attr<n> is Device or Normal Non-cacheable memory,
    /// which is always Outer Shareable.
    @usableFromInline let outerShareableAttributes: UInt8

    public init(tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR) {
        self.tcr = tcr
        self.mair = mair
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        half0 = RegimeHalf(tcr: tcr, ttbr: ttbr0, half: .ttbr0)
        half1 = RegimeHalf(tcr: tcr, ttbr: ttbr1, half: .ttbr1)
        walk0 = half0.map(WalkParameters.init) ?? WalkParameters()
        walk1 = half1.map(WalkParameters.init) ?? WalkParameters()
        var outer: UInt8 = 0
        for i in 0..<MAIR.attributeCount where mair[i].isDevice || mair[i].isNonCacheable { outer |= 1 << i }
        outerShareableAttributes = outer
    }

    @inlinable
    public func half(_ ttbr: TranslationTableBase) -> RegimeHalf? { ttbr == .ttbr0 ? half0 : half1 }

    /// The TTBR of one half.
    @inlinable
    public func register(_ ttbr: TranslationTableBase) -> TTBR { ttbr == .ttbr0 ? ttbr0 : ttbr1 }

    @inlinable @inline(__always)
    func walkParameters(_ ttbr: TranslationTableBase) -> WalkParameters { ttbr == .ttbr0 ? walk0 : walk1 }

    public static func == (a: Self, b: Self) -> Bool {
        a.tcr == b.tcr && a.mair == b.mair && a.ttbr0 == b.ttbr0 && a.ttbr1 == b.ttbr1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tcr.rawValue)
        hasher.combine(mair.rawValue)
        hasher.combine(ttbr0.rawValue)
        hasher.combine(ttbr1.rawValue)
    }
}
