/// A client of the GDB remote serial protocol (the packets of GDB's
/// "Remote Protocol" appendix), enough to read a stopped AArch64 guest:
/// registers through the target description, memory, hardware
/// breakpoints, continue and detach. It talks to QEMU's gdbstub or any
/// stub that exposes the system registers; no gdb is needed.
public final class GDBRemote {
    let socket: StreamSocket
    /// The peer as the user named it.
    public var peer: String { socket.peer }
    /// After QStartNoAckMode neither side sends '+' acknowledgements, so
    /// requests can be pipelined.
    private(set) var noAck = false
    /// The largest packet the stub accepts or sends (qSupported PacketSize).
    private(set) var packetSize = GDBPacket.defaultSize

    /// Connects to HOST:PORT and negotiates the features it needs.
    public init(connectingTo address: String) throws(GuestError) {
        socket = try StreamSocket.tcp(address)
        let features = try request("qSupported:xmlRegisters=aarch64").split(separator: ";")
        for f in features {
            if f.hasPrefix("PacketSize="), let n = Int(f.dropFirst("PacketSize=".count), radix: 16), n > GDBPacket.framing {
                packetSize = n
            }
        }
        if features.contains("QStartNoAckMode+"), try request("QStartNoAckMode") == "OK" { noAck = true }
    }

    /// Sends one request and returns its reply's payload.
    public func request(_ payload: String) throws(GuestError) -> String {
        try socket.write(GDBPacket.frame(payload))
        return try reply(to: payload)
    }

    /// Sends every request at once and then reads the replies in order: a
    /// stub handles them back to back (QEMU's system-mode stub does not
    /// wait for our acknowledgements), so a capture pays the round trip
    /// once per batch instead of once per read.
    public func requests(_ payloads: [String]) throws(GuestError) -> [String] {
        var out: [String] = []
        out.reserveCapacity(payloads.count)
        var i = 0
        while i < payloads.count {
            let batch = payloads[i..<min(payloads.count, i + GDBPacket.pipelineDepth)]
            var bytes: [UInt8] = []
            for p in batch { bytes += GDBPacket.frame(p) }
            try socket.write(bytes)
            for p in batch { out.append(try reply(to: p)) }
            i += batch.count
        }
        return out
    }

    /// Waits for the reply to `request`. With acknowledgements on, the
    /// stub's '+' for the request comes first: a packet before it is not
    /// the reply (QEMU sends a stop packet of its own when a debugger
    /// connects). Console output ("O…") is skipped, and so is a stop packet
    /// unless the request asks for one.
    private func reply(to request: String) throws(GuestError) -> String {
        if !noAck {
            while true {
                let b = try socket.readByte()
                if b == GDBPacket.ack { break }
                if b == GDBPacket.nak { try socket.write(GDBPacket.frame(request)) }
                if b == GDBPacket.start { _ = try packet(request) }
            }
        }
        let wantsStop = request == "?" || request == "c"
        while true {
            var b = try socket.readByte()
            while b != GDBPacket.start { b = try socket.readByte() }
            let payload = try packet(request)
            if payload.hasPrefix("O"), payload.count > 1, payload.dropFirst().allSatisfy(\.isHexDigit) { continue }
            if !wantsStop, GDBPacket.isStopReply(payload) { continue }
            return payload
        }
    }

    /// Reads the rest of a packet whose '$' was just read, checks its
    /// checksum and acknowledges it when acks are on.
    private func packet(_ request: String) throws(GuestError) -> String {
        var raw: [UInt8] = []
        var sum: UInt8 = 0
        while true {
            let b = try socket.readByte()
            if b == GDBPacket.end { break }
            guard raw.count < GDBPacket.maximumPayload else {
                throw .protocolError(peer, detail: "a reply to \"\(request)\" is longer than \(GDBPacket.maximumPayload) bytes")
            }
            raw.append(b)
            sum &+= b
        }
        let high = try socket.readByte(), low = try socket.readByte()
        guard let given = GDBPacket.hexValue(high, low) else {
            throw .protocolError(peer, detail: "a packet's checksum is not two hex digits")
        }
        guard given == sum || noAck else {
            throw .protocolError(peer, detail: "the reply to \"\(request)\" has a bad checksum")
        }
        if !noAck { try socket.write([GDBPacket.ack]) }
        guard let decoded = GDBPacket.decode(raw) else {
            throw .protocolError(peer, detail: "a reply to \"\(request)\" has a bad escape or run-length")
        }
        return decoded
    }

    // MARK: Requests

    /// Why the target stopped ("?"): also what makes QEMU report a stopped CPU.
    public func stopReason() throws(GuestError) -> String { try request("?") }

    /// The object `annex` of qXfer:features:read (the target description).
    public func features(_ annex: String) throws(GuestError) -> String {
        var text = ""
        let chunk = packetSize - GDBPacket.framing - 1
        while true {
            let q = "qXfer:features:read:\(annex):\(String(text.utf8.count, radix: 16)),\(String(chunk, radix: 16))"
            let r = try request(q)
            guard let kind = r.first, kind == "m" || kind == "l" else { throw .refused(request: q, reply: r) }
            // A stub that says "more" must send some, and a description has a size.
            guard kind == "l" || r.count > 1, text.utf8.count + r.utf8.count <= GDBPacket.maximumDocument else {
                throw .protocolError(peer, detail: "the target description \(annex) does not end within \(GDBPacket.maximumDocument) bytes")
            }
            text += r.dropFirst()
            if kind == "l" { return text }
        }
    }

    /// Register `number`'s bytes, in target (little-endian) order.
    public func register(_ number: Int) throws(GuestError) -> [UInt8] {
        let q = "p" + String(number, radix: 16)
        let r = try request(q)
        guard let bytes = GDBPacket.bytes(fromHex: r) else { throw .refused(request: q, reply: r) }
        return bytes
    }

    /// The value of `register` from the target description: its bytes
    /// are checked against its size and read little-endian, as AArch64
    /// stubs send them.
    public func value(of register: TargetDescription.Register) throws(GuestError) -> UInt64 {
        let bytes = try self.register(register.number)
        guard bytes.count * 8 == register.bitSize else {
            throw .protocolError(peer, detail: "register \(register.name) came back as \(bytes.count) bytes, not \(register.bitSize / 8)")
        }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Writes `value` into `register`, little-endian in its size.
    public func setValue(_ value: UInt64, of register: TargetDescription.Register) throws(GuestError) {
        try setRegister(register.number, (0..<register.bitSize / 8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) })
    }

    /// Writes register `number` with `bytes` in target (little-endian) order.
    package func setRegister(_ number: Int, _ bytes: [UInt8]) throws(GuestError) {
        try command("P" + String(number, radix: 16) + "=" + GDBPacket.hex(bytes))
    }

    /// The most bytes one "m" reply can carry: two hex digits per byte
    /// inside the framing, rounded down to whole 16-byte lines.
    var maximumRead: Int { ((packetSize - GDBPacket.framing) / 2) & ~15 }

    /// Reads each (address, bytes) range, pipelined; nil for a range the
    /// stub cannot read (an "E" reply: memory outside RAM).
    public func read(_ ranges: [(address: UInt64, bytes: Int)]) throws(GuestError) -> [[UInt8]?] {
        var packets: [String] = []
        var pieces: [Int] = []
        for r in ranges {
            var done = 0
            var n = 0
            while done < r.bytes {
                let len = min(maximumRead, r.bytes - done)
                packets.append("m\(String(r.address &+ UInt64(done), radix: 16)),\(String(len, radix: 16))")
                done += len
                n += 1
            }
            pieces.append(n)
        }
        let replies = try requests(packets)
        var out: [[UInt8]?] = []
        var k = 0
        for (r, n) in zip(ranges, pieces) {
            var data: [UInt8]? = []
            data?.reserveCapacity(r.bytes)
            for reply in replies[k..<k + n] {
                if let b = GDBPacket.bytes(fromHex: reply), data != nil { data! += b } else { data = nil }
            }
            k += n
            out.append(data?.count == r.bytes ? data : nil)
        }
        return out
    }

    /// Sends a request that must answer "OK".
    public func command(_ payload: String) throws(GuestError) {
        let r = try request(payload)
        guard r == "OK" else { throw .refused(request: payload, reply: r) }
    }

    /// Continues until the target stops again (a breakpoint), returning the stop reply.
    public func continueUntilStop() throws(GuestError) -> String {
        try socket.write(GDBPacket.frame("c"))
        while true {
            let r = try reply(to: "c")
            // QEMU has no reply to "c" until the target stops.
            if let c = r.first, c == "T" || c == "S" { return r }
            if let c = r.first, c == "W" || c == "X" { throw .protocolError(peer, detail: "the target exited (\(r))") }
        }
    }

    /// Detaches: the stub lets the target run on.
    public func detach() throws(GuestError) { try command("D") }
}
