import VMSA

/// Why a regime configuration or a builder operation was refused. Each
/// description is one sentence naming the value and what was expected.
public enum BuildError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A value the VMSA library refused (granule, level, field, address).
    case vmsa(VMSAError)
    /// Neither TTBR0 nor TTBR1 is configured.
    case noHalves
    /// TCR_EL1.HD without HA: the hardware manages dirty state only with the Access flag.
    case dirtyWithoutAccessFlag
    /// `tablesBase` not aligned to the granule's page.
    case tablesBaseMisaligned(UInt64, Granule)
    /// Table pages would sit beyond the physical address size.
    case tablesBeyondPASize(address: UInt64, bits: Int)
    /// A mapping of zero bytes.
    case sizeZero(va: UInt64)
    /// `va + size` wraps past 2^64.
    case vaRangeWraps(va: UInt64, size: UInt64)
    /// `pa + size` wraps past 2^64.
    case paRangeWraps(pa: UInt64, size: UInt64)
    /// The VA range is not inside one present half; the halves' ranges are given.
    case outsideVARanges(va: UInt64, size: UInt64, ttbr0: ClosedRange<UInt64>?, ttbr1: ClosedRange<UInt64>?)
    /// A VA, PA or size not aligned to the half's page.
    case misaligned(name: String, value: UInt64, granule: Granule, ttbr: TranslationTableBase)
    /// An output range beyond the physical address size.
    case beyondPASize(pa: UInt64, size: UInt64, bits: Int)
    /// An attribute (`attrIndx`, `ap`, `sh`, …) outside its field's range.
    case attributeOutOfRange(name: String, value: Int, range: ClosedRange<Int>)
    /// With DS=1 the descriptor has no SH field: memory takes TCR_EL1.SHx.
    case shareabilityWithDS(Shareability)
    /// A mapping over VAs that are already mapped (the first such VA).
    case overlap(va: UInt64, size: UInt64, mappedAt: UInt64)
    /// No table descriptor at `level` on the walk of `va`.
    case noTable(va: UInt64, level: Level)
    /// A one-range regime (EL2, EL3, stage 2) given a TTBR1 half, or none.
    case oneRangeRegime(TranslationRegimeKind, String)
    /// A VTCR_EL2 {TG0, SL0, T0SZ} combination the Arm ARM does not allow.
    case stage2Setup(Stage2SetupError)
    /// `startLevel` is a stage-2 choice (VTCR_EL2.SL0); stage 1 starts where its input size says.
    case startLevelOutsideStage2
    /// A one-level regime's leaf with a bit that is RES0 or RES1 there, named.
    case oneLevelAttribute(TranslationRegimeKind, String)

    /// The error as one sentence naming the value and what was expected.
    public var description: String {
        func range(_ r: ClosedRange<UInt64>) -> String { "\(Hex.short(r.lowerBound))-\(Hex.short(r.upperBound))" }
        switch self {
        case .vmsa(let e):
            return e.description
        case .noHalves:
            return "the regime has neither a TTBR0 nor a TTBR1 half; expected at least one"
        case .dirtyWithoutAccessFlag:
            return "hd (TCR_EL1.HD) is set without ha (TCR_EL1.HA); hardware dirty state needs the hardware Access flag, expected ha: true"
        case .tablesBaseMisaligned(let base, let g):
            return "tablesBase \(Hex.short(base)) is not aligned to the \(Hex.size(g.pageSize)) granule; expected a multiple of \(Hex.short(g.pageSize))"
        case .tablesBeyondPASize(let address, let bits):
            return "table memory at \(Hex.short(address)) is beyond the \(bits)-bit physical address size"
        case .sizeZero(let va):
            return "the mapping at va \(Hex.short(va)) has size 0; expected a positive multiple of the page size"
        case .vaRangeWraps(let va, let size):
            return "va \(Hex.short(va)) + size \(Hex.short(size)) wraps past the top of the address space"
        case .paRangeWraps(let pa, let size):
            return "pa \(Hex.short(pa)) + size \(Hex.short(size)) wraps past the top of the address space"
        case .outsideVARanges(let va, let size, let r0, let r1):
            let last = va &+ (size &- 1)
            var halves: [String] = []
            if let r0 { halves.append("the TTBR0 range \(range(r0))") }
            if let r1 { halves.append("the TTBR1 range \(range(r1))") }
            return "va range \(Hex.short(va))-\(Hex.short(last)) (size \(Hex.short(size))) is not inside "
                + (halves.isEmpty ? "any enabled half" : halves.joined(separator: " or "))
        case .misaligned(let name, let value, let g, let ttbr):
            return "\(name) \(Hex.short(value)) is not aligned to the \(Hex.size(g.pageSize)) granule of \(ttbr)"
        case .beyondPASize(let pa, let size, let bits):
            return "pa range \(Hex.short(pa))-\(Hex.short(pa &+ (size &- 1))) is beyond the \(bits)-bit physical address size"
        case .attributeOutOfRange(let name, let value, let r):
            return "\(name) \(value) is out of range; expected \(r.lowerBound) to \(r.upperBound)"
        case .shareabilityWithDS(let sh):
            return "sh \(sh.rawValue) cannot be expressed with ds: true (descriptors then carry OA[51:50] in [9:8] and memory takes TCR_EL1.SHx = \(RegimeConfiguration.walkShareability.rawValue)); expected \(RegimeConfiguration.walkShareability.rawValue)"
        case .overlap(let va, let size, let at):
            return "va range \(Hex.short(va))-\(Hex.short(va &+ (size &- 1))) overlaps an existing mapping at \(Hex.short(at))"
        case .noTable(let va, let level):
            return "there is no table descriptor at \(level) on the walk of va \(Hex.short(va))"
        case .oneRangeRegime(let kind, let key):
            return key == "ttbr1"
                ? "\(kind) has one input range; expected no ttbr1 half"
                : "\(kind) needs its one range described; expected a ttbr0 half"
        case .stage2Setup(let e):
            return e.description
        case .startLevelOutsideStage2:
            return "startLevel applies to stage 2 only (VTCR_EL2.SL0); a stage-1 walk starts where vaBits says"
        case .oneLevelAttribute(let kind, let what):
            return "\(what) in \(kind), which has one Exception level"
        }
    }
}
