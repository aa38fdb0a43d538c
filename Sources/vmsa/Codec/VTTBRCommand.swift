import ArgumentParser
import VMSA
import VMSAJSON

struct VTTBRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vttbr", abstract: "Decode or encode VTTBR_EL2: BADDR, VMID (8- or 16-bit), CnP.",
        subcommands: [Decode.self, Encode.self])

    /// How a VTTBR_EL2 value reads: VTCR_EL2.VS and a 52-bit base.
    struct Reading: ParsableArguments {
        @Flag(name: .customLong("vs"), help: "VTCR_EL2.VS=1: 16-bit VMID in [63:48] (else 8-bit in [55:48], [63:56] RES0).") var vs = false
        /// `--pa-bits 52`, as for TTBRn_EL1 (`--pa52` the old spelling).
        @OptionGroup var base: TTBRCommand.BaseFormat
        var pa52: Bool { base.fiftyTwoBit }
    }

    static func object(_ v: VTTBR, vs: Bool, pa52: Bool) -> JSONValue {
        .object(JSONObject([
            ("raw", .hex(v.rawValue)), ("baddr", .hex(v.baseAddress(fiftyTwoBit: pa52))),
            ("vmid", .int(v.vmid(sixteenBit: vs))), ("cnp", .bool(v.cnp)), ("vs", .bool(vs)), ("pa52", .bool(pa52)),
            ("problems", .array(v.problems(sixteenBitVMID: vs).map { .string($0.description) })),
        ]))
    }

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Decode VTTBR_EL2 values.")
        @OptionGroup var reading: Reading
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "VTTBR_EL2 values; standard input when none.") var values: [String] = []

        func execute() throws {
            var anyProblem = false
            for text in InputValues.lines(values) {
                let v = VTTBR(rawValue: try InputValues.uint64(text, what: "VTTBR_EL2 value"))
                let problems = v.problems(sixteenBitVMID: reading.vs)
                anyProblem = anyProblem || !problems.isEmpty
                if json {
                    Output.json(VTTBRCommand.object(v, vs: reading.vs, pa52: reading.pa52))
                    continue
                }
                let baseBits = reading.pa52 ? "[47:6],[5:2]=BADDR[51:48]" : "[47:1]"
                var out = """
                    VTTBR_EL2 = \(v)
                      BADDR  \(baseBits)  \(PhysicalAddress(v.baseAddress(fiftyTwoBit: reading.pa52)))
                      VMID   \(reading.vs ? VTTBR.Field.vmid.bits : VTTBR.vmid8)  \(v.vmid(sixteenBit: reading.vs)) (\(reading.vs ? 16 : 8)-bit, VTCR_EL2.VS=\(reading.vs ? 1 : 0))
                      CnP    [0]      \(v.cnp ? 1 : 0)
                    """
                for p in problems { out += "\n  problem: \(p)" }
                Output.line(out)
            }
            if anyProblem { throw CLIError(.checkFailed, "some VTTBR_EL2 values have problems " + (json ? "(see \"problems\")" : "(listed above)")) }
        }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Encode VTTBR_EL2 from a table base, VMID and CnP.")
        @OptionGroup var reading: Reading
        @Option(help: "Stage-2 start-level table base physical address.") var baddr: String?
        // Optional, so that --json can refuse it when given; nil is 0.
        @Option(help: "VMID: 0 to 255, or to 65535 with --vs (default: 0).") var vmid: Int?
        @Flag(help: "CnP [0].") var cnp = false

        func validate() throws {
            if json {
                try JSONInputOptions.refuse([(baddr != nil, "--baddr"), (vmid != nil, "--vmid"), (cnp, "--cnp"),
                                             (reading.vs, "--vs"), (reading.base.paBits != nil, "--pa-bits"), (reading.base.pa52, "--pa52")])
            }
        }
        @Flag(help: "Read JSON Lines (the keys `vttbr decode --json` prints) from standard input; print one {\"raw\":\"0x…\"} object per value.") var json = false

        func execute() throws {
            if json {
                try InputValues.jsonLines { r in
                    _ = r.optionalValue("raw")
                    _ = r.optionalValue("problems")
                    let base = try r.hex("baddr")
                    let vs = try r.optionalBool("vs") ?? false
                    let vmid = try r.optionalInt("vmid", in: 0...(vs ? Int(UInt16.max) : Int(UInt8.max))) ?? 0
                    let cnp = try r.optionalBool("cnp") ?? false
                    let pa52 = try r.optionalBool("pa52") ?? false
                    try r.finish()
                    let checked = try TTBRCommand.checkedBase(base, pa52: pa52, context: "\(r.context): ")
                    EncodedValue.print(VTTBR(baseAddress: checked, vmid: UInt16(vmid), cnp: cnp, fiftyTwoBit: pa52).rawValue, json: true)
                }
                return
            }
            guard let baddr else { throw CLIError(.usage, "vttbr encode needs --baddr") }
            let vmid = vmid ?? 0
            let maxVMID = reading.vs ? Int(UInt16.max) : Int(UInt8.max)
            guard (0...maxVMID).contains(vmid) else {
                throw CLIError(.usage, "--vmid \(vmid) is out of range; expected 0 to \(maxVMID)" + (reading.vs ? "" : " (8-bit VMIDs; --vs for 16-bit)"))
            }
            let base = try TTBRCommand.checkedBase(try InputValues.uint64(baddr, what: "table base address"), pa52: reading.pa52, context: "")
            EncodedValue.print(VTTBR(baseAddress: base, vmid: UInt16(vmid), cnp: cnp, fiftyTwoBit: reading.pa52).rawValue, json: false)
        }
    }
}
