import ArgumentParser
import Foundation

@main
struct VMSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmsa",
        abstract: "Bit-exact AArch64 (VMSAv8-64) translation tables: decode, build, walk, check against QEMU.",
        discussion: """
            Exit status: 0 success, 1 a check failed or a mismatch was found, 64 usage error, \
            65 bad input data, 66 a file that cannot be read, 74 an I/O error.
            """,
        version: VMSACommand.version,
        subcommands: [
            DecodeCommand.self, EncodeCommand.self, GeometryCommand.self,
            TCRCommand.self, MAIRCommand.self, TTBRCommand.self, VTCRCommand.self, VTTBRCommand.self, HCRCommand.self,
            BuildCommand.self, ConvertCommand.self, CaptureCommand.self, ImportCommand.self, DumpCommand.self, TranslateCommand.self, DiffCommand.self,
            ConformCommand.self, BenchCommand.self,
            ReplayCommand.self, TraceCommand.self, ReportCommand.self,
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
            if let unknown = unknownHelpTopic(Array(CommandLine.arguments.dropFirst())) { throw ValidationError(unknown) }
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

    /// `vmsa help NAME…` naming no command: argument-parser would print the
    /// nearest command's help and exit 0, hiding the typo.
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var command: ParsableCommand.Type = VMSACommand.self
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            let subcommands: [ParsableCommand.Type] = command.configuration.subcommands
            var names: [String] = []
            for sub in subcommands { names.append(sub._commandName) }
            guard let index = names.firstIndex(of: name) else {
                return "help: '\(name)' is not a command of \(command._commandName)" + (names.isEmpty ? "" : "; expected one of \(names.joined(separator: ", "))")
            }
            command = subcommands[index]
        }
        return nil
    }
}
