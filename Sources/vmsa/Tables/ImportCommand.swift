import ArgumentParser
import Foundation
import VMSA
import VMSAJSON
import VMSATables

struct ImportCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Build an image from a memory dump: an ELF core or raw RAM files, with the registers given.",
        discussion: """
            Reads an ELF64 arm64 core (QEMU's dump-guest-memory, a kdump vmcore: PT_LOAD segments \
            by physical address) or raw RAM files placed at a PA (--ram FILE@PA, repeatable), and \
            writes a version 2 image holding only the tables reachable from TTBR0 and TTBR1 (with \
            --data, also the data pages their leaves map). A dump holds no system registers: give \
            them with --registers (the JSON of `dump --format registers --json`; the gdbstub has \
            them for a live guest) and/or the options, which win. A table the walks need that the \
            dump does not hold is named in a warning and walks to "not captured".
            """)

    @Argument(help: "The ELF core to read.") var core: String?
    @Option(name: .customLong("core"), help: "The ELF core to read (the same as the argument).") var coreOption: String?
    @Option(name: .customLong("ram"), help: "A raw RAM file and the PA of its first byte, FILE@PA (hex, 4K-aligned); repeatable.")
    var ram: [String] = []
    @Option(name: .shortAndLong, help: "The image file to write; - for standard output.") var output: String
    @Option(help: "A JSON file of registers: tcr_el1, mair_el1, ttbr0_el1, ttbr1_el1, sctlr_el1, pan (what `dump --format registers --json` prints).")
    var registers: String?
    @Option(help: "TCR_EL1 (hex).") var tcr: String?
    @Option(help: "MAIR_EL1 (hex; default 0).") var mair: String?
    @Option(help: "TTBR0_EL1 (hex).") var ttbr0: String?
    @Option(help: "TTBR1_EL1 (hex).") var ttbr1: String?
    @Option(help: "SCTLR_EL1 (hex; default 0).") var sctlr: String?
    @Flag(inversion: .prefixedNo, help: "PSTATE.PAN at the time of the dump (default off).") var pan: Bool?
    @Flag(help: "Also keep the data pages the leaves map, where the dump holds them.") var data = false
    @Flag(help: "Print a JSON object describing the result.") var json = false

    func validate() throws {
        if AtomicFile.isStandardOutput(output), json { throw ValidationError("-o - writes the image to standard output, which leaves no room for --json") }
        if core != nil, coreOption != nil { throw ValidationError("give the core once: as the argument or with --core") }
        let hasCore = core != nil || coreOption != nil
        if hasCore, !ram.isEmpty { throw ValidationError("give an ELF core or --ram files, not both") }
        if !hasCore, ram.isEmpty { throw ValidationError("no dump given: expected an ELF core or --ram FILE@PA") }
        for r in ram { _ = try RAMPlacement(r) }
    }

    func execute() throws {
        var given = ImportRegisters()
        if let registers { given = try ImportRegisters.read(registers) }
        let options = ImportRegisters(
            tcr: try tcr.map { try InputValues.uint64($0, what: "--tcr") }, mair: try mair.map { try InputValues.uint64($0, what: "--mair") },
            ttbr0: try ttbr0.map { try InputValues.uint64($0, what: "--ttbr0") }, ttbr1: try ttbr1.map { try InputValues.uint64($0, what: "--ttbr1") },
            sctlr: try sctlr.map { try InputValues.uint64($0, what: "--sctlr") }, pan: pan)
        let (regime, state) = try given.overridden(by: options).regime(warn: Output.warning)

        let source = core ?? coreOption
        let name = source ?? ram.joined(separator: ", ")
        let segments: [DumpSegment]
        do {
            if let source {
                let file = try ImageFiles.mapped(source)
                do { segments = try ElfCore.segments(of: file, name: source) } catch { throw CLIError(.dataError, "\(source): \(error.description)") }
            } else {
                segments = try ram.map { text in
                    let place = try RAMPlacement(text)
                    return try DumpSegment.ram(try ImageFiles.mapped(place.path), at: place.base, name: place.path)
                }
            }
        } catch let e as DumpError { throw CLIError(.dataError, e.description) }
        let dump: TableImage
        do { dump = try TableImage(regime: regime, state: state, dump: segments) } catch { throw CLIError(.dataError, error.description) }

        // One walk of the dump's tables: what is kept, missing and counted.
        let reach = ReachableTables(regime, in: dump)
        let missing = reach.missing
        let kept = dump.reachable(from: reach, data: data)
        try KeptTables.require(kept, reach, regime: regime, name: name, verb: "import", source: "dump")
        // What the loader will check, so the image written always loads.
        do { try kept.validateTables() } catch { throw CLIError(.dataError, "\(name): \(error.description)") }
        try ImageFiles.write(kept, to: output)
        for m in missing { ImageFiles.warnMissing(m, outside: "the dump") }
        // Standard output holds the image itself.
        if AtomicFile.isStandardOutput(output) { return }
        let tables = reach.tables.count
        let held = kept.memorySegments
        if json {
            Output.json([("image", .string(output)), ("version", .int(Int(ImageFormat.version))),
                         ("tables", .int(tables)), ("segments", .int(held.count)), ("bytes", .hex(kept.capturedBytes)),
                         ("dumpBytes", .hex(dump.capturedBytes)),
                         ("missing", .array(missing.map { m in
                             .object(JSONObject([("table", .hex(m.address)), ("level", .int(m.level.rawValue)),
                                                 ("ttbr", .int(m.ttbr.rawValue))]))
                         }))])
        } else {
            let notCaptured = missing.isEmpty ? "" : "; \(missing.count) table\(missing.count == 1 ? "" : "s") not captured"
            Output.line("\(output): \(tables) table\(tables == 1 ? "" : "s") in \(held.count) segment\(held.count == 1 ? "" : "s"), \(Hex.size(kept.capturedBytes))\(data ? " of tables and data" : " of tables") (from \(Hex.size(dump.capturedBytes)) of RAM)\(notCaptured)")
        }
    }
}
