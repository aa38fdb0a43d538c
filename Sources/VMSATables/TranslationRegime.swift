import VMSA

/// A translation regime as a value: its kind, the registers that describe
/// it and, computed once from them, each range's geometry and walk
/// parameters. It holds no memory: the one walk core (`translate`, the
/// range walk) reads tables from any `PhysicalMemory` under a regime, so
/// that an image, a capture and the Linux model's tables are walked alike,
/// in every regime.
///
/// | kind | `tcr` holds | `ttbr0` | `ttbr1` | `mair` |
/// |---|---|---|---|---|
/// | el10 | TCR_EL1 | TTBR0_EL1 | TTBR1_EL1 | MAIR_EL1 |
/// | el20 | TCR_EL2 (E2H=1: TCR_EL1 layout) | TTBR0_EL2 | TTBR1_EL2 | MAIR_EL2 |
/// | el2 | TCR_EL2 (E2H=0) | TTBR0_EL2 | 0 | MAIR_EL2 |
/// | el3 | TCR_EL3 | TTBR0_EL3 | 0 | MAIR_EL3 |
/// | s2 | VTCR_EL2 | VTTBR_EL2 | 0 | 0 (MemAttr is in the descriptor) |
public struct TranslationRegime: Hashable, Sendable {
    /// Which regime (or stage 2) the registers describe.
    public let kind: TranslationRegimeKind
    /// The regime's control register, raw, in its own layout (see the
    /// table): read it through `vtcr` or `singleRangeControl` where it is
    /// not in the TCR_EL1 layout.
    public let tcr: TCR
    /// MAIR_EL1/EL2/EL3 (zero for stage 2).
    public let mair: MAIR
    /// TTBR0_ELx, or VTTBR_EL2 for stage 2.
    public let ttbr0: TTBR
    /// TTBR1_EL1/EL2 in the two-range regimes; zero otherwise.
    public let ttbr1: TTBR
    /// Each range's geometry; nil where its walks are disabled (EPDx=1), it
    /// does not exist (TTBR1 of a one-range regime) or its control fields
    /// are reserved.
    public let half0: RegimeHalf?
    /// The geometry of the TTBR1 range; nil in the one-range regimes, or where
    /// TCR.EPD1=1 or its control fields are reserved.
    public let half1: RegimeHalf?
    /// The same as flat scalars for the walk core (see `WalkHalves`).
    @usableFromInline let walks: WalkHalves
    @inlinable var walk0: WalkParameters { walks.pointer0.pointee }
    @inlinable var walk1: WalkParameters { walks.pointer1.pointee }
    /// Bit n set when MAIR Attr<n> is Device or Normal Non-cacheable memory,
    /// which is always Outer Shareable.
    @usableFromInline let outerShareableAttributes: UInt8

    /// The EL1&0 regime.
    public init(tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR) {
        self.init(kind: .el10, tcr: tcr, mair: mair, ttbr0: ttbr0, ttbr1: ttbr1)
    }

    /// A regime of `kind` from its registers, laid out as the table says
    /// (`ttbr1` is ignored, and kept zero, for one-range regimes).
    public init(kind: TranslationRegimeKind, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR = TTBR(rawValue: 0)) {
        self.kind = kind
        self.tcr = tcr
        self.mair = kind == .s2 ? MAIR(rawValue: 0) : mair
        self.ttbr0 = ttbr0
        self.ttbr1 = kind.hasTwoRanges ? ttbr1 : TTBR(rawValue: 0)
        switch kind {
        case .el10, .el20:
            half0 = RegimeHalf(tcr: tcr, ttbr: ttbr0, half: .ttbr0)
            half1 = RegimeHalf(tcr: tcr, ttbr: ttbr1, half: .ttbr1)
        case .el2:
            half0 = RegimeHalf(singleRange: TCREL2(rawValue: tcr.rawValue), ttbr: ttbr0)
            half1 = nil
        case .el3:
            half0 = RegimeHalf(singleRange: TCREL3(rawValue: tcr.rawValue), ttbr: ttbr0)
            half1 = nil
        case .s2:
            half0 = RegimeHalf(vtcr: VTCR(rawValue: tcr.rawValue), vttbr: VTTBR(rawValue: ttbr0.rawValue))
            half1 = nil
        }
        walks = WalkHalves(walk0: half0.map { WalkParameters($0, kind: kind) } ?? WalkParameters(),
                           walk1: half1.map { WalkParameters($0, kind: kind) } ?? WalkParameters())
        var outer: UInt8 = 0
        for i in 0..<MAIR.attributeCount where self.mair[i].isDevice || self.mair[i].isNonCacheable { outer |= 1 << i }
        outerShareableAttributes = kind == .s2 ? 0 : outer
    }

    /// The stage-2 regime of VTCR_EL2 and VTTBR_EL2.
    public init(vtcr: VTCR, vttbr: VTTBR) {
        self.init(kind: .s2, tcr: TCR(rawValue: vtcr.rawValue), mair: MAIR(rawValue: 0), ttbr0: TTBR(rawValue: vttbr.rawValue))
    }

    /// VTCR_EL2 of a stage-2 regime.
    public var vtcr: VTCR { VTCR(rawValue: tcr.rawValue) }
    /// VTTBR_EL2 of a stage-2 regime.
    public var vttbr: VTTBR { VTTBR(rawValue: ttbr0.rawValue) }

    /// The ranges this regime has: TTBR0 and TTBR1, or TTBR0 alone.
    public var ranges: [TranslationTableBase] { kind.hasTwoRanges ? TranslationTableBase.allCases : [.ttbr0] }

    /// The configured output size in bits (IPS or PS), nil when reserved.
    public var paBits: Int? {
        switch kind {
        case .el10, .el20: tcr.physicalAddressSize?.bits
        case .el2, .el3: TCREL2(rawValue: tcr.rawValue).physicalAddressSize?.bits
        case .s2: vtcr.physicalAddressSize?.bits
        }
    }

    /// The DS bit (TCR_EL1.DS [59], bit 32 in the one-range TCRs and VTCR_EL2).
    public var ds: Bool {
        switch kind {
        case .el10, .el20: tcr.ds
        case .el2, .el3: TCREL2(rawValue: tcr.rawValue).ds
        case .s2: vtcr.ds
        }
    }

    /// The Exception levels an access can come from in this regime: the
    /// privileged one first.
    public var exceptionLevels: [ExceptionLevel] {
        switch kind {
        case .el10, .s2: [.el1, .el0]
        case .el20: [.el2, .el0]
        case .el2: [.el2]
        case .el3: [.el3]
        }
    }

    /// The regime's registers by their Arm ARM names and values, in the
    /// order of the table above (MAIR and TTBR1 only where the regime has them).
    public var registers: [(name: String, value: UInt64)] {
        switch kind {
        case .el10: [("TCR_EL1", tcr.rawValue), ("MAIR_EL1", mair.rawValue), ("TTBR0_EL1", ttbr0.rawValue), ("TTBR1_EL1", ttbr1.rawValue)]
        case .el20: [("TCR_EL2", tcr.rawValue), ("MAIR_EL2", mair.rawValue), ("TTBR0_EL2", ttbr0.rawValue), ("TTBR1_EL2", ttbr1.rawValue)]
        case .el2: [("TCR_EL2", tcr.rawValue), ("MAIR_EL2", mair.rawValue), ("TTBR0_EL2", ttbr0.rawValue)]
        case .el3: [("TCR_EL3", tcr.rawValue), ("MAIR_EL3", mair.rawValue), ("TTBR0_EL3", ttbr0.rawValue)]
        case .s2: [("VTCR_EL2", tcr.rawValue), ("VTTBR_EL2", ttbr0.rawValue)]
        }
    }

    /// The Arm ARM name of one range's base register in this regime.
    public func registerName(_ ttbr: TranslationTableBase) -> String {
        switch kind {
        case .el10: ttbr.description
        case .el20: ttbr == .ttbr0 ? "TTBR0_EL2" : "TTBR1_EL2"
        case .el2: "TTBR0_EL2"
        case .el3: "TTBR0_EL3"
        case .s2: "VTTBR_EL2"
        }
    }

    /// One range's geometry (nil where disabled, absent or reserved).
    @inlinable
    public func half(_ ttbr: TranslationTableBase) -> RegimeHalf? { ttbr == .ttbr0 ? half0 : half1 }

    /// The TTBR of one half.
    @inlinable
    public func register(_ ttbr: TranslationTableBase) -> TTBR { ttbr == .ttbr0 ? ttbr0 : ttbr1 }

    @inlinable @inline(__always)
    func walkParameters(_ ttbr: TranslationTableBase) -> WalkParameters { ttbr == .ttbr0 ? walk0 : walk1 }

    /// Equal when the regime kind and the raw TCR, MAIR, TTBR0 and TTBR1 are.
    public static func == (a: Self, b: Self) -> Bool {
        a.kind == b.kind && a.tcr == b.tcr && a.mair == b.mair && a.ttbr0 == b.ttbr0 && a.ttbr1 == b.ttbr1
    }

    /// Hashes the regime kind and the raw TCR, MAIR, TTBR0 and TTBR1.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(tcr.rawValue)
        hasher.combine(mair.rawValue)
        hasher.combine(ttbr0.rawValue)
        hasher.combine(ttbr1.rawValue)
    }
}


/// Both halves' walk parameters, in memory of their own that is never
/// written after `init`, so that the walk core reads them in place through
/// a pointer: handing a stored `WalkParameters` to the walk copies it
/// (some 230 bytes) for every address translated.
@usableFromInline
final class WalkHalves: @unchecked Sendable {
    @usableFromInline let pointer0: UnsafeMutablePointer<WalkParameters>
    @usableFromInline let pointer1: UnsafeMutablePointer<WalkParameters>

    init(walk0: WalkParameters, walk1: WalkParameters) {
        pointer0 = .allocate(capacity: 1)
        pointer0.initialize(to: walk0)
        pointer1 = .allocate(capacity: 1)
        pointer1.initialize(to: walk1)
    }

    deinit {
        pointer0.deinitialize(count: 1).deallocate()
        pointer1.deinitialize(count: 1).deallocate()
    }
}
