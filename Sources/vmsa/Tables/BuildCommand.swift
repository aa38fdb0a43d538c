import ArgumentParser
import Foundation
import VMSA
import VMSAJSON
import VMSATables

struct BuildCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a table image from a layout file.",
        discussion: """
            Writes the image file (header, registers, table memory; see the README) through a \
            temporary file and a rename, so a failed build leaves no output behind. A bad layout \
            exits 65 with one sentence naming the value; an unreadable one 66.
            """)

    @Argument(help: "The layout file (JSON).") var layout: String
    @Option(name: .shortAndLong, help: "The image file to write; - for standard output.") var output: String
    @Flag(help: "Print a JSON object describing the image.") var json = false

    func validate() throws {
        if AtomicFile.isStandardOutput(output), json { throw ValidationError("-o - writes the image to standard output, which leaves no room for --json") }
    }

    func execute() throws {
        let parsed = try ImageFiles.layout(layout)
        let image: TableImage
        do { image = try TableImage(layout: parsed) } catch { throw CLIError(.dataError, "\(layout): \(error.description)") }
        try ImageFiles.write(image, to: output)
        // Standard output holds the image itself.
        if AtomicFile.isStandardOutput(output) { return }
        if json {
            guard case .object(var o) = TableJSON.registers(image) else { return }
            o["image"] = .string(output)
            o["mappings"] = .int(parsed.mappings.count)
            Output.json(.object(o))
        } else {
            let mappings = parsed.mappings.count + (parsed.stage2?.mappings.count ?? 0)
            let held = image.memorySegments.count == 1 ? "\(Hex.size(image.tablesSize)) of tables at \(Hex.short(image.tablesBase))"
                : "\(Hex.size(image.capturedBytes)) of tables in \(image.memorySegments.count) segments from \(Hex.short(image.tablesBase))"
            Output.line("\(output): \(mappings) mappings, \(held)")
            Output.line("  " + ImageFiles.registers(image).map { "\($0.name) \(Hex.format($0.value))" }.joined(separator: "  "))
        }
    }
}
