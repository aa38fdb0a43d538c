import ArgumentParser
import VMSA
import VMSAJSON

/// A subcommand whose errors become one sentence on standard error and the
/// contract's exit status. Implement `execute()`; `run()` does the mapping.
protocol VMSASubcommand: ParsableCommand {
    func execute() throws
}

extension VMSASubcommand {
    func run() throws {
        do {
            try execute()
        } catch let e as CLIError {
            Output.error(e.message)
            throw ExitCode(e.status.rawValue)
        } catch let e as JSONError {
            Output.error(e.message)
            throw ExitCode(ExitStatus.dataError.rawValue)
        } catch let e as VMSAError {
            Output.error(e.description)
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
    }
}
