import ArgumentParser
import VMSA

/// `--granule`, `--level`, `--ds` and `--pa-bits`, shared by decode and encode.
struct FormatOptions: ParsableArguments {
    // Optional so that `encode --json` can tell an option given from its
    // default (each JSON line names its own format); the defaults are here.
    @Option(name: .customLong("granule"), help: "Translation granule (default: 4k).")
    var granuleArgument: GranuleArgument?
    var granule: Granule { (granuleArgument ?? .k4).granule }

    @Option(name: .customLong("level"), parsing: .unconditional,
            help: "Translation table level, -1 to 3 (which exist depends on the granule; default: 3).")
    var levelArgument: Int?
    var level: Int { levelArgument ?? 3 }

    @Flag(help: "TCR_EL1.DS=1 (FEAT_LPA2): 52-bit output addresses for 4K/16K, OA[51:50] in bits [9:8].")
    var ds = false

    @Option(name: .customLong("pa-bits"), help: "Physical address size in bits (TCR_EL1.IPS): 32, 36, 40, 42, 44, 48 or 52.")
    var paBits: Int?

    @Option(help: "Translation regime: el10 (EL1&0, default), el20 (EL2&0, VHE), el2, el3 or s2 (stage 2 of EL1&0).")
    var regime: TranslationRegimeKind?
    var effectiveRegime: TranslationRegimeKind { regime ?? .el10 }

    @Flag(help: "Stage 2: HCR_EL2.FWB=1 (FEAT_S2FWB), MemAttr[2:0] forces or passes stage 1.")
    var fwb = false

    @Flag(help: "Stage 2: FEAT_XNX, XN[0] [53] is a field (else RES0).")
    var xnx = false

    var stage2Features: Stage2Features { Stage2Features(fwb: fwb, xnx: xnx) }

    /// The options given on the command line, by their spelling.
    var given: [String] {
        [("--granule", granuleArgument != nil), ("--level", levelArgument != nil), ("--ds", ds), ("--pa-bits", paBits != nil),
         ("--regime", regime != nil), ("--fwb", fwb), ("--xnx", xnx)]
            .filter(\.1).map(\.0)
    }

    /// 52 bits with DS, 48 otherwise, unless given.
    var effectivePABits: Int { paBits ?? (ds ? 52 : 48) }

    /// A level the granule lacks, DS with 64K or an unsupported PA size given
    /// as options is a usage error; the same in a JSON line is bad data.
    func validate() throws {
        do { _ = try resolved() } catch let e as VMSAError { throw ValidationError(e.description) }
        if effectiveRegime != .s2, let option = fwb ? "--fwb" : xnx ? "--xnx" : nil {
            throw ValidationError("\(option) applies only to stage-2 descriptors (--regime s2), not to \(effectiveRegime)")
        }
    }

    func resolved() throws -> (format: DescriptorFormat, level: Level) {
        let format = try DescriptorFormat(granule: granule, ds: ds, paBits: effectivePABits)
        return (format, try Self.level(level, format: format))
    }

    /// The format a JSON line names (bad data, exit 65, when it is wrong).
    static func format(granule name: String, ds: Bool, paBits: Int) throws -> DescriptorFormat {
        guard let granule = Granule(name: name) else {
            throw CLIError(.dataError, "granule \"\(name)\" is not one of 4k, 16k, 64k")
        }
        return try DescriptorFormat(granule: granule, ds: ds, paBits: paBits)
    }

    static func level(_ n: Int, format: DescriptorFormat) throws -> Level {
        guard format.granule.levels(ds: format.ds).contains(n), let level = Level(rawValue: n) else {
            throw VMSAError.levelDoesNotExist(n, format.granule, ds: format.ds)
        }
        return level
    }
}
