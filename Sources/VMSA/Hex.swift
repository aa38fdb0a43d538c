/// Hex formatting shared by every value that prints as an address or raw word.
public enum Hex {
    /// `0x` followed by exactly `digits` hex digits, zero-padded.
    public static func format(_ value: UInt64, digits: Int = 16) -> String {
        let s = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// `0x` followed by the shortest hex spelling.
    public static func short(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Parses `0x…` hex (underscores allowed as separators) or plain decimal.
    /// Returns nil for anything else, including values beyond 64 bits.
    public static func parse(_ text: String) -> UInt64? {
        var s = Substring(text)
        let radix: Int
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2); radix = 16 } else { radix = 10 }
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
