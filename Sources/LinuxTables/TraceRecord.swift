import VMSAJSON

/// One line of a replay trace: an operation, the source record that may
/// open the trace, or a VMA of the traced process.
public enum TraceRecord: Hashable, Sendable {
    /// `{"op":"source",…}`: where the trace came from.
    case source(TraceSource)
    /// A page-table operation.
    case operation(TableOperation)
    /// `{"op":"vma",…}`: one VMA of the traced process.
    case vma(ProcessMapping)

    /// Every "op" value a trace line may have.
    public static let names = TableOperation.names + [TraceSource.op, ProcessMapping.op]

    /// Parses one trace line; errors name the line number and the bad value.
    public static func parse(line text: String, number: Int) throws(JSONError) -> TraceRecord {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw JSONError("line \(number): \(error.message)")
        }
        return try parse(value, number: number)
    }

    /// Parses one trace line given as UTF-8 bytes, without making a String of it first.
    public static func parse(line utf8: UnsafeBufferPointer<UInt8>, number: Int) throws(JSONError) -> TraceRecord {
        let value: JSONValue
        do { value = try JSONParser.parse(utf8: utf8) } catch {
            throw JSONError("line \(number): \(error.message)")
        }
        return try parse(value, number: number)
    }

    /// The record a parsed trace line holds.
    private static func parse(_ value: JSONValue, number: Int) throws(JSONError) -> TraceRecord {
        var r = try JSONObjectReader(value, context: "line \(number)")
        guard let op = try r.optionalChoice("op", names) else {
            throw JSONError("line \(number): \"op\" is missing; expected one of " + names.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if op == TraceSource.op { return .source(try TraceSource(&r)) }
        if op == ProcessMapping.op { return .vma(try ProcessMapping(&r)) }
        return .operation(try TableOperation(op, &r))
    }
}

extension TraceRecord {
    /// The JSON Lines form (what `parse` reads).
    public var json: JSONValue {
        switch self {
        case .source(let s): s.json
        case .operation(let op): op.json
        case .vma(let vma): vma.json
        }
    }
}
