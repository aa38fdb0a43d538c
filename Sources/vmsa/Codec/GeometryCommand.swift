import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct GeometryCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "geometry",
        abstract: "Show the levels, index bits, entry sizes, legal blocks and contiguous runs of a granule and VA size.")

    @Option(name: .customLong("granule"), help: "Translation granule.") var granuleArgument: GranuleArgument = .k4
    var granule: Granule { granuleArgument.granule }
    @Option(name: .customLong("va-bits"), help: "Input address size in bits (64 - TxSZ).") var vaBits: Int = 48
    @Flag(help: "TCR_EL1.DS=1 (FEAT_LPA2).") var ds = false
    @Option(name: .customLong("pa-bits"), help: "Physical address size in bits (TCR_EL1.IPS).") var paBits: Int?
    @Flag(help: "Print one JSON object per level (JSON Lines).") var json = false

    func validate() throws { _ = try resolved() }

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
        let format = try resolved()
        let g = format.granule
        let start = g.startLevel(inputBits: vaBits)
        // IPS=52 gives 48-bit output with 4K/16K unless DS=1: the descriptors hold no more.
        let outputBits = RegimeHalf.outputBits(granule: g, ds: ds, paBits: format.paBits)
        if !json {
            Output.line("\(g) granule, \(vaBits)-bit VA (T0SZ/T1SZ = \(64 - vaBits)), \(format.paBits)-bit PA, \(outputBits)-bit output\(ds ? ", DS=1" : ""): start at \(start)")
            Output.line("level  VA bits   entries  entry size  block  contiguous run")
        }
        for n in start.rawValue...3 {
            let level = Level(uncheckedRawValue: n)
            let shift = g.shift(at: level)
            let bits = g.indexBits(at: level, inputBits: vaBits)
            let size = g.entrySize(at: level)
            let isLeafLevel = level.isLast
            let block = isLeafLevel || g.isBlockLegal(at: level, ds: ds)
            let run = block ? g.contiguousCount(at: level) : nil
            if json {
                Output.json([
                    ("granule", .string(g.name)), ("vaBits", .int(vaBits)), ("paBits", .int(format.paBits)),
                    ("outputBits", .int(outputBits)), ("level", .int(n)),
                    ("start", .bool(level == start)),
                    ("indexMsb", .int(shift + bits - 1)), ("indexLsb", .int(shift)),
                    ("entries", .int(1 << bits)), ("tableBytes", .int(g.tableSize(at: level, inputBits: vaBits))),
                    ("entrySize", .hex(size)),
                    ("leaf", .string(isLeafLevel ? "page" : (block ? "block" : "none"))),
                    ("contiguousEntries", run.map { .int($0) } ?? .null),
                    ("contiguousSize", run.map { .hex(size * UInt64($0)) } ?? .null),
                ])
            } else {
                let leaf = isLeafLevel ? "page" : (block ? "yes" : "no")
                let runText = run.map { "\($0) x \(Hex.size(size)) = \(Hex.size(size * UInt64($0)))" } ?? "-"
                Output.line("  \(pad(String(n), 5))\(pad("[\(shift + bits - 1):\(shift)]", 10))\(pad(String(1 << bits), 9))\(pad(Hex.size(size), 12))\(pad(leaf, 7))\(runText)")
            }
        }
    }

    private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
