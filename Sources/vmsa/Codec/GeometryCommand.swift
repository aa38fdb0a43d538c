import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct GeometryCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "geometry",
        abstract: "Show the levels, index bits, entry sizes, legal blocks and contiguous runs of a granule and VA size.",
        discussion: "With --regime s2, --t0sz and --sl0 (and --sl2) give the stage-2 start level and the concatenated root tables (1 to 16); an illegal combination is refused by name.")

    @Option(name: .customLong("granule"), help: "Translation granule.") var granuleArgument: GranuleArgument = .k4
    var granule: Granule { granuleArgument.granule }
    @Option(name: .customLong("va-bits"), help: "Input address size in bits (64 - TxSZ).") var vaBits: Int = 48
    @Flag(help: "TCR_EL1.DS=1 (FEAT_LPA2).") var ds = false
    @Option(name: .customLong("pa-bits"), help: "Physical address size in bits (TCR_EL1.IPS).") var paBits: Int?
    @Flag(help: "Print one JSON object per level (JSON Lines).") var json = false
    @Option(help: "Translation regime (default el10); el20, el2 and el3 share its geometry; s2 takes --t0sz and --sl0.")
    var regime: TranslationRegimeKind = .el10
    @Option(help: "Stage 2: VTCR_EL2.T0SZ (IPA size 64 - T0SZ).") var t0sz: Int?
    @Option(help: "Stage 2: VTCR_EL2.SL0, 0 to 3.") var sl0: Int?
    @Flag(help: "Stage 2: VTCR_EL2.SL2=1 (4K with --ds: start at level -1).") var sl2 = false
    @Flag(help: "Stage 2: FEAT_TTST (4K SL0=3 starts at level 3; T0SZ up to 48).") var ttst = false

    func validate() throws {
        if regime == .s2 {
            guard let t0sz, let sl0 else { throw ValidationError("--regime s2 needs --t0sz and --sl0 (VTCR_EL2.T0SZ and SL0)") }
            guard (0...63).contains(t0sz) else { throw ValidationError("--t0sz \(t0sz) is out of range; expected 0 to 63") }
            guard (0...3).contains(sl0) else { throw ValidationError("--sl0 \(sl0) is out of range; expected 0 to 3") }
            _ = try stage2()
            return
        }
        if let option = t0sz != nil ? "--t0sz" : sl0 != nil ? "--sl0" : sl2 ? "--sl2" : ttst ? "--ttst" : nil {
            throw ValidationError("\(option) is a VTCR_EL2 field; it applies only with --regime s2")
        }
        _ = try resolved()
    }

    /// The stage-2 geometry the options give; an illegal one is a usage error naming it.
    private func stage2() throws -> (Stage2Geometry, DescriptorFormat) {
        let pa = paBits ?? (ds ? 52 : 48)
        do {
            let format = try DescriptorFormat(granule: granule, ds: ds, paBits: pa)
            let g = try Stage2Geometry(granule: granule, t0sz: t0sz ?? 0, sl0: sl0 ?? 0, sl2: sl2, ds: ds, paMax: pa, ttst: ttst)
            return (g, format)
        } catch let e as VMSAError {
            throw ValidationError(e.description)
        } catch let e as Stage2SetupError {
            throw ValidationError(e.description)
        }
    }

    /// The format the options give; every mistake in them is a usage error.
    private func resolved() throws -> DescriptorFormat {
        let pa = paBits ?? (ds || vaBits > 48 ? 52 : 48)
        let format: DescriptorFormat
        do { format = try DescriptorFormat(granule: granule, ds: ds, paBits: pa) } catch {
            throw ValidationError(error.description)
        }
        let maxBits = granule.maxInputBits(ds: ds, lva: true)
        guard (Granule.minInputBits...maxBits).contains(vaBits) else {
            throw ValidationError(VMSAError.inputBitsOutOfRange(vaBits, granule, Granule.minInputBits...maxBits).description)
        }
        if vaBits > 48, granule != .k64, !ds {
            throw ValidationError("a \(vaBits)-bit VA with the \(granule) granule needs --ds (FEAT_LPA2)")
        }
        return format
    }

    func execute() throws {
        if regime == .s2 {
            let (s2, format) = try stage2()
            let outputBits = RegimeHalf.outputBits(granule: s2.granule, ds: ds, paBits: format.paBits)
            let tables = s2.concatenatedTables
            if !json {
                let sl = "SL0=\(sl0 ?? 0)" + (sl2 ? ", SL2=1" : "")
                let head = "\(s2.granule) granule, stage 2, \(s2.inputBits)-bit IPA (T0SZ = \(64 - s2.inputBits)), \(sl), \(format.paBits)-bit PA"
                Output.line(head + ", \(outputBits)-bit output\(ds ? ", DS=1" : ""): start at \(s2.startLevel), \(tables) concatenated table\(tables == 1 ? "" : "s")")
            }
            let extra: [(String, JSONValue)] = [("regime", .string("s2")), ("concatenatedTables", .int(tables))]
            return printLevels(granule: s2.granule, inputBits: s2.inputBits, start: s2.startLevel, startBits: s2.startIndexBits,
                               paBits: format.paBits, outputBits: outputBits, extra: extra)
        }
        let format = try resolved()
        let g = format.granule
        let start = g.startLevel(inputBits: vaBits)
        // IPS=52 gives 48-bit output with 4K/16K unless DS=1: the descriptors hold no more.
        let outputBits = RegimeHalf.outputBits(granule: g, ds: ds, paBits: format.paBits)
        if !json {
            Output.line("\(g) granule, \(vaBits)-bit VA (T0SZ/T1SZ = \(64 - vaBits)), \(format.paBits)-bit PA, \(outputBits)-bit output\(ds ? ", DS=1" : ""): start at \(start)")
        }
        printLevels(granule: g, inputBits: vaBits, start: start, startBits: g.indexBits(at: start, inputBits: vaBits),
                    paBits: format.paBits, outputBits: outputBits, extra: [])
    }

    /// One line (or JSON object) per level from `start`; the start level
    /// indexes `startBits` (across concatenated tables at stage 2).
    private func printLevels(granule g: Granule, inputBits: Int, start: Level, startBits: Int, paBits: Int, outputBits: Int,
                             extra: [(String, JSONValue)]) {
        if !json { Output.line("level  \(regime == .s2 ? "IPA bits  " : "VA bits   ")entries  entry size  block  contiguous run") }
        for n in start.rawValue...3 {
            let level = Level(uncheckedRawValue: n)
            let shift = g.shift(at: level)
            let bits = level == start ? startBits : g.bitsPerLevel
            let size = g.entrySize(at: level)
            let isLeafLevel = level.isLast
            let block = isLeafLevel || g.isBlockLegal(at: level, ds: ds)
            let run = block ? g.contiguousCount(at: level) : nil
            if json {
                let sizeKey = regime == .s2 ? "ipaBits" : "vaBits"
                let fields: [(String, JSONValue)] = [
                    ("granule", .string(g.name)), (sizeKey, .int(inputBits)), ("paBits", .int(paBits)),
                    ("outputBits", .int(outputBits)), ("level", .int(n)),
                    ("start", .bool(level == start)),
                    ("indexMsb", .int(shift + bits - 1)), ("indexLsb", .int(shift)),
                    ("entries", .int(1 << bits)), ("tableBytes", .int((1 << bits) * 8)),
                    ("entrySize", .hex(size)),
                    ("leaf", .string(isLeafLevel ? "page" : (block ? "block" : "none"))),
                    ("contiguousEntries", run.map { .int($0) } ?? .null),
                    ("contiguousSize", run.map { .hex(size * UInt64($0)) } ?? .null),
                ]
                Output.json(fields + extra)
            } else {
                let leaf = isLeafLevel ? "page" : (block ? "yes" : "no")
                let runText = run.map { "\($0) x \(Hex.size(size)) = \(Hex.size(size * UInt64($0)))" } ?? "-"
                Output.line("  \(pad(String(n), 5))\(pad("[\(shift + bits - 1):\(shift)]", 10))\(pad(String(1 << bits), 9))\(pad(Hex.size(size), 12))\(pad(leaf, 7))\(runText)")
            }
        }
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
