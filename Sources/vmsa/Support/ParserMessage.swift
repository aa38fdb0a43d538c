import Foundation

/// argument-parser's error messages as the contract's one line.
///
/// Its own errors (an unknown option, a missing argument, a bad value) come
/// as "Error: …" followed by the usage; a value list of six or more choices
/// spans several lines ("Please provide one of the following:\n  - tree…").
/// The contract wants one sentence after `vmsa: `, so the list is folded into
/// the line, its sentences joined, and the first letter lowered to match the
/// tool's other messages.
enum ParserMessage {
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard var text = lines.first else { return message }
        let listed = lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
        if !listed.isEmpty {
            if text.hasSuffix(":") { text += " " } else { text += "; " }
            text += listed.joined(separator: ", ")
        }
        return oneSentence(lowercasingFirstWord(text))
    }

    /// argument-parser writes two sentences where the contract wants one:
    /// "… for '--el <el>'. Please provide one of '0' and '1'." and
    /// "unknown option '--levl'. Did you mean '--level'?". They become
    /// "…; expected one of '0' and '1'" and "…; did you mean '--level'?",
    /// the tool's own "…; expected …" form.
    static func oneSentence(_ text: String) -> String {
        var t = text
        for (theirs, ours) in [(". Please provide one of the following: ", "; expected one of "),
                               (". Please provide one of ", "; expected one of ")] {
            t = t.replacingOccurrences(of: theirs, with: ours)
        }
        // Any other ". Next sentence" joins the first with a semicolon.
        var joined = "", chars = Array(t), i = 0
        while i < chars.count {
            if chars[i] == ".", i + 2 < chars.count, chars[i + 1] == " ", chars[i + 2].isUppercase,
               i + 3 < chars.count, chars[i + 3].isLowercase {
                joined += "; " + chars[i + 2].lowercased()
                i += 3
                continue
            }
            joined.append(chars[i])
            i += 1
        }
        if joined.hasSuffix(".") { joined.removeLast() }
        return withExpectation(joined)
    }

    /// "the value 'x' is invalid for '--level <level>'" says nothing of what
    /// was expected. Every option whose values are listed gets "; expected
    /// one of …" from argument-parser; the only ones without are integers.
    static func withExpectation(_ text: String) -> String {
        guard text.hasPrefix("the value '"), text.hasSuffix(">'"), !text.contains("; expected") else { return text }
        return text + "; expected a decimal integer"
    }

    /// "The value …" → "the value …"; leaves "TCR_EL1 …" and "--x …" alone.
    private static func lowercasingFirstWord(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count >= 2, chars[0].isUppercase, chars[1].isLowercase else { return text }
        return chars[0].lowercased() + String(chars.dropFirst())
    }
}
