/// Compact JSON text, one value per line for JSON Lines output.
extension JSONValue {
    /// The value as compact JSON text on one line, as JSON Lines output needs.
    public var jsonText: String {
        // Bytes first, one String at the end: appending to a String checks
        // its storage and ASCII-ness on every piece, and trace writers make
        // 10^8 lines.
        var out: [UInt8] = []
        // One JSON Lines record is a few hundred bytes: grow once, not per field.
        out.reserveCapacity(Self.typicalRecordBytes)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static let typicalRecordBytes = 512

    /// Appends the compact JSON text of the value to `out`.
    public func write(into out: inout String) { out += jsonText }

    /// Appends the JSON text of the value, as UTF-8, to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let n): out += n.utf8
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, e) in o.entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(e.key, into: &out)
                out.append(UInt8(ascii: ":"))
                e.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Byte by byte: only ASCII bytes need escaping, and the bytes of a
    /// multi-byte UTF-8 sequence are all 0x80 or above, so they pass as they are.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case UInt8(ascii: "\n"): out += #"\n"#.utf8
            case UInt8(ascii: "\r"): out += #"\r"#.utf8
            case UInt8(ascii: "\t"): out += #"\t"#.utf8
            case ..<0x20:
                let hex = String(byte, radix: 16)
                out += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
