/// The registers a stub describes in its target description XML (GDB's
/// "Target Descriptions" appendix): each `<reg>`'s number and size, with
/// `<xi:include>`d features read in place. Numbers follow GDB's rule: a
/// register without `regnum` is numbered one past the register before it.
public struct TargetDescription: Sendable {
    /// One `<reg>` of the target description.
    public struct Register: Hashable, Sendable {
        /// The `name` attribute, e.g. `TTBR1_EL1`.
        public let name: String
        /// The register number for `p`/`P` packets (`regnum`, or one past the previous register).
        public let number: Int
        /// The `bitsize` attribute.
        public let bitSize: Int
    }

    /// The `<architecture>` the stub names ("aarch64"), when it names one.
    public private(set) var architecture: String?
    /// The registers by name.
    public private(set) var registers: [String: Register] = [:]

    /// Reads target.xml and its includes through `read` (qXfer:features:read).
    public init(read: (String) throws(GuestError) -> String) throws(GuestError) {
        var next = 0
        var visited = Set<String>()
        try load("target.xml", read: read, next: &next, visited: &visited)
    }

    /// Parses one document's text (and fetches what it includes).
    init(text: String) throws(GuestError) {
        var next = 0
        var visited = Set<String>()
        try parse(text, read: { (_: String) throws(GuestError) -> String in "" }, next: &next, visited: &visited)
    }

    /// The first register present under any of `names` (case-insensitive:
    /// stubs differ, e.g. QEMU names SCTLR_EL1 "SCTLR" and PSTATE "cpsr").
    public func register(_ names: [String]) throws(GuestError) -> Register {
        for n in names {
            if let r = registers[n.lowercased()] { return r }
        }
        throw .missingRegister(names)
    }

    private mutating func load(_ annex: String, read: (String) throws(GuestError) -> String,
                               next: inout Int, visited: inout Set<String>) throws(GuestError) {
        guard visited.insert(annex).inserted else { return }
        try parse(try read(annex), read: read, next: &next, visited: &visited)
    }

    private mutating func parse(_ text: String, read: (String) throws(GuestError) -> String,
                                next: inout Int, visited: inout Set<String>) throws(GuestError) {
        for tag in XMLTags(text) {
            switch tag.name {
            case "xi:include":
                if let href = tag.attributes["href"] { try load(href, read: read, next: &next, visited: &visited) }
            case "architecture":
                architecture = tag.text?.trimmingWhitespace()
            case "reg":
                guard let name = tag.attributes["name"], let bits = tag.attributes["bitsize"].flatMap({ Int($0) }) else {
                    throw .protocolError("target description", detail: "a <reg> without name or bitsize")
                }
                if let n = tag.attributes["regnum"] {
                    guard let v = Int(n) else { throw .protocolError("target description", detail: "regnum \"\(n)\" of \(name)") }
                    next = v
                }
                let key = name.lowercased()
                if registers[key] == nil { registers[key] = Register(name: name, number: next, bitSize: bits) }
                next += 1
            default:
                break
            }
        }
    }
}

/// The start tags of an XML document, with their attributes and the text
/// that directly follows each: all a target description needs.
struct XMLTags: Sequence, IteratorProtocol {
    struct Tag {
        var name: String
        var attributes: [String: String]
        var text: String?
    }

    private let u: [UInt8]
    private var i = 0

    init(_ text: String) { u = Array(text.utf8) }

    mutating func next() -> Tag? {
        while i < u.count {
            guard u[i] == UInt8(ascii: "<") else { i += 1; continue }
            if starts("<!--") { skip(past: "-->"); continue }
            if starts("<?") || starts("<!") || starts("</") { skip(past: ">"); continue }
            i += 1
            let nameStart = i
            while i < u.count, !isSpace(u[i]), u[i] != UInt8(ascii: ">"), u[i] != UInt8(ascii: "/") { i += 1 }
            var tag = Tag(name: String(decoding: u[nameStart..<i], as: UTF8.self), attributes: [:])
            while i < u.count, u[i] != UInt8(ascii: ">") {
                if isSpace(u[i]) || u[i] == UInt8(ascii: "/") { i += 1; continue }
                let keyStart = i
                while i < u.count, u[i] != UInt8(ascii: "="), !isSpace(u[i]), u[i] != UInt8(ascii: ">") { i += 1 }
                let key = String(decoding: u[keyStart..<i], as: UTF8.self)
                while i < u.count, isSpace(u[i]) || u[i] == UInt8(ascii: "=") { i += 1 }
                guard i < u.count, u[i] == UInt8(ascii: "\"") || u[i] == UInt8(ascii: "'") else { continue }
                let quote = u[i]
                i += 1
                let valueStart = i
                while i < u.count, u[i] != quote { i += 1 }
                tag.attributes[key] = String(decoding: u[valueStart..<Swift.min(i, u.count)], as: UTF8.self)
                i += 1
            }
            i += 1
            let textStart = i
            var j = i
            while j < u.count, u[j] != UInt8(ascii: "<") { j += 1 }
            if j > textStart { tag.text = String(decoding: u[textStart..<j], as: UTF8.self) }
            return tag
        }
        return nil
    }

    private func starts(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= u.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where u[i + k] != p[k] { return false }
        return true
    }

    private mutating func skip(past s: StaticString) {
        while i < u.count, !starts(s) { i += 1 }
        i = Swift.min(u.count, i + s.utf8CodeUnitCount)
    }

    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop(while: { $0.properties.isWhitespace }).reversed().drop(while: { $0.properties.isWhitespace }).reversed()
        return String(String.UnicodeScalarView(scalars))
    }
}
