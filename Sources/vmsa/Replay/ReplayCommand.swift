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
            table does not translate every address the way the Linux table does.
            """)

    @Argument(help: "The trace file (JSON Lines), or - for standard input.") var trace: String
    @Option(help: "The native granule (default: 64k).") var granule: NativeGranule?
    /// The first spelling, kept working: `--granule` is every command's name
    /// for it. Read as text, since argument-parser's error for a bad value of
    /// a hidden option names neither its value nor the choices.
    @Option(name: .customLong("native"), help: ArgumentHelp(visibility: .hidden)) var native: String?
    @Option(name: .customLong("va-bits"), help: "The Linux table's VA size: 48 or 39.") var vaBits: Int = 48
    @Flag(help: "Print the report: counts, table bytes, TLB entries, equivalence.") var report = false
    @Flag(help: "JSON Lines: warnings as {op, addr, nr, reason}, the report as one object.") var json = false
    @Option(name: .customLong("linux-image"), help: "Write the final Linux table as an image file (for dump, diff, conform).")
    var linuxImage: String?
    @Option(name: .customLong("native-image"), help: "Write the final native table as an image file.")
    var nativeImage: String?

    func validate() throws {
        if granule != nil, native != nil { throw ValidationError("--native is the old spelling of --granule; give one of them") }
        if let native, NativeGranule(argument: native) == nil {
            throw ValidationError("the value '\(native)' is invalid for '--native', the old spelling of --granule; expected one of \(NativeGranule.allValueStrings.joined(separator: ", "))")
        }
        guard LinuxKernel.supportedVABits.contains(vaBits) else { throw ValidationError("--va-bits must be 48 or 39, not \(vaBits)") }
    }

    func execute() throws {
        let granule = (granule ?? native.flatMap(NativeGranule.init(argument:)) ?? .k64).granule
        let process = try ProcessTables(native: granule, vaBits: vaBits)
        var warnings = 0, records = 0
        var source: TraceSource?
        try LineReader.forEachLine(path: trace, reading: "the trace from standard input, one operation per line") { line, number in
            guard line.contains(where: { !$0.isWhitespace }) else { return }
            records += 1
            let op: TableOperation
            switch try TraceRecord.parse(line: line, number: number) {
            case .operation(let o): op = o
            case .vma: return
            case .source(let s):
                guard records == 1 else {
                    throw CLIError(.dataError, "line \(number): a \"\(TraceSource.op)\" record must be the first line of the trace")
                }
                source = s
                return
            }
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
        } else if !json {
            Output.line("\(result.operations) operations, \(result.fallbacks) fallback, mode \(result.mode.rawValue), "
                + (result.equivalence.equivalent ? "equivalent" : "NOT equivalent"))
        }
        if let first = result.equivalence.divergences.first {
            throw CLIError(.checkFailed, "the active hardware table does not translate like the Linux table: \(first)")
        }
    }
}
