/// A VTCR_EL2 {TG0, SL0, SL2, T0SZ, DS} combination that the Arm ARM does
/// not allow (AArch64.S2InvalidSL, AArch64.S2InconsistentSL): every stage-2
/// access then takes a level 0 translation fault.
public enum Stage2SetupError: Error, Hashable, Sendable, CustomStringConvertible {
    /// VTCR_EL2.TG0 holds the reserved encoding 0b11.
    case reservedGranule(UInt64)
    /// SL2=1 exists only with the 4K granule and DS=1.
    case sl2NeedsDS4K(Granule, ds: Bool)
    /// SL2=1 starts at level -1 only with SL0=0.
    case sl2WithSL0(Int)
    /// SL0=3 is reserved for 64K; for 4K it needs FEAT_TTST, for 16K DS=1.
    case reservedSL0(Granule, sl0: Int, needs: String?)
    /// A start level above the input range needs more physical address bits.
    case startLevelNeedsPA(Granule, sl0: Int, level: Level, minPA: Int, paMax: Int)
    /// T0SZ gives an input size that the start level cannot resolve with
    /// one to sixteen concatenated tables.
    case inconsistentStartLevel(Granule, t0sz: Int, level: Level, supported: ClosedRange<Int>)
    /// The input size is beyond what the granule and DS allow.
    case inputSizeOutOfRange(Granule, t0sz: Int, supported: ClosedRange<Int>)
    /// An IPA wider than the PE's physical address size.
    case inputBeyondPA(inputBits: Int, paMax: Int)

    /// The error as one sentence naming the fields and what was expected.
    public var description: String {
        switch self {
        case .reservedGranule(let tg0):
            return "VTCR_EL2.TG0=\(tg0) is a reserved encoding; expected 0 (4K), 1 (64K) or 2 (16K)"
        case .sl2NeedsDS4K(let g, let ds):
            return "VTCR_EL2.SL2=1 needs the 4K granule and DS=1, not the \(g) granule with DS=\(ds ? 1 : 0)"
        case .sl2WithSL0(let sl0):
            return "VTCR_EL2.SL2=1 with SL0=\(sl0) is reserved; expected SL0=0 (start at level -1)"
        case .reservedSL0(let g, let sl0, let needs):
            return "VTCR_EL2.SL0=\(sl0) with the \(g) granule is reserved" + (needs.map { " without \($0)" } ?? "")
        case .startLevelNeedsPA(let g, let sl0, let level, let minPA, let paMax):
            return "VTCR_EL2.SL0=\(sl0) (start at \(level)) with the \(g) granule needs a physical address size of at least \(minPA) bits; the PE has \(paMax)"
        case .inconsistentStartLevel(let g, let t0sz, let level, let supported):
            return "VTCR_EL2.T0SZ=\(t0sz) (\(64 - t0sz)-bit IPA) does not fit a \(g) walk starting at \(level); expected \(supported.lowerBound) to \(supported.upperBound) bits (1 to 16 concatenated tables)"
        case .inputSizeOutOfRange(let g, let t0sz, let supported):
            return "VTCR_EL2.T0SZ=\(t0sz) gives a \(64 - t0sz)-bit IPA, which the \(g) granule does not support; expected \(supported.lowerBound) to \(supported.upperBound) bits"
        case .inputBeyondPA(let bits, let paMax):
            return "a \(bits)-bit IPA is wider than the \(paMax)-bit physical address size (CONSTRAINED UNPREDICTABLE; treated as a fault)"
        }
    }
}
