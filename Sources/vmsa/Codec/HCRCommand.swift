import ArgumentParser
import VMSA
import VMSAJSON

struct HCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hcr", abstract: "Decode or encode the HCR_EL2 fields that change translation.",
        subcommands: [Decode.self, Encode.self])

    static var reading: RegisterReading<HCR> { RegisterReading(
        derived: { [("el2Regime", .string($0.el2Regime.rawValue))] },
        extra: { h in
            ["  EL2 runs in \(h.el2Regime)" + (h.tge ? "; EL0 too (TGE=1)" : ""),
             "  stage 2 of EL1&0: " + (h.stage2Enabled ? "enabled" : "disabled") + ", MemAttr read with FWB=\(h.fwb ? 1 : 0)"]
        }) }

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode HCR_EL2 values: VM, PTW, DC, TGE, RW, CD, ID, E2H, FWB; other bits are shown as \"other\".")
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "HCR_EL2 values; standard input when none.") var values: [String] = []
        func execute() throws { try HCRCommand.reading.decode(values, json: json) }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Encode HCR_EL2 from fields (not given: 0).")
        @OptionGroup var options: FieldEncodeOptions
        func execute() throws { try options.encode(HCRCommand.reading) }
    }
}
