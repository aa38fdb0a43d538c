import ArgumentParser

/// The command-line contract's exit statuses (sysexits.h where one fits).
enum ExitStatus: Int32 {
    case success = 0
    /// A check failed or a mismatch was found.
    case checkFailed = 1
    /// EX_USAGE.
    case usage = 64
    /// EX_DATAERR: a malformed value, layout, image or trace.
    case dataError = 65
    /// EX_NOINPUT: a file that cannot be read.
    case noInput = 66
    /// EX_IOERR.
    case ioError = 74
}

/// An error the CLI reports as one sentence on standard error with a status.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String
    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
    var description: String { message }
}
