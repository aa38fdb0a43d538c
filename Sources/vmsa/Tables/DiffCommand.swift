import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct DiffCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List the VA ranges whose translation differs between two images.",
        discussion: """
            Two addresses translate the same when both reach the same PA with the same effective \
            attributes (the Contiguous hint aside) or both fault with the same kind. Exit status 1 \
            when any range differs, 0 when none does. Both images must be of one regime; a \
            stage-2 image compares IPAs, and two images with a stage 2 are compared stage by \
            stage (the stage-1 tables at their IPAs, then the stage-2 tables), each range \
            labelled with its stage (`stage` in JSON).
            """)

    @Argument(help: "The first image.") var a: String
    @Argument(help: "The second image (or --gdb: the live guest).") var b: String?
    @OptionGroup var guest: GuestOptions
    @Flag(help: "One JSON object per differing range (JSON Lines), then a summary object.") var json = false

    func execute() throws {
        let first = try ImageFiles.image(a)
        let second = try ImageSource.image(b, guest)
        let b = self.b ?? guest.address.map { "gdb \($0)" } ?? "?"
        let parts: [(stage: Int?, differences: [TranslationDifference])]
        do { parts = try first.stageDifferences(from: second) } catch { throw CLIError(.dataError, error.description) }
        let differences = parts.flatMap(\.differences)
        for part in parts {
            for d in part.differences {
                let name = first.regime.kind == .s2 || part.stage == 2 ? "VTTBR_EL2" : first.regime.registerName(d.ttbr)
                if json {
                    Output.json((part.stage.map { [("stage", JSONValue.int($0))] } ?? [])
                        + [("ttbr", .int(d.ttbr.rawValue)), ("start", .hex(d.va.rawValue)), ("end", .hex(d.lastVA)),
                           ("size", .hex(d.size)), ("a", TableJSON.outcome(d.a)), ("b", TableJSON.outcome(d.b))])
                } else {
                    Output.line("\(part.stage.map { "stage \($0) " } ?? "")\(name) \(d.va)-\(Hex.format(d.lastVA)) (\(Hex.size(d.size)))")
                    Output.line("  \(a): \(d.a)")
                    Output.line("  \(b): \(d.b)")
                }
            }
        }
        if json {
            // The closing summary, as `conform --json` ends with one.
            Output.json([("summary", .bool(true)), ("differences", .int(differences.count)),
                         ("bytes", .hex(differences.reduce(0) { $0 &+ $1.size }))])
        } else {
            Output.line("\(differences.count) differing range\(differences.count == 1 ? "" : "s")")
        }
        if !differences.isEmpty { throw CLIError(.checkFailed, "the images translate \(differences.count) range\(differences.count == 1 ? "" : "s") differently") }
    }
}
