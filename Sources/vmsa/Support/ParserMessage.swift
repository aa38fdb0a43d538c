import Foundation

/// argument-parser's error messages as the contract's one line.
///
/// Its own errors (an unknown option, a missing argument, a bad value) come
/// as "Error: …" followed by the usage; a value list of six or more choices
/// spans several lines ("Please provide one of the following:\n  - tree…").
/// The contract wants one sentence after `vmsa: `, so the list is folded into
/// the line and the first letter lowered to match the tool's other messages.
enum ParserMessage {
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard var text = lines.first else { return message }
        let listed = lines.dropFirst().map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
        if !listed.isEmpty {
            if text.hasSuffix(":") { text += " " } else { text += "; " }
            text += listed.joined(separator: ", ")
        }
        return lowercasingFirstWord(text)
    }

    /// "The value …" → "the value …"; leaves "TCR_EL1 …" and "--x …" alone.
    private static func lowercasingFirstWord(_ text: String) -> String {
        let chars = Array(text)
        guard chars.count >= 2, chars[0].isUppercase, chars[1].isLowercase else { return text }
        return chars[0].lowercased() + String(chars.dropFirst())
    }
}
