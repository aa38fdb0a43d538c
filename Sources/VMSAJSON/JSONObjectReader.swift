/// Reads the fields of one JSON object strictly: each accessor names the
/// key and what it expected, and `finish()` rejects keys nobody asked for.
///
///     var r = try JSONObjectReader(value, context: "mapping 3")
///     let va = try r.hex("va")
///     let af = try r.optionalBool("af") ?? true
///     try r.finish()
public struct JSONObjectReader {
    public let context: String
    private let object: JSONObject
    private var used: Set<String> = []

    public init(_ value: JSONValue, context: String) throws(JSONError) {
        guard case .object(let o) = value else { throw JSONError("\(context) is \(value.typeName); expected an object") }
        object = o
        self.context = context
        // One allocation: most readers take each key of the object once.
        used.reserveCapacity(o.entries.count)
    }

    public var keys: [String] { object.keys }

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

    public mutating func int(_ key: String, in range: ClosedRange<Int>) throws(JSONError) -> Int {
        guard let v = try optionalInt(key, in: range) else {
            throw missing(key, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    public mutating func optionalBool(_ key: String) throws(JSONError) -> Bool? {
        guard let v = take(key) else { return nil }
        guard case .bool(let b) = v else { throw wrong(key, v, "true or false") }
        return b
    }

    public mutating func bool(_ key: String) throws(JSONError) -> Bool {
        guard let v = try optionalBool(key) else { throw missing(key, "true or false") }
        return v
    }

    public mutating func optionalString(_ key: String) throws(JSONError) -> String? {
        guard let v = take(key) else { return nil }
        guard case .string(let s) = v else { throw wrong(key, v, "a string") }
        return s
    }

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
    /// Reads the UTF-8 in place: no copy without the underscores.
    public static func parseUInt64(_ text: String) -> UInt64? {
        var utf8 = Substring(text).utf8
        if utf8.starts(with: "0x".utf8) || utf8.starts(with: "0X".utf8) { utf8 = utf8.dropFirst(2) }
        var value: UInt64 = 0
        var digits = 0
        for b in utf8 where b != UInt8(ascii: "_") {
            guard let d = hexDigitValue(b), value >> (UInt64.bitWidth - hexDigitBits) == 0 else { return nil }
            value = value << hexDigitBits | d
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Bits one hex digit holds.
    private static let hexDigitBits = 4

    private static func hexDigitValue(_ b: UInt8) -> UInt64? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
