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
            let arguments = Array(CommandLine.arguments.dropFirst())
            if let unknown = unknownHelpTopic(arguments) { throw ValidationError(unknown) }
            let named = commandNamed(by: arguments)
            try RepeatedOptions.check(named.command, named.rest)
            var command = try parseAsRoot()
            try requireSubcommand(Swift.type(of: command))
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
            let names = subcommandNames(command)
            guard let index = names.firstIndex(of: name) else {
                return "help: '\(name)' is not a command of \(command._commandName)" + (names.isEmpty ? "" : "; expected one of \(names.joined(separator: ", "))")
            }
            command = subcommands[index]
        }
        return nil
    }

    /// The names of `command`'s subcommands, in the order help lists them.
    static func subcommandNames(_ command: ParsableCommand.Type) -> [String] {
        var names: [String] = []
        for sub in command.configuration.subcommands { names.append(sub._commandName) }
        return names
    }

    /// The command `arguments` name, resolved as argument-parser does (each
    /// leading word that names a subcommand descends), and the arguments
    /// left for it.
    static func commandNamed(by arguments: [String]) -> (command: ParsableCommand.Type, rest: ArraySlice<String>) {
        var command: ParsableCommand.Type = VMSACommand.self
        var rest = arguments[...]
        while let name = rest.first, let index = subcommandNames(command).firstIndex(of: name) {
            command = command.configuration.subcommands[index]
            rest = rest.dropFirst()
        }
        return (command, rest)
    }

    /// A command group (`vmsa`, `vmsa tcr`, …) run without a subcommand:
    /// argument-parser would print its help and exit 0, as if it had done
    /// something. It is a usage error like any other missing argument.
    static func requireSubcommand(_ command: ParsableCommand.Type) throws {
        let names = subcommandNames(command)
        guard !names.isEmpty else { return }
        let expected = "expected one of \(names.joined(separator: ", "))"
        if command == VMSACommand.self { throw ValidationError("missing command; \(expected) (see vmsa --help)") }
        throw ValidationError("\(command._commandName): missing subcommand; \(expected) (see vmsa \(command._commandName) --help)")
    }
}
