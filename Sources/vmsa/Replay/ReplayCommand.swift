import ArgumentParser
import LinuxTables
import VMSA
import VMSAJSON
import VMSATables

struct ReplayCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay Linux page-table operations on a 4K Linux table and its native 16K/64K mirror.",
        discussion: """
            TRACE is JSON Lines, one operation per line (\"-\" reads standard input), for example
              {"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}
            Operations: \(TableOperation.names.joined(separator: ", ")). \
            Entries use arm64 Linux \(LinuxKernel.version) bits. The first line may instead name the \
            trace's source, as `vmsa trace --image` writes it:
              {"op":"source","linux":"v6.1","from":"image guest.img"}
            ("linux": the kernel whose tables the entries were read from, converted to \(LinuxKernel.version) \
            form); --report prints it. Every operation that cannot become \
            native entries prints a warning, and the process falls back to its Linux table until \
            the native table can express everything again. Exit status 1 when the active hardware \
            table does not translate every address the way the Linux table does. \
            With --adapt 16k|64k the trace is replayed as the process adapted to that page size \
            would be (VMAs rounded out, memory in whole pages, file tails padded; "vma" records, \
            as `vmsa trace PID` writes them, say which memory is a file; without them each run of \
            entries with one protection is taken as anonymous memory) on its native table, and the \
            report adds the memory that costs and the PG_SIZE model (4K mappings, 16K/64K allocation).
            """)

    @Argument(help: "The trace file (JSON Lines), or - for standard input.") var trace: String
    @Option(help: "The native granule (default: 64k).") var granule: NativeGranule?
    /// The first spelling, kept working: `--granule` is every command's name
    /// for it. Read as text, since argument-parser's error for a bad value of
    /// a hidden option names neither its value nor the choices.
    @Option(name: .customLong("native"), help: ArgumentHelp(visibility: .hidden)) var native: String?
    @Option(name: .customLong("va-bits"), help: "The Linux table's VA size: 48 or 39.") var vaBits: Int = 48
    @Flag(help: "Print the report: counts, table bytes, TLB entries, equivalence.") var report = false
    @Flag(help: "JSON Lines: warnings as {op, addr, nr, reason}, then the report as one object (a summary object without --report).") var json = false
    @Option(name: .customLong("linux-image"), help: "Write the final Linux table as an image file (for dump, diff, conform).")
    var linuxImage: String?
    @Option(name: .customLong("native-image"), help: "Write the final native table as an image file.")
    var nativeImage: String?
    @Option(help: "Replay the process adapted to this page size (16k or 64k) on its native table, and report what it costs.")
    var adapt: NativeGranule?

    func validate() throws {
        if granule != nil, native != nil { throw ValidationError("--native is the old spelling of --granule; give one of them") }
        if let native, NativeGranule(argument: native) == nil {
            throw ValidationError("the value '\(native)' is invalid for '--native', the old spelling of --granule; expected one of \(NativeGranule.allValueStrings.joined(separator: ", "))")
        }
        guard LinuxKernel.supportedVABits.contains(vaBits) else { throw ValidationError("--va-bits must be 48 or 39, not \(vaBits)") }
        if let adapt {
            let named = granule ?? native.flatMap(NativeGranule.init(argument:))
            if let named, named != adapt {
                throw ValidationError("--adapt \(adapt.rawValue) replays on the \(adapt.granule) native table; --granule \(named.rawValue) contradicts it")
            }
            if linuxImage != nil || nativeImage != nil {
                throw ValidationError("--linux-image and --native-image write the trace's own tables; they do not go with --adapt")
            }
        }
    }

    /// Reads the trace line by line: its source record (first line only) to
    /// `source`, every other record to `body`, whose errors name the line.
    private func forEachRecord(_ source: inout TraceSource?, _ body: (TraceRecord, Int) throws -> Void) throws {
        var records = 0
        try LineReader.forEachLine(path: trace, reading: "the trace from standard input, one operation per line") { line, number in
            guard line.contains(where: { !$0.isWhitespace }) else { return }
            records += 1
            let record = try TraceRecord.parse(line: line, number: number)
            if case .source(let s) = record {
                guard records == 1 else {
                    throw CLIError(.dataError, "line \(number): a \"\(TraceSource.op)\" record must be the first line of the trace")
                }
                source = s
                return
            }
            try body(record, number)
        }
    }

    /// --adapt: the process as its trace leaves it, adapted and replayed natively.
    private func executeAdapted(_ granule: Granule) throws {
        var source: TraceSource?
        let snapshot: ProcessSnapshot
        do { snapshot = try ProcessSnapshot(native: granule, vaBits: vaBits) } catch { throw CLIError(.dataError, "\(error)") }
        try forEachRecord(&source) { record, number in
            do { try snapshot.add(record) } catch { throw CLIError(.dataError, "line \(number): \(error)") }
        }
        snapshot.finish()
        if snapshot.vmasInferred {
            Output.note("the trace has no \"\(ProcessMapping.op)\" records: \(snapshot.vmas.count) VMAs inferred from its entries, all taken as anonymous memory")
        }
        var cost: ProcessCost
        do {
            cost = try ProcessCost(snapshot, granule: granule, baseline: try ProcessCost.Baseline(snapshot)) { _ in } warning: { w in
                if json { Output.json(w.json) } else { Output.warning("adapted trace: \(w)") }
            }
        } catch {
            throw CLIError(.dataError, "\(error)")
        }
        cost.replay.source = source
        if report {
            if json { Output.json(cost.json) } else { cost.lines().forEach(Output.line) }
        } else {
            summary(cost.replay, [("addedBytes", .int(cost.addedBytes)), ("residentBytes", .int(cost.residentBytes))],
                    "\(Hex.size(cost.addedBytes)) added to \(Hex.size(cost.residentBytes)) resident (\(ProcessCost.percent(cost.addedBytes, of: cost.residentBytes))%)")
        }
        if let first = cost.replay.equivalence.divergences.first {
            throw CLIError(.checkFailed, "the adapted process's hardware table does not translate like its Linux table: \(first)")
        }
    }

    func execute() throws {
        let granule = (granule ?? native.flatMap(NativeGranule.init(argument:)) ?? .k64).granule
        if let adapt { return try executeAdapted(adapt.granule) }
        let process = try ProcessTables(native: granule, vaBits: vaBits)
        var warnings = 0
        var source: TraceSource?
        try forEachRecord(&source) { record, number in
            guard case .operation(let op) = record else { return }
            let warning: MirrorWarning?
            do { warning = try process.apply(op) } catch {
                throw CLIError(.dataError, "line \(number): \(error)")
            }
            if let warning {
                warnings += 1
                if json { Output.json(warning.json) } else { Output.warning("line \(number): \(warning)") }
            }
        }
        if let linuxImage { try ImageFiles.write(process.linuxImage(), to: linuxImage) }
        if let nativeImage {
            let image: TableImage
            do { image = try process.nativeImage() } catch { throw CLIError(.dataError, "\(error)") }
            try ImageFiles.write(image, to: nativeImage)
        }
        let result: ReplayReport
        do { result = try ReplayReport(process, warnings: warnings, source: source) } catch { throw CLIError(.dataError, "\(error)") }
        if report {
            if json { Output.json(result.json) } else { result.lines(native: granule).forEach(Output.line) }
        } else {
            summary(result)
        }
        if let first = result.equivalence.divergences.first {
            throw CLIError(.checkFailed, "the active hardware table does not translate like the Linux table: \(first)")
        }
    }

    /// Without --report: the closing line, or with --json a closing object
    /// after the warning objects (`"summary": true`, the report's keys), as
    /// diff and conform end theirs. `extra` and `more` add to each.
    private func summary(_ r: ReplayReport, _ extra: [(String, JSONValue)] = [], _ more: String? = nil) {
        if json {
            Output.json([("summary", .bool(true)), ("ops", .int(r.operations)), ("fallbacks", .int(r.fallbacks)),
                         ("mode", .string(r.mode.rawValue)), ("equivalent", .bool(r.equivalence.equivalent))] + extra)
        } else {
            Output.line("\(r.operations) operations, \(r.fallbacks) fallback, mode \(r.mode.rawValue), "
                + (r.equivalence.equivalent ? "equivalent" : "NOT equivalent") + (more.map { "; " + $0 } ?? ""))
        }
    }
}
