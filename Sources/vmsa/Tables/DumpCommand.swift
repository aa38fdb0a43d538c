import ArgumentParser
import Foundation
import VMSA
import VMSAJSON
import VMSATables

struct DumpCommand: VMSASubcommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case tree, ptdump, json, dot, raw, registers
    }

    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Show a table image: tree, ptdump, json, dot, raw or registers.",
        discussion: """
            tree: tables and their leaves, indented. ptdump: the line format of Linux's \
            kernel_page_tables. json: one object per walk item (leaf or hole). dot: a Graphviz \
            digraph of the tables. raw: table memory exactly as it sits from tablesBase (needs -o). \
            registers: TCR_EL1, MAIR_EL1, TTBR0_EL1, TTBR1_EL1, tablesBase, tablesSize, SCTLR_EL1, \
            PSTATE.PAN and the memory segments the image holds.
            """)

    @Argument(help: "The image file (or --gdb).") var image: String?
    @OptionGroup var guest: GuestOptions
    @Option(help: "tree, ptdump, json, dot, raw or registers.") var format: Format = .tree
    @Option(help: "Only this half.") var ttbr: TranslationTableBase?
    @Option(name: .shortAndLong, help: "Write to this file (atomically) instead of standard output; - is standard output.") var output: String?
    @Flag(help: "JSON Lines output (for tree/ptdump this is --format json).") var json = false
    @Flag(help: "With json: merge neighbours of equal level and attributes.") var merge = false

    /// Bytes of JSON Lines gathered before each write.
    static let streamChunk = 1 << 16

    func validate() throws {
        if format == .raw, output == nil { throw ValidationError("--format raw writes binary table memory and needs -o FILE") }
        if format == .raw, json, let output, AtomicFile.isStandardOutput(output) {
            throw ValidationError("-o - writes table memory to standard output, which leaves no room for --json")
        }
        if format == .dot, json { throw ValidationError("--format dot has no JSON form; drop --json") }
        // Options a format does not read are refused, never dropped.
        if merge, !(format == .json || (json && (format == .tree || format == .ptdump))) {
            throw ValidationError("--merge applies only to the JSON walk (--format json, or --json with tree or ptdump), not --format \(format.rawValue)\(json ? " --json" : "")")
        }
        if let ttbr, format == .raw || format == .registers {
            throw ValidationError("--ttbr \(ttbr.rawValue) does not apply to --format \(format.rawValue), which covers both halves")
        }
    }

    func execute() throws {
        let loaded = try ImageSource.image(image, guest)
        let halves: [TranslationTableBase] = ttbr.map { [$0] } ?? [.ttbr1, .ttbr0]
        var lines: [String] = []
        let effective: Format = json && (format == .tree || format == .ptdump) ? .json : format
        switch effective {
        case .tree: lines = TreeDump.lines(loaded, halves: halves)
        case .ptdump: lines = PTDump.lines(loaded, halves: halves)
        case .dot: lines = [DotDump.text(loaded, halves: halves)]
        case .json:
            // Streamed, one line per walk item, in constant memory: a dump of
            // millions of leaves starts at once and never holds them all.
            try AtomicFile.write(to: output ?? "-") { sink in
                var buffer = ""
                buffer.reserveCapacity(Self.streamChunk)
                for t in halves {
                    try loaded.walk(t, mergingNeighbours: merge).forEach { item in
                        buffer += TableJSON.walkEntry(item).jsonText
                        buffer += "\n"
                        if buffer.utf8.count >= Self.streamChunk {
                            try sink.write(Data(buffer.utf8))
                            buffer.removeAll(keepingCapacity: true)
                        }
                    }
                }
                try sink.write(Data(buffer.utf8))
            }
            return
        case .registers:
            if json {
                lines = [TableJSON.registers(loaded).jsonText]
            } else {
                lines = [
                    "TCR_EL1    \(loaded.tcr)", "MAIR_EL1   \(loaded.mair)",
                    "TTBR0_EL1  \(loaded.ttbr0)", "TTBR1_EL1  \(loaded.ttbr1)",
                    "tablesBase \(Hex.format(loaded.tablesBase))", "tablesSize \(Hex.format(loaded.tablesSize))",
                    "SCTLR_EL1  \(Hex.format(loaded.state.sctlr))", "PSTATE.PAN \(loaded.state.pan ? 1 : 0)",
                ] + loaded.memorySegments.map { "segment    \(Hex.format($0.base.rawValue)) \(Hex.size($0.bytes))" }
            }
        case .raw:
            try ImageFiles.write(loaded, to: output!, tablesOnly: true)
            if json {
                Output.json([("output", .string(output!)), ("tablesBase", .hex(loaded.tablesBase)), ("tablesSize", .hex(loaded.tablesSize))])
            }
            return
        }
        if let output {
            try Output.writeAtomically(Data(lines.map { $0 + "\n" }.joined().utf8), to: output)
        } else {
            for line in lines { Output.line(line) }
        }
    }
}
