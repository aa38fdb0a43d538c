/// Reads the fields of one JSON object strictly: each accessor names the
/// key and what it expected, and `finish()` rejects keys nobody asked for.
///
///     var r = try JSONObjectReader(value, context: "mapping 3")
///     let va = try r.hex("va")
///     let af = try r.optionalBool("af") ?? true
///     try r.finish()
public struct JSONObjectReader {
    /// Where the object sits in the input (`mapping 3`, `line 12`), the start of every message.
    public let context: String
    private let object: JSONObject
    /// Which of `object`'s entries an accessor read, by index, and every
    /// key asked for (present or not) for `finish`'s message. Not a set of
    /// strings: a trace line is read with a handful of keys, 10^8 times.
    private var used: [Bool]
    private var asked: [String] = []

    /// A reader of `value`, which must be an object; `context` names it in errors.
    public init(_ value: JSONValue, context: String) throws(JSONError) {
        guard case .object(let o) = value else { throw JSONError("\(context) is \(value.typeName); expected an object") }
        object = o
        used = [Bool](repeating: false, count: o.entries.count)
        self.context = context
        // One allocation, not one per doubling: readers ask for each key of
        // the object and a few optional ones.
        asked.reserveCapacity(o.entries.count + Self.optionalKeys)
    }

    /// Optional keys a reader asks for beyond those present, for `asked`'s room.
    static let optionalKeys = 4

    /// The object's keys, in input order.
    public var keys: [String] { object.keys }

    /// Whether `key` is present (even as `null`), without marking it read.
    public func has(_ key: String) -> Bool { object[key] != nil }

    private mutating func take(_ key: String) -> JSONValue? {
        asked.append(key)
        guard let i = object.entries.firstIndex(where: { $0.key == key }) else { return nil }
        used[i] = true
        let v = object.entries[i].value
        return v == .null ? nil : v
    }

    private func wrong(_ key: String, _ v: JSONValue, _ expected: String) -> JSONError {
        JSONError("\(context): \"\(key)\" is \(describe(v)); expected \(expected)")
    }

    private func describe(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): "\"\(s)\""
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: v.typeName
        }
    }

    private func missing(_ key: String, _ expected: String) -> JSONError {
        JSONError("\(context): \"\(key)\" is missing; expected \(expected)")
    }

    /// The value of `key` as it is, nil when absent or `null`.
    public mutating func optionalValue(_ key: String) -> JSONValue? { take(key) }

    /// A 64-bit value given as a hex string (`"0x…"`, the `0x` optional) or
    /// a non-negative integer number, which is decimal.
    public mutating func optionalHex(_ key: String) throws(JSONError) -> UInt64? {
        guard let v = take(key) else { return nil }
        let expected = "a hex string such as \"0x40000000\""
        switch v {
        case .string(let s):
            guard let n = Self.parseUInt64(s) else { throw wrong(key, v, expected) }
            return n
        case .number(let s):
            guard let n = UInt64(s) else { throw wrong(key, v, expected) }
            return n
        default: throw wrong(key, v, expected)
        }
    }

    /// Like `optionalHex(_:)`, but the key must be present.
    public mutating func hex(_ key: String) throws(JSONError) -> UInt64 {
        guard let v = try optionalHex(key) else { throw missing(key, "a hex string such as \"0x40000000\"") }
        return v
    }

    /// An integer number within `range`.
    public mutating func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(JSONError) -> Int? {
        guard let v = take(key) else { return nil }
        guard case .number(let s) = v, let n = Int(s), range.contains(n) else {
            throw wrong(key, v, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// Like `optionalInt(_:in:)`, but the key must be present.
    public mutating func int(_ key: String, in range: ClosedRange<Int>) throws(JSONError) -> Int {
        guard let v = try optionalInt(key, in: range) else {
            throw missing(key, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// A `true` or `false`; nil when absent or `null`.
    public mutating func optionalBool(_ key: String) throws(JSONError) -> Bool? {
        guard let v = take(key) else { return nil }
        guard case .bool(let b) = v else { throw wrong(key, v, "true or false") }
        return b
    }

    /// Like `optionalBool(_:)`, but the key must be present.
    public mutating func bool(_ key: String) throws(JSONError) -> Bool {
        guard let v = try optionalBool(key) else { throw missing(key, "true or false") }
        return v
    }

    /// A string; nil when absent or `null`.
    public mutating func optionalString(_ key: String) throws(JSONError) -> String? {
        guard let v = take(key) else { return nil }
        guard case .string(let s) = v else { throw wrong(key, v, "a string") }
        return s
    }

    /// Like `optionalString(_:)`, but the key must be present.
    public mutating func string(_ key: String) throws(JSONError) -> String {
        guard let v = try optionalString(key) else { throw missing(key, "a string") }
        return v
    }

    /// One of `choices`, as a string.
    public mutating func optionalChoice(_ key: String, _ choices: [String]) throws(JSONError) -> String? {
        guard let v = take(key) else { return nil }
        guard case .string(let s) = v, choices.contains(s) else {
            throw wrong(key, v, "one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        return s
    }

    /// An array; nil when absent or `null`.
    public mutating func optionalArray(_ key: String) throws(JSONError) -> [JSONValue]? {
        guard let v = take(key) else { return nil }
        guard case .array(let a) = v else { throw wrong(key, v, "an array") }
        return a
    }

    /// Rejects keys that no accessor read.
    public func finish() throws(JSONError) {
        if let extra = used.firstIndex(of: false).map({ object.entries[$0].key }) {
            let known = Set(asked).sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw JSONError("\(context): unknown key \"\(extra)\"; expected one of \(known)")
        }
    }

    /// A value in a JSON string: hex, with or without `0x`, underscores
    /// allowed, up to 64 bits; the same rule as VMSA's `Hex.parse` (this
    /// module stands apart from VMSA). A decimal value is a JSON number.
    /// Reads the UTF-8 in place: no copy without the underscores.
    public static func parseUInt64(_ text: String) -> UInt64? {
        // Byte by byte over the UTF-8, without building a filtered copy: a
        // trace line holds two or three of these, and replay reads 10^8 lines.
        var utf8 = Substring(text).utf8[...]
        if utf8.starts(with: "0x".utf8) || utf8.starts(with: "0X".utf8) { utf8 = utf8.dropFirst(2) }
        var value: UInt64 = 0
        var digits = 0
        for byte in utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "_"): continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            // More than 64 bits: refused, as UInt64(_:radix:) refuses it.
            guard value >> (UInt64.bitWidth - hexDigitBits) == 0 else { return nil }
            value = value << hexDigitBits | UInt64(digit)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    static let hexDigitBits = 4
}
