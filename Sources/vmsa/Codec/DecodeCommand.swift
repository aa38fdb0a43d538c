import ArgumentParser
import VMSA

struct DecodeCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode stage-1 descriptors field by field.",
        discussion: "Values come as arguments or, when none are given, one per line on standard input. Exit status 1 when a value has problems.")

    @OptionGroup var format: FormatOptions

    @Flag(help: "Print one JSON object per value (JSON Lines).")
    var json = false

    @Argument(help: "Raw descriptor values, hex (the 0x is optional).")
    var values: [String] = []

    func execute() throws {
        let (format, level) = try format.resolved()
        var anyProblem = false
        for text in InputValues.lines(values) {
            let raw = try InputValues.uint64(text, what: "descriptor")
            anyProblem = anyProblem || !Descriptor(rawValue: raw).problems(at: level, format: format).isEmpty
            if json {
                Output.json(DescriptorJSON.object(raw: raw, level: level, format: format))
            } else {
                Output.line(DescriptorText.render(raw: raw, level: level, format: format))
            }
        }
        if anyProblem { throw CLIError(.checkFailed, json ? "some descriptors have problems (see \"problems\")" : "some descriptors have problems (listed above)") }
    }
}
