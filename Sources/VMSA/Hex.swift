/// Hex formatting shared by every value that prints as an address or raw word.
public enum Hex {
    /// `0x` followed by exactly `digits` hex digits, zero-padded.
    public static func format(_ value: UInt64, digits: Int = 16) -> String {
        let s = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// `0x` followed by the shortest hex spelling.
    public static func short(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Parses a value the way every vmsa value is read: hex, with or without
    /// `0x`/`0X`, underscores allowed as separators. A bare digit string is
    /// hex because that is how kernel oopses, `od`, `devmem` and crash print
    /// raw words (`0068000000000703`); counts (`--level`, `--pa-bits`) are
    /// options of their own and stay decimal.
    /// Returns nil for anything else, including values beyond 64 bits.
    public static func parse(_ text: String) -> UInt64? {
        var s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        return digits(s, radix: 16)
    }

    /// Parses a number as counts and small field values are written:
    /// decimal, or hex with `0x`/`0X` (`t0sz=16`, `--seed 42`).
    public static func parseNumber(_ text: String) -> UInt64? {
        let s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { return digits(s.dropFirst(2), radix: 16) }
        return digits(s, radix: 10)
    }

    /// Digits in `radix`, underscores ignored, no sign, at most 64 bits.
    private static func digits(_ s: Substring, radix: Int) -> UInt64? {
        let digits = s.filter { $0 != "_" }
        // UInt64(_:radix:) would accept a sign; a raw value has none.
        guard !digits.isEmpty, digits.first != "+", digits.first != "-" else { return nil }
        return UInt64(digits, radix: radix)
    }

    /// A byte count as people read it: `4 KiB`, `2 MiB`, `512 GiB`.
    public static func size(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = bytes, unit = 0
        while value >= 1024, value % 1024 == 0, unit < units.count - 1 { value /= 1024; unit += 1 }
        return "\(value) \(units[unit])"
    }
}
