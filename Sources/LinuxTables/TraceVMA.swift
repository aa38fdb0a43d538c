import VMSA
import VMSAJSON

/// The "vma" trace record: one VMA of the traced process, as `vmsa trace`
/// writes it before the VMA's operations, for example
///
///     {"op":"vma","start":"0x7f0000000000","end":"0x7f0000003000","perms":"r--p","offset":"0x0","path":"/usr/lib/x","fileSize":"0x3000"}
///
/// `path` and `fileSize` are left out when there is none (anonymous memory)
/// or it is unknown. Replay ignores these records; the ABI adapter reads
/// them (which memory is a file, where its end lies). Traces written before
/// the record existed replay the same.
extension ProcessMapping {
    /// The record's "op" value.
    public static let op = "vma"

    /// Reads the fields after "op" (and checks there are no others).
    init(_ r: inout JSONObjectReader) throws(JSONError) {
        let start = try r.hex("start"), end = try r.hex("end")
        let pageMask = LinuxKernel.granule.pageSize - 1
        guard start < end, start & pageMask == 0, end & pageMask == 0 else {
            throw JSONError("\(r.context): \"start\" \(Hex.short(start)) and \"end\" \(Hex.short(end)) are not a non-empty range of whole 4K pages")
        }
        let perms = try r.string("perms")
        guard let flags = Self.flags(perms: perms) else {
            throw JSONError("\(r.context): \"perms\" is \"\(perms)\"; expected four letters as in /proc/PID/maps, such as \"rw-p\" or \"r-xs\"")
        }
        let offset = try r.hex("offset")
        let path = try r.optionalString("path") ?? ""
        let fileSize = try r.optionalHex("fileSize")
        try r.finish()
        self.init(start: start, end: end, flags: flags, offset: offset, path: path, fileSize: fileSize)
    }

    /// The JSON Lines form (what `TraceRecord.parse` reads).
    public var json: JSONValue {
        var o = JSONObject([("op", .string(Self.op)), ("start", .hex(start, digits: 1)), ("end", .hex(end, digits: 1)),
                            ("perms", .string(perms)), ("offset", .hex(offset, digits: 1))])
        if !path.isEmpty { o["path"] = .string(path) }
        if let fileSize { o["fileSize"] = .hex(fileSize, digits: 1) }
        return .object(o)
    }
}
