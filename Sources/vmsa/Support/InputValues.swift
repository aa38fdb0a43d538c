import Foundation
import VMSA
import VMSAJSON

/// Values come as arguments or, when none are given, one per line on
/// standard input (blank lines and `#` comments skipped).
enum InputValues {
    static func lines(_ arguments: [String]) -> [String] {
        if !arguments.isEmpty { return arguments }
        var out: [String] = []
        while let line = readLine() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            out.append(t)
        }
        return out
    }

    /// Parses a 64-bit value, hex with or without `0x` (see `Hex.parse`),
    /// naming it in the error.
    static func uint64(_ text: String, what: String) throws -> UInt64 {
        guard let v = Hex.parse(text) else {
            throw CLIError(.dataError, "\(what) \"\(text)\" is not a 64-bit hex value")
        }
        return v
    }
}

extension InputValues {
    /// Standard input as JSON Lines: each non-blank line parsed strictly and
    /// handed to `body` as an object reader whose errors name the line.
    static func jsonLines(_ body: (inout JSONObjectReader) throws -> Void) throws {
        var number = 0
        while let line = readLine() {
            number += 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            var reader = try JSONObjectReader(try JSONParser.parse(line), context: "line \(number)")
            try body(&reader)
        }
    }
}
