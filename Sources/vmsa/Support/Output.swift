import Foundation
import VMSAJSON

/// Everything the CLI writes goes through here: results to standard output,
/// warnings and errors to standard error, files atomically.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// One JSON Lines record.
    static func json(_ value: JSONValue) { line(value.jsonText) }

    static func json(_ entries: [(String, JSONValue)]) { json(.object(JSONObject(entries))) }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("vmsa: " + message + "\n").utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data(("vmsa: warning: " + message + "\n").utf8))
    }

    /// Writes `data` to `path` atomically (see `AtomicFile`).
    static func writeAtomically(_ data: Data, to path: String) throws {
        try AtomicFile.write(to: path) { try $0.write(contentsOf: data) }
    }

    /// Reads a whole file, mapping failure to exit status 66.
    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.noInput, "cannot read \(path): no such file or not readable")
        }
        return data
    }

    static func readText(_ path: String) throws -> String {
        let data = try read(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError(.dataError, "\(path) is not UTF-8 text")
        }
        return text
    }
}
