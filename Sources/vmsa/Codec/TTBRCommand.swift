import ArgumentParser
import VMSA
import VMSAJSON

struct TTBRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ttbr", abstract: "Decode or encode TTBR0_EL1/TTBR1_EL1.", subcommands: [Decode.self, Encode.self])

    static func object(_ t: TTBR, fiftyTwoBit: Bool) -> JSONValue {
        .object(JSONObject([
            ("raw", .hex(t.rawValue)), ("baddr", .hex(t.baseAddress(fiftyTwoBit: fiftyTwoBit))),
            ("asid", .int(t.asid)), ("cnp", .bool(t.cnp)), ("pa52", .bool(fiftyTwoBit)),
        ]))
    }

    /// Which BADDR layout a TTBRn_EL1 or VTTBR_EL2 value uses: `--pa-bits 52`
    /// puts BADDR[51:48] in bits [5:2] (FEAT_LPA). `--pa52`, the first
    /// spelling, still works.
    struct BaseFormat: ParsableArguments {
        @Option(name: .customLong("pa-bits"), help: "Physical address size in bits (TCR_EL1.IPS, VTCR_EL2.PS); 52 puts BADDR[51:48] in bits [5:2]. (default: 48)") var paBits: Int?
        @Flag(name: .customLong("pa52"), help: ArgumentHelp(visibility: .hidden)) var pa52 = false

        var fiftyTwoBit: Bool { pa52 || paBits == 52 }

        func validate() throws {
            if let paBits, PhysicalAddressSize(bits: paBits) == nil { throw ValidationError(VMSAError.unsupportedPASize(paBits).description) }
            if pa52, paBits != nil { throw ValidationError("--pa52 is the old spelling of --pa-bits 52; give one of them") }
        }
    }

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Decode TTBRn_EL1 values: BADDR, ASID, CnP.")
        @OptionGroup var format: BaseFormat
        private var pa52: Bool { format.fiftyTwoBit }
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "TTBRn_EL1 values; standard input when none.") var values: [String] = []

        func execute() throws {
            for text in InputValues.lines(values) {
                let t = TTBR(rawValue: try InputValues.uint64(text, what: "TTBR value"))
                if json {
                    Output.json(TTBRCommand.object(t, fiftyTwoBit: pa52))
                } else {
                    let baseBits = pa52 ? "[47:6],[5:2]=BADDR[51:48]" : "[47:1]"
                    Output.line("""
                        TTBRn_EL1 = \(t)
                          BADDR  \(baseBits)  \(PhysicalAddress(t.baseAddress(fiftyTwoBit: pa52)))
                          ASID   [63:48]  \(t.asid)
                          CnP    [0]      \(t.cnp ? 1 : 0)
                        """)
                }
            }
        }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Encode TTBRn_EL1 from a table base, ASID and CnP.")
        @Option(help: "Table base physical address.") var baddr: String?
        // Optional, so that --json can refuse it when given; nil is 0.
        @Option(help: "ASID, 0 to 65535 (default: 0).") var asid: Int?
        @Flag(help: "CnP [0].") var cnp = false
        @OptionGroup var format: BaseFormat
        private var pa52: Bool { format.fiftyTwoBit }

        func validate() throws {
            if json {
                try JSONInputOptions.refuse([(baddr != nil, "--baddr"), (asid != nil, "--asid"), (cnp, "--cnp"),
                                             (format.paBits != nil, "--pa-bits"), (format.pa52, "--pa52")])
            }
        }
        @Flag(help: "Read JSON Lines (the keys `ttbr decode --json` prints) from standard input; print one {\"raw\":\"0x…\"} object per value.") var json = false

        func execute() throws {
            if json {
                try InputValues.jsonLines { r in
                    _ = r.optionalValue("raw")
                    let base = try r.hex("baddr")
                    let asid = try r.optionalInt("asid", in: 0...Int(UInt16.max)) ?? 0
                    let cnp = try r.optionalBool("cnp") ?? false
                    let pa52 = try r.optionalBool("pa52") ?? false
                    try r.finish()
                    EncodedValue.print(try encode(base, asid, cnp, pa52, context: "\(r.context): ").rawValue, json: true)
                }
                return
            }
            guard let baddr else { throw CLIError(.usage, "ttbr encode needs --baddr") }
            let asid = asid ?? 0
            guard (0...Int(UInt16.max)).contains(asid) else { throw CLIError(.usage, "--asid \(asid) is out of range; expected 0 to 65535") }
            let base = try InputValues.uint64(baddr, what: "table base address")
            EncodedValue.print(try encode(base, asid, cnp, pa52, context: "").rawValue, json: false)
        }

        private func encode(_ base: UInt64, _ asid: Int, _ cnp: Bool, _ pa52: Bool, context: String) throws -> TTBR {
            TTBR(baseAddress: try TTBRCommand.checkedBase(base, pa52: pa52, context: context), asid: UInt16(asid), cnp: cnp, fiftyTwoBit: pa52)
        }
    }

    /// A table base a TTBRn_ELx or VTTBR_EL2 can hold: below 2^48 (2^52 with
    /// `pa52`) and 2-byte (64-byte) aligned.
    static func checkedBase(_ base: UInt64, pa52: Bool, context: String) throws -> UInt64 {
        let limit: UInt64 = pa52 ? 1 << 52 : 1 << 48
        let align: UInt64 = pa52 ? TTBR.alignment52 : 2
        guard base < limit, base % align == 0 else {
            throw CLIError(.dataError, "\(context)table base \(Hex.short(base)) cannot be encoded; expected a \(align)-byte aligned address below 2^\(pa52 ? 52 : 48)")
        }
        return base
    }
}
