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
            PSTATE.PAN and the memory segments the image holds (the regime's own registers for \
            EL2, EL3 and stage-2 images; VTCR_EL2, VTTBR_EL2 and HCR_EL2 too with a stage 2). \
            An EL1&0 image with a stage 2 is dumped as two parts: its stage-1 tables at their \
            IPAs, then its stage-2 tables.
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
        // A two-stage image: its stage-1 tables (at IPAs), then its stage 2.
        let parts: [(title: String?, image: TableImage)] = loaded.stage2View.map { s2 in
            [("stage 1: \(loaded.regime.kind.armName), tables at IPAs", loaded.stage1View), ("stage 2: IPA to PA", s2)]
        } ?? [(nil, loaded)]
        func each(_ body: (TableImage) -> [String]) -> [String] {
            parts.flatMap { part in (part.title.map { ["=== \($0) ==="] } ?? []) + body(part.image) }
        }
        switch effective {
        case .tree: lines = each { TreeDump.lines($0, halves: halves) }
        case .ptdump: lines = each { PTDump.lines($0, halves: halves) }
        case .dot: lines = parts.map { DotDump.text($0.image, halves: halves) }
        case .json:
            // Streamed, one line per walk item, in constant memory: a dump of
            // millions of leaves starts at once and never holds them all.
            try AtomicFile.write(to: output ?? "-") { sink in
                var buffer = ""
                buffer.reserveCapacity(Self.streamChunk)
                for part in parts {
                    for t in halves where part.image.regime.ranges.contains(t) {
                        try part.image.walk(t, mergingNeighbours: merge).forEach { item in
                            buffer += TableJSON.walkEntry(item).jsonText
                            buffer += "\n"
                            if buffer.utf8.count >= Self.streamChunk {
                                try sink.write(Data(buffer.utf8))
                                buffer.removeAll(keepingCapacity: true)
                            }
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
                lines = ImageFiles.registerLines(loaded) + [
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
