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
    private var used: Set<String> = []

    /// A reader of `value`, which must be an object; `context` names it in errors.
    public init(_ value: JSONValue, context: String) throws(JSONError) {
        guard case .object(let o) = value else { throw JSONError("\(context) is \(value.typeName); expected an object") }
        object = o
        self.context = context
    }

    /// The object's keys, in input order.
    public var keys: [String] { object.keys }

    /// Whether `key` is present (even as `null`), without marking it read.
    public func has(_ key: String) -> Bool { object[key] != nil }

    private mutating func take(_ key: String) -> JSONValue? {
        used.insert(key)
        guard let v = object[key], v != .null else { return nil }
        return v
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
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard case .number(let s) = v, let n = Int(s), range.contains(n) else { throw wrong(key, v, expected) }
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
        if let extra = object.keys.first(where: { !used.contains($0) }) {
            let known = used.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw JSONError("\(context): unknown key \"\(extra)\"; expected one of \(known)")
        }
    }

    /// A value in a JSON string: hex, with or without `0x`, underscores
    /// allowed, up to 64 bits; the same rule as VMSA's `Hex.parse` (this
    /// module stands apart from VMSA). A decimal value is a JSON number.
    public static func parseUInt64(_ text: String) -> UInt64? {
        var s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        let digits = s.filter { $0 != "_" }
        guard !digits.isEmpty, digits.first != "+", digits.first != "-" else { return nil }
        return UInt64(digits, radix: 16)
    }
}
