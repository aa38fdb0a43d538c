import VMSA
import VMSAJSON

/// The JSON contract of a stage-2 descriptor (shared/DESIGN.md, Regimes):
/// `memAttr` (MemAttr[5:2] as 0..15), `s2ap`, `sh`, `af`, `xn` (XN[54:53]
/// as 0..3), `contiguous`, `dbm`, `software`, with `fwb` and `xnx` saying
/// how the value was read, so that `decode --json | encode --json` round-trips.
enum Stage2JSON {
    static func object(raw: UInt64, level: Level, format: DescriptorFormat, features: Stage2Features) -> JSONValue {
        let f = Stage2Fields(decoding: raw, level: level, format: format)
        var o = DescriptorJSON.header(raw: raw, level: level, format: format, kind: f.kind, regime: .s2)
        o["fwb"] = .bool(features.fwb)
        o["xnx"] = .bool(features.xnx)
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            o["nextTable"] = .hex(f.nextTable)
        case .block, .page:
            o["outputAddress"] = .hex(f.outputAddress)
            o["memAttr"] = .int(f.memAttr)
            o["s2ap"] = .int(f.s2ap.rawValue)
            if format.descriptorHasShareability { o["sh"] = .int(f.sh.rawValue) }
            o["af"] = .bool(f.af)
            if f.kind == .block { o["nt"] = .bool(f.nT) }
            o["dbm"] = .bool(f.dbm)
            o["contiguous"] = .bool(f.contiguous)
            o["xn"] = .int(f.xn.rawValue)
            o["software"] = .int(f.software)
            o["pbha"] = .int(f.pbha)
        }
        return .object(DescriptorJSON.trailer(o, kind: f.kind, ignored: f.ignored, res0: f.res0,
                                              problems: Descriptor(rawValue: raw).stage2Problems(at: level, format: format, features: features)))
    }

    /// Reads one stage-2 descriptor object (after its "regime" key).
    static func fields(_ r: inout JSONObjectReader, defaults: FormatOptions)
        throws -> (fields: Stage2Fields, header: DescriptorJSON.Header, features: Stage2Features)
    {
        let header = try DescriptorJSON.header(&r, defaults: defaults)
        let features = Stage2Features(fwb: try r.optionalBool("fwb") ?? defaults.fwb, xnx: try r.optionalBool("xnx") ?? defaults.xnx)
        var f = Stage2Fields(kind: header.kind)
        f.ignored = try r.optionalHex("ignored") ?? 0
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            f.nextTable = try r.hex("nextTable")
            f.res0 = try r.optionalHex("res0") ?? 0
        case .block, .page:
            f.outputAddress = try r.hex("outputAddress")
            f.memAttr = UInt8(try r.optionalInt("memAttr", in: 0...15) ?? 0)
            f.s2ap = Stage2AccessPermissions(rawValue: UInt64(try r.optionalInt("s2ap", in: 0...3) ?? 0))!
            if let sh = try DescriptorJSON.shareability(&r, format: header.format, source: "VTCR_EL2.SH0") { f.sh = sh }
            f.af = try r.optionalBool("af") ?? false
            if let nt = try DescriptorJSON.blockHint(&r, kind: f.kind) { f.nT = nt }
            f.dbm = try r.optionalBool("dbm") ?? false
            f.contiguous = try r.optionalBool("contiguous") ?? false
            f.xn = Stage2ExecuteNever(rawValue: UInt64(try r.optionalInt("xn", in: 0...3) ?? 0))!
            f.software = UInt8(try r.optionalInt("software", in: 0...15) ?? 0)
            f.pbha = UInt8(try r.optionalInt("pbha", in: 0...15) ?? 0)
            f.res0 = try r.optionalHex("res0") ?? 0
        }
        try r.finish()
        return (f, header, features)
    }
}
