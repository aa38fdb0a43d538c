import VMSAJSON

/// Where a replay trace came from, carried as its first line, for example
///
///     {"op":"source","linux":"v6.1","from":"image guest.img"}
///
/// `linux` names the kernel whose tables the entries were read from; the
/// entries in the trace are always in the model's own (v6.12) layout, so
/// replay reads them alike. `vmsa replay --report` prints it. A trace
/// without this line replays the same.
public struct TraceSource: Hashable, Sendable {
    /// The record's "op" value.
    public static let op = "source"

    /// The kernel whose tables the entries were read from.
    public var linux: LinuxVersion
    /// A free-form description of the input, e.g. "image guest.img".
    public var from: String

    /// A source record.
    public init(linux: LinuxVersion, from: String) {
        self.linux = linux
        self.from = from
    }

    /// Reads the fields after "op" (and checks there are no others).
    init(_ r: inout JSONObjectReader) throws(JSONError) {
        let name = try r.string("linux")
        guard let version = LinuxVersion(rawValue: name) else {
            throw JSONError("\(r.context): \"linux\" is \"\(name)\"; expected one of "
                + LinuxVersion.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        linux = version
        from = try r.string("from")
        try r.finish()
    }

    /// The JSON Lines form (what `TraceRecord.parse` reads).
    public var json: JSONValue {
        .object(JSONObject([("op", .string(Self.op)), ("linux", .string(linux.rawValue)), ("from", .string(from))]))
    }
}
