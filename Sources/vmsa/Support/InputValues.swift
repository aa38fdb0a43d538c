import Foundation
import VMSA
import VMSAJSON

/// One value from the command line or standard input, with where it came from.
struct InputValue {
    var text: String
    /// Its line on standard input; nil for an argument.
    var line: Int?
    /// Why standard input could not be read here (a line over the bound, a
    /// read error): the sequence cannot throw, so reading the value does.
    var failure: CLIError? = nil
}

/// Values come as arguments or, when none are given, one per line on
/// standard input (blank lines and `#` comments skipped), read as they come.
enum InputValues {
    static func lines(_ arguments: [String]) -> AnySequence<InputValue> {
        if !arguments.isEmpty { return AnySequence(arguments.map { InputValue(text: $0, line: nil) }) }
        let reader = LineReader(standardInputNamedBy: "standard input line", reading: "values from standard input, one per line")
        var failed = false
        return AnySequence(AnyIterator { () -> InputValue? in
            guard !failed else { return nil }
            do throws(CLIError) {
                while let line = try reader.next() {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    if t.isEmpty || t.hasPrefix("#") { continue }
                    return InputValue(text: t, line: reader.number)
                }
            } catch {
                failed = true
                return InputValue(text: "", line: reader.number + 1, failure: error)
            }
            return nil
        })
    }

    /// Parses a 64-bit value, hex with or without `0x` (see `Hex.parse`),
    /// naming it in the error.
    static func uint64(_ text: String, what: String) throws -> UInt64 {
        guard let v = Hex.parse(text) else {
            throw CLIError(.dataError, "\(what) \"\(text)\" is not a 64-bit hex value")
        }
        return v
    }

    /// The same for a value that may come from standard input: its line
    /// number leads the error.
    static func uint64(_ value: InputValue, what: String) throws -> UInt64 {
        if let failure = value.failure { throw failure }
        guard let v = Hex.parse(value.text) else {
            let place = value.line.map { "standard input line \($0): " } ?? ""
            throw CLIError(.dataError, "\(place)\(what) \"\(value.text)\" is not a 64-bit hex value")
        }
        return v
    }
}

extension InputValues {
    /// Standard input as JSON Lines: each non-blank line parsed strictly and
    /// handed to `body` as an object reader whose errors name the line.
    static func jsonLines(_ body: (inout JSONObjectReader) throws -> Void) throws {
        try LineReader.forEachLine(path: "-", reading: "JSON Lines from standard input") { line, number in
            guard !line.allSatisfy(\.isWhitespace) else { return }
            var reader = try JSONObjectReader(try JSONParser.parse(line), context: "line \(number)")
            try body(&reader)
        }
    }
}
