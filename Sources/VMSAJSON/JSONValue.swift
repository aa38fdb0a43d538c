/// A JSON value that keeps object keys in order and numbers as their exact
/// text, so 64-bit values and key order survive a round trip.
// Not `indirect`: arrays and objects already hold their elements in heap
// storage, so a value needs no box of its own (one allocation less each).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, validated by the parser.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func int<T: BinaryInteger>(_ v: T) -> JSONValue { .number(String(v)) }
    /// A hex string `"0x…"` zero-padded to 16 digits, the contract's raw-word spelling.
    public static func hex(_ v: UInt64, digits: Int = 16) -> JSONValue {
        let s = String(v, radix: 16)
        return .string("0x" + String(repeating: "0", count: max(0, digits - s.count)) + s)
    }

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

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// A JSON object with ordered keys.
public struct JSONObject: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: JSONValue)] = []

    public init() {}
    /// An object of `entries` in order; a key given twice keeps its first
    /// place and its last value.
    public init(_ entries: [(String, JSONValue)]) {
        self.entries.reserveCapacity(entries.count)
        for (k, v) in entries { self[k] = v }
    }

    public var keys: [String] { entries.map(\.key) }

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

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
