/// A JSON value that keeps object keys in order and numbers as their exact
/// text, so 64-bit values and key order survive a round trip.
// Not `indirect`: arrays and objects already hold their elements in heap
// storage, so a value needs no box of its own (one allocation less each).
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// The number's literal text, validated by the parser.
    case number(String)
    /// A string, unescaped.
    case string(String)
    /// An array, in order.
    case array([JSONValue])
    /// An object, keys in input order.
    case object(JSONObject)

    /// A decimal number, exact for any integer width.
    public static func int<T: BinaryInteger>(_ v: T) -> JSONValue { .number(String(v)) }
    /// A hex string `"0x…"` zero-padded to 16 digits, the contract's raw-word spelling.
    public static func hex(_ v: UInt64, digits: Int = 16) -> JSONValue {
        // Written in place, digit by digit: trace writers format two or three
        // of these per line, 10^8 lines for `make scale`.
        let bitsPerDigit = 4, prefix = 2
        let significant = max(1, (UInt64.bitWidth - v.leadingZeroBitCount + bitsPerDigit - 1) / bitsPerDigit)
        let count = max(digits, significant)
        return .string(String(unsafeUninitializedCapacity: prefix + count) { out in
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: "x")
            var rest = v
            for k in (prefix..<(prefix + count)).reversed() {
                let d = UInt8(truncatingIfNeeded: rest & 0xf)
                out[k] = d < 10 ? UInt8(ascii: "0") &+ d : UInt8(ascii: "a") &+ (d &- 10)
                rest >>= UInt64(bitsPerDigit)
            }
            return prefix + count
        })
    }

    /// The JSON type with its article (`a string`, `an object`), for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value of `key` when this is an object; nil otherwise or when absent.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// A JSON object with ordered keys.
public struct JSONObject: Sendable, Equatable {
    /// The key-value pairs, in order.
    public private(set) var entries: [(key: String, value: JSONValue)] = []

    /// An empty object.
    public init() {}
    /// An object of `entries` in order; a key given twice keeps its first
    /// place and its last value.
    public init(_ entries: [(String, JSONValue)]) {
        self.entries.reserveCapacity(entries.count)
        for (k, v) in entries { self[k] = v }
    }

    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    /// Makes room for `n` entries in all.
    mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// The value of `key`; setting a new key appends it, setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// Equal when the same keys hold equal values in the same order.
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
