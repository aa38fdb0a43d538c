import ArgumentParser
import VMSA
import VMSAJSON

struct VTCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtcr", abstract: "Decode or encode VTCR_EL2 (stage 2 of the EL1&0 regime).",
        subcommands: [Decode.self, Encode.self])

    /// The PE's physical address size the start-level rules need (SL0=2
    /// wants 42 or 44 bits); an option, since VTCR_EL2 does not hold it.
    struct PAMax: ParsableArguments {
        @Option(name: .customLong("pa-max"), help: "The PE's physical address size in bits (ID_AA64MMFR0_EL1.PARange; default 52).")
        var bits: Int = 52

        func validate() throws {
            guard PhysicalAddressSize(bits: bits) != nil else { throw ValidationError(VMSAError.unsupportedPASize(bits).description) }
        }
    }

    static func reading(paMax: Int) -> RegisterReading<VTCR> {
        RegisterReading(
            problems: { $0.problems(paMax: paMax).map(\.description) },
            derived: { v in
                let g = try? v.geometry(paMax: paMax)
                return [
                    ("granule", v.granule.map { .string($0.name) } ?? .null), ("ipaBits", .int(v.inputBits)),
                    ("paBits", v.physicalAddressSize.map { .int($0.bits) } ?? .null),
                    ("startLevel", g.map { .int($0.startLevel.rawValue) } ?? .null),
                    ("concatenatedTables", g.map { .int($0.concatenatedTables) } ?? .null),
                ]
            },
            extra: { v in
                let pa = v.physicalAddressSize.map { "\($0.bits)-bit PA (PS)" } ?? "reserved PS"
                guard let g = try? v.geometry(paMax: paMax) else { return ["  stage 2: \(v.inputBits)-bit IPA, \(pa), no legal start level"] }
                return ["  stage 2: \(g.granule) granule, \(g.inputBits)-bit IPA, \(pa), start at \(g.startLevel), \(g.concatenatedTables) concatenated table\(g.concatenatedTables == 1 ? "" : "s"), \(v.sixteenBitVMID ? 16 : 8)-bit VMID"]
            })
    }

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Decode VTCR_EL2 values: fields, start level and concatenated tables.")
        @OptionGroup var paMax: PAMax
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "VTCR_EL2 values; standard input when none.") var values: [String] = []
        func execute() throws { try VTCRCommand.reading(paMax: paMax.bits).decode(values, json: json) }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode VTCR_EL2 from fields.", discussion: "RES1 bit 31 is set; other fields not given are 0.")
        @OptionGroup var paMax: PAMax
        @OptionGroup var options: FieldEncodeOptions
        func execute() throws { try options.encode(VTCRCommand.reading(paMax: paMax.bits)) }
    }
}
