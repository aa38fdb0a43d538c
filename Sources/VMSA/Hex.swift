/// Hex formatting shared by every value that prints as an address or raw word.
public enum Hex {
    /// `0x` followed by exactly `digits` hex digits, zero-padded.
    public static func format(_ value: UInt64, digits: Int = 16) -> String {
        var s = ""
        append(value, digits: digits, to: &s)
        return s
    }

    /// `0x` followed by the shortest hex spelling.
    public static func short(_ value: UInt64) -> String {
        var s = ""
        append(value, digits: shortest, to: &s)
        return s
    }

    /// `digits` for `append` to spell a value as `short` does.
    public static let shortest = 0

    /// Appends `format(value, digits:)` to `text` (`shortest`: `short(value)`)
    /// without building it first: the dumps spell two or three values per
    /// entry they print, and each spelt string would be an allocation.
    public static func append(_ value: UInt64, digits: Int = 16, to text: inout String) {
        let significant = max(1, (UInt64.bitWidth - value.leadingZeroBitCount + bitsPerDigit - 1) / bitsPerDigit)
        let count = max(digits, significant)
        let padding = count - min(count, valueDigits)
        // Every digit of the value, most significant first, then `0x`, the
        // padding and the digits asked for, appended in pieces that fit a
        // small string (which needs no storage of its own).
        let spelt = (ascii(UInt32(truncatingIfNeeded: value >> UInt32.bitWidth)), ascii(UInt32(truncatingIfNeeded: value)))
        withUnsafeBytes(of: spelt) { all in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefixLength + count) { out in
                let o = out.baseAddress!
                o[0] = UInt8(ascii: "0")
                o[1] = UInt8(ascii: "x")
                (o + prefixLength).initialize(repeating: UInt8(ascii: "0"), count: padding)
                let kept = count - padding
                UnsafeMutableRawPointer(o + prefixLength + padding).copyMemory(from: all.baseAddress! + (valueDigits - kept), byteCount: kept)
                var start = 0
                while start < out.count {
                    let end = min(out.count, start + smallStringBytes)
                    text += String(decoding: UnsafeBufferPointer(rebasing: out[start..<end]), as: UTF8.self)
                    start = end
                }
            }
        }
    }

    /// The eight hex digits of `value` as ASCII bytes, most significant
    /// first in memory, computed for all eight at once (no branch or
    /// comparison per digit, which the dumps would pay per entry).
    private static func ascii(_ value: UInt32) -> UInt64 {
        // One nibble per byte, the least significant in byte 0.
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_ffff_0000_ffff
        x = (x | x << 8) & 0x00ff_00ff_00ff_00ff
        x = (x | x << 4) & 0x0f0f_0f0f_0f0f_0f0f
        // 1 in each byte whose nibble is 10 or more, which becomes a letter.
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        let digits = x &+ 0x3030_3030_3030_3030 &+ letters &* UInt64(UInt8(ascii: "a") - UInt8(ascii: "0") - 10)
        // Most significant digit at the lowest address.
        return UInt64(bigEndian: digits)
    }

    private static let bitsPerDigit = 4
    /// Hex digits of a 64-bit value.
    private static let valueDigits = UInt64.bitWidth / bitsPerDigit
    /// Bytes of `0x`.
    private static let prefixLength = 2
    /// UTF-8 bytes a Swift small string holds in place.
    private static let smallStringBytes = 15

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
        var value = bytes, unit = 0
        while value >= 1024, value % 1024 == 0, unit < sizeUnits.count - 1 { value /= 1024; unit += 1 }
        return "\(value) \(sizeUnits[unit])"
    }

    /// Binary units from bytes up: built once, not on every call.
    private static let sizeUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
}
