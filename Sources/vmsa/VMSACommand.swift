import ArgumentParser

@main
struct VMSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmsa",
        abstract: "Bit-exact AArch64 (VMSAv8-64) translation tables: decode, build, walk, check against QEMU.",
        discussion: """
            Exit status: 0 success, 1 a check failed or a mismatch was found, 64 usage error,
            65 bad input data, 66 a file that cannot be read, 74 an I/O error.
            """,
        subcommands: [
            DecodeCommand.self, EncodeCommand.self, GeometryCommand.self,
            TCRCommand.self, MAIRCommand.self, TTBRCommand.self,
            BuildCommand.self, ConvertCommand.self, DumpCommand.self, TranslateCommand.self, DiffCommand.self,
            ConformCommand.self, BenchCommand.self,
            ReplayCommand.self, TraceCommand.self,
        ])

    /// ParsableCommand.main, with standard output flushed on every path:
    /// results are buffered (see `StandardStreams`) and must be out before
    /// the process exits, and before any error message.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            Output.flush()
        } catch {
            Output.flush()
            exit(withError: error)
        }
    }
}
