import ArgumentParser
import Foundation
import VMSA
import VMSAJSON
import VMSATables

struct ConvertCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Rewrite an image in the current format, keeping only the pages its tables occupy.",
        discussion: """
            Reads an image of any supported version (1 or 2) and writes a version 2 image with the \
            same registers and CPU state, holding only the 4K pages of the tables reachable from \
            TTBR0 and TTBR1 (with --data, also the pages their leaves map that the source holds). \
            The output is written through a temporary file and a rename.
            """)

    @Argument(help: "The image file to read.") var image: String
    @Option(name: .shortAndLong, help: "The image file to write; - for standard output.") var output: String
    @Flag(help: "Also keep the data pages the leaves map, where the source holds them (a capture's RAM).") var data = false
    @Flag(help: "Print a JSON object describing the result.") var json = false

    func validate() throws {
        if AtomicFile.isStandardOutput(output), json { throw ValidationError("-o - writes the image to standard output, which leaves no room for --json") }
    }

    func execute() throws {
        let source = try ImageFiles.image(image)
        let reach = ReachableTables(source.regime, in: source)
        let converted = source.reachable(from: reach, data: data)
        try KeptTables.require(converted, reach, regime: source.regime, name: image, verb: "convert", source: "image")
        try ImageFiles.write(converted, to: output)
        // Standard output holds the image itself.
        if AtomicFile.isStandardOutput(output) { return }
        let segments = converted.memorySegments
        if json {
            Output.json([("image", .string(output)), ("version", .int(Int(ImageFormat.version))),
                         ("segments", .int(segments.count)), ("bytes", .hex(converted.capturedBytes)),
                         ("sourceBytes", .hex(source.capturedBytes))])
        } else {
            Output.line("\(output): \(segments.count) segment\(segments.count == 1 ? "" : "s"), \(Hex.size(converted.capturedBytes)) of tables\(data ? " and data" : "") (from \(Hex.size(source.capturedBytes)))")
        }
    }
}
