#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import GuestCapture
import VMSA
import VMSATables

/// A GDB stub in a thread, serving a TableImage as a stopped AArch64 CPU the
/// way QEMU's gdbstub does (target description with includes, `p`
/// register reads, physical-memory mode, `m` reads of at most what fits a
/// packet), so the capture can be tested without QEMU.
final class FakeStub: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let image: TableImage
    private let pstate: UInt64
    /// Off: the stub refuses QStartNoAckMode, so every packet is acknowledged.
    private let noAckMode: Bool
    /// On: replies use run-length encoding where they repeat.
    private let runLength: Bool
    /// Names the stub leaves out of its description.
    private let hidden: Set<String>
    private let done = DispatchSemaphore(value: 0)
    private(set) var memoryReads = 0
    private(set) var physicalMode = false

    static let registers: [(String, Int)] = [("cpsr", 32), ("TTBR0_EL1", 64), ("TTBR1_EL1", 64), ("TCR_EL1", 64),
                                             ("MAIR_EL1", 64), ("SCTLR", 64)]
    /// QEMU's packet buffer (PacketSize=1000 hex).
    static let packetSize = 0x1000

    init(image: TableImage, pstate: UInt64, noAckMode: Bool = true, runLength: Bool = false, hidden: Set<String> = []) {
        self.image = image
        self.pstate = pstate
        self.noAckMode = noAckMode
        self.runLength = runLength
        self.hidden = hidden
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 1)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Waits for the client to detach or disconnect.
    func wait() { done.wait() }

    private func value(_ name: String) -> UInt64 {
        switch name {
        case "cpsr": return pstate
        case "TTBR0_EL1": return image.ttbr0.rawValue
        case "TTBR1_EL1": return image.ttbr1.rawValue
        case "TCR_EL1": return image.tcr.rawValue
        case "MAIR_EL1": return image.mair.rawValue
        default: return image.state.sctlr
        }
    }

    private var targetXML: String {
        """
        <?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">
        <target><architecture>aarch64</architecture><xi:include href="aarch64-core.xml"/><xi:include href="system-registers.xml"/></target>
        """
    }

    private func document(_ annex: String) -> String? {
        switch annex {
        case "target.xml": return targetXML
        case "aarch64-core.xml":
            var x = "<feature name=\"org.gnu.gdb.aarch64.core\">"
            for i in 0..<31 { x += "<reg name=\"x\(i)\" bitsize=\"64\"/>" }
            x += "<reg name=\"sp\" bitsize=\"64\"/><reg name=\"pc\" bitsize=\"64\"/>"
            if !hidden.contains("cpsr") { x += "<reg name=\"cpsr\" bitsize=\"32\"/>" }
            return x + "</feature>"
        case "system-registers.xml":
            var x = "<feature name=\"org.qemu.gdb.aarch64.sysregs\">"
            for (i, (name, bits)) in Self.registers.dropFirst().enumerated() where !hidden.contains(name) {
                x += "<reg name=\"\(name)\" bitsize=\"\(bits)\" regnum=\"\(100 + i)\"/>"
            }
            return x + "</feature>"
        default: return nil
        }
    }

    private func number(of name: String) -> Int {
        name == "cpsr" ? 33 : 100 + Self.registers.dropFirst().firstIndex { $0.0 == name }! - 1
    }

    private func hex(_ bytes: [UInt8]) -> String { GDBPacket.hex(bytes) }

    private func answer(_ q: String, noAck: inout Bool) -> String {
        if q.hasPrefix("qSupported") { return "PacketSize=\(String(Self.packetSize, radix: 16));qXfer:features:read+" + (noAckMode ? ";QStartNoAckMode+" : "") }
        if q == "QStartNoAckMode" { return noAckMode ? "OK" : "" }
        if q == "?" { return "T05thread:p01.01;" }
        if q == "Qqemu.PhyMemMode:1" { physicalMode = true; return "OK" }
        if q == "Qqemu.PhyMemMode:0" { physicalMode = false; return "OK" }
        if q == "D" { return "OK" }
        if q.hasPrefix("qXfer:features:read:") {
            let parts = q.dropFirst("qXfer:features:read:".count).split(separator: ":")
            guard parts.count == 2, let doc = document(String(parts[0])) else { return "E00" }
            let range = parts[1].split(separator: ",")
            let offset = Int(range[0], radix: 16)!, length = Int(range[1], radix: 16)!
            let u = Array(doc.utf8)
            let end = min(u.count, offset + length)
            return (end == u.count ? "l" : "m") + String(decoding: u[min(offset, u.count)..<end], as: UTF8.self)
        }
        if q.hasPrefix("p"), let n = Int(q.dropFirst(), radix: 16) {
            guard let (name, bits) = Self.registers.first(where: { number(of: $0.0) == n }) else { return "E14" }
            let v = value(name)
            return hex((0..<bits / 8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) })
        }
        if q.hasPrefix("m") {
            let f = q.dropFirst().split(separator: ",")
            let pa = UInt64(f[0], radix: 16)!, len = Int(f[1], radix: 16)!
            // QEMU refuses a reply bigger than its buffer.
            guard physicalMode, len * 2 + 4 <= Self.packetSize else { return "E14" }
            memoryReads += 1
            var bytes: [UInt8] = []
            for k in stride(from: 0, to: len, by: 8) {
                guard let w = image.word(atPhysicalAddress: pa + UInt64(k)) else { return "E14" }
                bytes += (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) }
            }
            return hex(bytes)
        }
        return ""
    }

    /// "0000…" as '0' then '*' and a count byte, as a stub may send it.
    private func encodeRuns(_ s: String) -> String {
        guard runLength else { return s }
        var out = ""
        let c = Array(s)
        var i = 0
        while i < c.count {
            var n = 1
            // Counts that would be '#' or '$' are not allowed; keep runs short.
            while i + n < c.count, c[i + n] == c[i], n < 40 { n += 1 }
            if n >= 4, n - 1 + 29 != 35, n - 1 + 29 != 36 {
                out.append(c[i]); out.append("*"); out.append(Character(UnicodeScalar(UInt8(n - 1 + 29))))
            } else {
                out += String(repeating: c[i], count: n)
            }
            i += n
        }
        return out
    }

    /// A frame whose payload is sent as is ('*' keeps its run-length meaning).
    static func rawFrame(_ payload: String) -> String {
        let sum = payload.utf8.reduce(UInt8(0)) { $0 &+ $1 }
        return "$" + payload + "#" + GDBPacket.hex([sum])
    }

    private func serve() {
        let fd = accept(listener, nil, nil)
        defer { close(fd); close(listener); done.signal() }
        var noAck = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        var next = 0, end = 0
        func byte() -> UInt8? {
            if next == end {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { return nil }
                next = 0
                end = n
            }
            defer { next += 1 }
            return buffer[next]
        }
        while true {
            var b: UInt8
            repeat { guard let x = byte() else { return }; b = x } while b != UInt8(ascii: "$")
            var payload: [UInt8] = []
            while let x = byte(), x != UInt8(ascii: "#") { payload.append(x) }
            _ = byte(); _ = byte()
            if !noAck { _ = send(fd, "+", 1, Int32(MSG_NOSIGNAL)) }
            let q = String(decoding: payload, as: UTF8.self)
            let reply = answer(q, noAck: &noAck)
            let framed = q.hasPrefix("m") && runLength ? Self.rawFrame(encodeRuns(reply)) : String(decoding: GDBPacket.frame(reply), as: UTF8.self)
            _ = framed.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            if q == "QStartNoAckMode", reply == "OK" { noAck = true }
            if q == "D" { return }
        }
    }
}
