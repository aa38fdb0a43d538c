import ArgumentParser
import Foundation

@main
struct VMSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmsa",
        abstract: "Bit-exact AArch64 (VMSAv8-64) translation tables: decode, build, walk, check against QEMU.",
        discussion: """
            Exit status: 0 success, 1 a check failed or a mismatch was found, 64 usage error,
            65 bad input data, 66 a file that cannot be read, 74 an I/O error.
            """,
        version: VMSACommand.version,
        subcommands: [
            DecodeCommand.self, EncodeCommand.self, GeometryCommand.self,
            TCRCommand.self, MAIRCommand.self, TTBRCommand.self, VTCRCommand.self, VTTBRCommand.self, HCRCommand.self,
            BuildCommand.self, ConvertCommand.self, CaptureCommand.self, ImportCommand.self, DumpCommand.self, TranslateCommand.self, DiffCommand.self,
            ConformCommand.self, BenchCommand.self,
            ReplayCommand.self, TraceCommand.self,
        ])

    /// The tool's version, printed by `vmsa --version`; the image format
    /// version it writes follows.
    static let version = "vmsa 0.9.0 (image format 2)"

    /// ParsableCommand.main, with the contract's error style and standard
    /// output flushed on every path.
    ///
    /// argument-parser would print its own errors as "Error: …" plus the
    /// usage; here every usage error (unknown option, missing argument, bad
    /// value, a `validate()` that fails) is one line `vmsa: …` and exit 64.
    /// Help and `--version` still go to standard output with status 0.
    /// Results are buffered (see `StandardStreams`) and must be out before
    /// the process exits, and before any error message.
    static func main() {
        var status = ExitStatus.success.rawValue
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let text = message(for: error)
            if code == .success {
                if !text.isEmpty { Output.line(text) }
            } else if !text.isEmpty {
                Output.error(ParserMessage.oneLine(text))
            }
            status = code.rawValue
        }
        Output.flush()
        Foundation.exit(status)
    }
}
