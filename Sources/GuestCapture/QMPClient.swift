import VMSAJSON

/// A client of QEMU's machine protocol (QMP, JSON over a socket): enough to
/// ask QEMU's own page-table walker for ground truth through the human
/// monitor's `gva2gpa`, and to stop the guest.
public final class QMPClient {
    let socket: StreamSocket
    /// The QMP socket's address, as messages name it.
    public var peer: String { socket.peer }
    /// Commands in flight at once: QMP answers in order, one line each.
    static let pipelineDepth = 64
    /// The longest message read: a bound on what the peer can make us hold.
    static let maximumMessage = 16 << 20

    /// Connects to a `-qmp unix:PATH,server` socket and leaves capability
    /// negotiation mode.
    public init(socketPath: String) throws(GuestError) {
        socket = try StreamSocket.unix(socketPath)
        let greeting = try message()
        guard greeting["QMP"] != nil else { throw .protocolError(peer, detail: "no QMP greeting") }
        _ = try execute(["qmp_capabilities"]).first
    }

    /// Runs each command (a QMP "execute" with optional arguments) and
    /// returns each "return" value in order; an "error" reply is thrown.
    public func execute(_ commands: [String], arguments: [JSONObject?] = []) throws(GuestError) -> [JSONValue] {
        var out: [JSONValue] = []
        var i = 0
        while i < commands.count {
            let end = min(commands.count, i + Self.pipelineDepth)
            var text = ""
            for k in i..<end {
                var o = JSONObject([("execute", .string(commands[k]))])
                if k < arguments.count, let a = arguments[k] { o["arguments"] = .object(a) }
                text += JSONValue.object(o).jsonText + "\n"
            }
            try socket.write(Array(text.utf8))
            for k in i..<end {
                while true {
                    let m = try message()
                    if m["event"] != nil { continue }
                    if let r = m["return"] { out.append(r); break }
                    throw .refused(request: commands[k], reply: m["error"].map { $0.jsonText } ?? m.jsonText)
                }
            }
            i = end
        }
        return out
    }

    /// Runs human-monitor commands (HMP) and returns their printed output.
    public func monitor(_ lines: [String]) throws(GuestError) -> [String] {
        let replies = try execute(Array(repeating: "human-monitor-command", count: lines.count),
                                  arguments: lines.map { JSONObject([("command-line", .string($0))]) })
        return replies.map { if case .string(let s) = $0 { return s } else { return $0.jsonText } }
    }

    /// One JSON message: QMP ends each with CR LF.
    private func message() throws(GuestError) -> JSONValue {
        var line: [UInt8] = []
        while true {
            let b = try socket.readByte()
            if b == UInt8(ascii: "\n") { break }
            guard line.count < Self.maximumMessage else {
                throw .protocolError(peer, detail: "a message is longer than \(Self.maximumMessage) bytes")
            }
            line.append(b)
        }
        do {
            return try JSONParser.parse(String(decoding: line, as: UTF8.self))
        } catch {
            throw .protocolError(peer, detail: "a reply is not JSON: \(error)")
        }
    }
}
