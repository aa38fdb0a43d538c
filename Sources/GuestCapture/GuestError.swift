/// Why talking to a live guest failed: each case names the peer and what
/// was expected, in one sentence.
public enum GuestError: Error, CustomStringConvertible, Sendable {
    /// The address could not be parsed or resolved ("HOST:PORT", a socket path).
    case badAddress(String, reason: String)
    /// Connecting failed (refused, no such socket, timed out).
    case cannotConnect(String, reason: String)
    /// The peer closed the connection or a read or write failed.
    case connectionLost(String, reason: String)
    /// The peer sent something the protocol does not allow.
    case protocolError(String, detail: String)
    /// The stub answered a request with an error or "not supported".
    case refused(request: String, reply: String)
    /// The target description has no register by any of these names.
    case missingRegister([String])
    /// The guest's registers describe no translation vmsa can read.
    case badRegisters(String)

    /// The error as one sentence naming the peer and what was expected.
    public var description: String {
        switch self {
        case .badAddress(let a, let r): return "\(a) is not a usable address: \(r)"
        case .cannotConnect(let a, let r): return "cannot connect to \(a): \(r)"
        case .connectionLost(let a, let r): return "lost the connection to \(a): \(r)"
        case .protocolError(let a, let d): return "\(a) broke the protocol: \(d)"
        case .refused(let q, let r): return "the stub refused \"\(q)\" (answered \"\(r)\")"
        case .missingRegister(let names):
            return "the stub's target description has no register \(names.joined(separator: " or ")) (a stub that exposes the AArch64 system registers is needed, such as QEMU's gdbstub)"
        case .badRegisters(let d): return "the guest's registers: \(d)"
        }
    }
}
