import Foundation
import VMSA
import VMSAJSON

/// Everything the CLI writes goes through here: results to standard output,
/// warnings and errors to standard error, files atomically.
/// Standard output is buffered (see `StandardStreams`); `flush()` before exit.
enum Output {
    static func line(_ text: String) { StandardStreams.shared.write(text + "\n") }

    /// Text written as it is, without a newline added.
    static func text(_ text: String) { StandardStreams.shared.write(text) }

    static func flush() { StandardStreams.shared.flush() }

    /// One JSON Lines record.
    static func json(_ value: JSONValue) { line(value.jsonText) }

    static func json(_ entries: [(String, JSONValue)]) { json(.object(JSONObject(entries))) }

    static func error(_ message: String) { StandardStreams.shared.writeError("vmsa: " + message + "\n") }

    static func warning(_ message: String) { StandardStreams.shared.writeError("vmsa: warning: " + message + "\n") }

    /// A note on standard error that is neither a result nor a warning
    /// (what a command did, for a person watching it).
    static func note(_ message: String) { StandardStreams.shared.writeError("vmsa: " + message + "\n") }

    /// Writes `data` to `path` atomically, `-` being standard output (see `AtomicFile`).
    static func writeAtomically(_ data: Data, to path: String) throws {
        try AtomicFile.write(to: path) { try $0.write(data) }
    }

    /// Reads a whole file (see `InputFile`).
    static func read(_ path: String) throws -> Data { try InputFile.read(path) }

    /// Reads a file of at most `limit` bytes; `expected` says what it should be.
    static func read(_ path: String, atMost limit: Int, expected: String) throws -> Data {
        try InputFile.read(path, atMost: limit, expected: expected)
    }

    static func readText(_ path: String) throws -> String {
        try text(of: try read(path), path)
    }

    /// The same for a file of at most `limit` bytes (see `read(_:atMost:expected:)`).
    static func readText(_ path: String, atMost limit: Int, expected: String) throws -> String {
        try text(of: try read(path, atMost: limit, expected: expected), path)
    }

    private static func text(of data: Data, _ path: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(.dataError, "\(path) is not UTF-8 text")
        }
        return text
    }
}
