/// Where a stage-2 walk starts and how many tables are concatenated at
/// that level: the one home of the VTCR_EL2.{SL0, SL2, T0SZ} rules (Arm ARM
/// AArch64.S2StartLevel, S2InvalidSL, S2InconsistentSL; QEMU ptw.c
/// check_s2_mmu_setup).
public struct Stage2Geometry: Hashable, Sendable {
    /// VTCR_EL2.TG0: the stage-2 granule.
    public let granule: Granule
    /// IPA size, 64 - VTCR_EL2.T0SZ.
    public let inputBits: Int
    /// The level the walk starts at, from SL0 (and SL2).
    public let startLevel: Level
    /// 1 to 16 tables side by side at the start level, each a page.
    public let concatenatedTables: Int

    /// Up to 16 tables (4 more input bits) may be concatenated.
    package static let maxConcatenationBits = 4

    /// The SL0 value that starts `granule` walks at level 0 for 4K (SL0 =
    /// 2 - level) or level 3 minus SL0 for 16K/64K: Linux
    /// VTCR_EL2_TGRAN_SL0_BASE (2 for 4K, 3 otherwise).
    package static func sl0Base(_ granule: Granule) -> Int { granule == .k4 ? 2 : 3 }

    /// VTCR_EL2.SL0 (and SL2) that start a `granule` walk at `level`: the
    /// inverse of `init`'s rule (4K level -1 is SL2=1, 16K level 0 SL0=3).
    public static func startLevelEncoding(_ granule: Granule, level: Level) -> (sl0: Int, sl2: Bool) {
        if granule == .k4, level == .minus1 { return (0, true) }
        if granule == .k16, level == .zero { return (3, false) }
        return (sl0Base(granule) - level.rawValue, false)
    }

    /// Checks a {TG0, T0SZ, SL0, SL2, DS} combination on a PE with `paMax`-bit physical addresses (`ttst`: FEAT_TTST) and derives the start level and concatenation, or throws what the Arm ARM forbids.
    public init(granule: Granule, t0sz: Int, sl0: Int, sl2: Bool, ds: Bool, paMax: Int, ttst: Bool = false) throws(Stage2SetupError) {
        let inputBits = 64 - t0sz
        let ds = ds && granule != .k64
        let maxBits = granule == .k64 ? (paMax >= 52 ? 52 : 48) : (ds ? 52 : 48)
        let supported = (ttst ? Self.minInputBitsTTST : Granule.minInputBits)...maxBits
        guard supported.contains(inputBits) else { throw .inputSizeOutOfRange(granule, t0sz: t0sz, supported: supported) }
        guard inputBits <= paMax else { throw .inputBeyondPA(inputBits: inputBits, paMax: paMax) }
        let start: Int
        if sl2 {
            guard granule == .k4, ds else { throw .sl2NeedsDS4K(granule, ds: ds) }
            guard sl0 == 0 else { throw .sl2WithSL0(sl0) }
            start = -1
        } else {
            switch (granule, sl0) {
            case (.k4, 3):
                guard ttst else { throw .reservedSL0(granule, sl0: sl0, needs: "FEAT_TTST") }
                start = 3
            case (.k16, 3):
                guard ds else { throw .reservedSL0(granule, sl0: sl0, needs: "DS=1") }
                start = 0
            case (.k64, 3):
                throw .reservedSL0(granule, sl0: sl0, needs: nil)
            default:
                start = Self.sl0Base(granule) - sl0
            }
            // SL0=2 (4K level 0, 16K and 64K level 1) needs enough PA bits.
            if sl0 == 2 {
                let minPA = granule == .k16 ? 42 : 44
                if paMax < minPA {
                    throw .startLevelNeedsPA(granule, sl0: sl0, level: Level(uncheckedRawValue: start), minPA: minPA, paMax: paMax)
                }
            }
        }
        let level = Level(uncheckedRawValue: start)
        // The start level resolves shift(at: level) + one table's index bits;
        // the input must need at least one bit there and at most four more.
        let resolvedBelow = granule.shift(at: level)
        let consistent = (resolvedBelow + 1)...(resolvedBelow + granule.bitsPerLevel + Self.maxConcatenationBits)
        guard consistent.contains(inputBits) else {
            throw .inconsistentStartLevel(granule, t0sz: t0sz, level: level, supported: consistent)
        }
        self.granule = granule
        self.inputBits = inputBits
        startLevel = level
        concatenatedTables = 1 << max(0, inputBits - resolvedBelow - granule.bitsPerLevel)
    }

    /// Smallest IPA with FEAT_TTST (T0SZ up to 48).
    public static let minInputBitsTTST = 16

    /// Index bits of the start level across the concatenated tables.
    public var startIndexBits: Int { inputBits - granule.shift(at: startLevel) }
}
