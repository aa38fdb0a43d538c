import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct TranslateCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate virtual addresses through an image as the MMU walks it.",
        discussion: """
            Values come as arguments or, when none are given, one per line on standard input.
            A fault is a result, not an error: it prints its type and level (as PAR_EL1 reports
            them) and the command still exits 0.
            """)

    @Argument(help: "The image file.") var image: String
    @Argument(help: "Virtual addresses, hex (0x…) or decimal.") var addresses: [String] = []
    @Option(help: "Access kind: read, write or execute.") var access: AccessKind = .read
    @Option(help: "Exception level the access is made from.") var el: ExceptionLevel = .el1
    @Flag(help: "One JSON object per address (JSON Lines).") var json = false

    func execute() throws {
        let loaded = try ImageFiles.image(image)
        for text in InputValues.lines(addresses) {
            let va = try InputValues.uint64(text, what: "virtual address")
            let result = loaded.translate(VirtualAddress(va), access: access, el: el)
            let half = loaded.tcr.select(VirtualAddress(va))
            if json {
                Output.json(TableJSON.translation(va, result, ttbr: half))
                continue
            }
            switch result {
            case .success(let t):
                Output.line("\(Hex.format(va)) -> \(t.pa)  \(t.ttbr) level \(t.level.rawValue) \(Hex.size(t.size)) \(t.attributes.summary)")
            case .failure(let f):
                Output.line("\(Hex.format(va)) \(f)" + (half.map { " (\($0))" } ?? " (outside both halves)"))
            }
        }
    }
}
