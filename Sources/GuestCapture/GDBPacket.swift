import VMSA

/// The framing of one GDB remote protocol packet: `$payload#cs`, with
/// `}` escapes and `*` run-length encoding in replies.
enum GDBPacket {
    static let start = UInt8(ascii: "$")
    static let end = UInt8(ascii: "#")
    static let escape = UInt8(ascii: "}")
    static let runLength = UInt8(ascii: "*")
    static let ack = UInt8(ascii: "+")
    static let nak = UInt8(ascii: "-")
    /// An escaped byte is sent XOR this.
    static let escapeXor: UInt8 = 0x20
    /// A run-length count byte is the repeat count plus this.
    static let runLengthBias = 29
    /// '$', '#' and two checksum digits around a payload.
    static let framing = 4
    /// What a stub that does not say accepts (GDB's own default buffer).
    static let defaultSize = 400
    /// Bounds on what one reply may cost: a packet (far above any stub's
    /// PacketSize) and a whole target description.
    static let maximumPayload = 1 << 20
    static let maximumDocument = 16 << 20
    /// Requests in flight at once: small enough that the replies never
    /// fill the socket buffers while requests are still being written.
    static let pipelineDepth = 64

    /// `$payload#cs`, escaping the bytes the protocol reserves.
    static func frame(_ payload: String) -> [UInt8] {
        var out: [UInt8] = [start]
        var sum: UInt8 = 0
        for b in payload.utf8 {
            if b == start || b == end || b == escape || b == runLength {
                out.append(escape)
                out.append(b ^ escapeXor)
                sum &+= escape &+ (b ^ escapeXor)
            } else {
                out.append(b)
                sum &+= b
            }
        }
        out.append(end)
        out += Array(hex([sum]).utf8)
        return out
    }

    /// The payload with escapes and run lengths expanded; nil when malformed.
    static func decode(_ raw: [UInt8]) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let b = raw[i]
            if b == escape {
                guard i + 1 < raw.count else { return nil }
                out.append(raw[i + 1] ^ escapeXor)
                i += 2
            } else if b == runLength {
                guard let last = out.last, i + 1 < raw.count, Int(raw[i + 1]) >= runLengthBias else { return nil }
                out += repeatElement(last, count: Int(raw[i + 1]) - runLengthBias)
                i += 2
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of two hex digits.
    static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let h = nibble(high), let l = nibble(low) else { return nil }
        return h << 4 | l
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Bytes as the protocol spells them: two lowercase hex digits each.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { Hex.format(UInt64($0), digits: 2).dropFirst(2) }.joined()
    }

    /// A stop reply: "S" or "T" and a two-digit signal number.
    static func isStopReply(_ payload: String) -> Bool {
        let u = Array(payload.utf8)
        return u.count >= 3 && (u[0] == UInt8(ascii: "S") || u[0] == UInt8(ascii: "T")) && hexValue(u[1], u[2]) != nil
    }

    /// The bytes a hex reply spells; nil for an error reply or odd length.
    static func bytes(fromHex text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard !u.isEmpty, u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let v = hexValue(u[i], u[i + 1]) else { return nil }
            out.append(v)
            i += 2
        }
        return out
    }
}
