import VMSA
import VMSAJSON

/// The JSON contract of a descriptor (shared/DESIGN.md): every key that
/// applies to its kind, so that `decode --json | encode --json` round-trips.
enum DescriptorJSON {
    /// The keys every descriptor has; `regime` only where it is not EL1&0,
    /// so that EL1&0 output is what it always was.
    static func header(raw: UInt64, level: Level, format: DescriptorFormat, kind: DescriptorKind, regime: TranslationRegimeKind) -> JSONObject {
        var o = JSONObject([
            ("raw", .hex(raw)),
            ("granule", .string(format.granule.name)),
            ("level", .int(level.rawValue)),
            ("ds", .bool(format.ds)),
            ("paBits", .int(format.paBits)),
            ("kind", .string(kind.rawValue)),
        ])
        if regime != .el10 { o["regime"] = .string(regime.rawValue) }
        return o
    }

    /// A stage-1 descriptor of `regime`. EL2 and EL3 leaves have `xn` (bit
    /// 54) and no `ng`, `pxn`, `uxn`; their tables `xnTable` and no
    /// `pxnTable`, `uxnTable`: those RES0 bits are in `res0`.
    static func object(raw: UInt64, level: Level, format: DescriptorFormat, regime: TranslationRegimeKind = .el10) -> JSONValue {
        let f = DescriptorFields(decoding: raw, level: level, format: format, regime: regime)
        let oneEL = !regime.hasTwoPrivilegeLevels
        var o = header(raw: raw, level: level, format: format, kind: f.kind, regime: regime)
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            o["nextTable"] = .hex(f.nextTable)
            if oneEL {
                o["xnTable"] = .bool(f.uxnTable)
            } else {
                o["pxnTable"] = .bool(f.pxnTable)
                o["uxnTable"] = .bool(f.uxnTable)
            }
            o["apTable"] = .int(f.apTable.rawValue)
            o["nsTable"] = .bool(f.nsTable)
        case .block, .page:
            o["outputAddress"] = .hex(f.outputAddress)
            o["attrIndx"] = .int(f.attrIndx)
            o["ns"] = .bool(f.ns)
            o["ap"] = .int(f.ap.rawValue)
            if format.descriptorHasShareability { o["sh"] = .int(f.sh.rawValue) }
            o["af"] = .bool(f.af)
            if !oneEL { o["ng"] = .bool(f.nG) }
            if f.kind == .block { o["nt"] = .bool(f.nT) }
            o["gp"] = .bool(f.gp)
            o["dbm"] = .bool(f.dbm)
            o["contiguous"] = .bool(f.contiguous)
            if oneEL {
                o["xn"] = .bool(f.xn)
            } else {
                o["pxn"] = .bool(f.pxn)
                o["uxn"] = .bool(f.uxn)
            }
            o["software"] = .int(f.software)
            o["pbha"] = .int(f.pbha)
        }
        return .object(trailer(o, kind: f.kind, ignored: f.ignored, res0: f.res0,
                               problems: Descriptor(rawValue: raw).problems(at: level, format: format, regime: regime)))
    }

    /// `ignored`, `res0` (not for invalid and reserved encodings) and `problems`.
    static func trailer(_ object: JSONObject, kind: DescriptorKind, ignored: UInt64, res0: UInt64, problems: [DescriptorProblem]) -> JSONObject {
        var o = object
        o["ignored"] = .hex(ignored)
        if kind != .invalid && kind != .reserved { o["res0"] = .hex(res0) }
        o["problems"] = .array(problems.map { .string($0.description) })
        return o
    }

    /// What every descriptor line says of itself: its format, level and the
    /// problems it acknowledges.
    struct Header {
        var format: DescriptorFormat
        var level: Level
        var acknowledged: [String]
        /// "kind" (default page).
        var kind: DescriptorKind
    }

    /// The regime a JSON line names ("regime"; `fallback` when absent).
    static func regime(_ r: inout JSONObjectReader, fallback: TranslationRegimeKind) throws -> TranslationRegimeKind {
        guard let name = try r.optionalChoice("regime", TranslationRegimeKind.allCases.map(\.rawValue)) else { return fallback }
        return TranslationRegimeKind(rawValue: name)!
    }

    static func header(_ r: inout JSONObjectReader, defaults: FormatOptions) throws -> Header {
        let context = r.context
        _ = r.optionalValue("raw")
        var acknowledged: [String] = []
        for item in try r.optionalArray("problems") ?? [] {
            guard case .string(let s) = item else {
                throw CLIError(.dataError, "\(context): \"problems\" holds \(item.typeName); expected strings")
            }
            acknowledged.append(s)
        }
        let granuleName = try r.optionalString("granule") ?? defaults.granule.name
        let ds = try r.optionalBool("ds") ?? defaults.ds
        let paBits = try r.optionalInt("paBits", in: 0...64) ?? defaults.paBits ?? (ds ? 52 : 48)
        let levelNumber = try r.optionalInt("level", in: Int.min...Int.max) ?? defaults.level
        let format = try FormatOptions.format(granule: granuleName, ds: ds, paBits: paBits)
        let kindName = try r.optionalChoice("kind", DescriptorKind.allCases.map(\.rawValue)) ?? DescriptorKind.page.rawValue
        return Header(format: format, level: try FormatOptions.level(levelNumber, format: format), acknowledged: acknowledged,
                      kind: DescriptorKind(rawValue: kindName)!)
    }

    /// Reads one descriptor object. `raw` is an output and ignored; `problems`
    /// lists the problems the caller knows the value has (a decoded value
    /// carries them), so that such a value can round-trip. Every other key
    /// must belong to the kind.
    /// "sh", which a DS=1 descriptor does not have (`source` holds it then).
    static func shareability(_ r: inout JSONObjectReader, format: DescriptorFormat, source: String) throws -> Shareability? {
        guard let sh = try r.optionalInt("sh", in: 0...3) else { return nil }
        guard format.descriptorHasShareability else {
            throw CLIError(.dataError, "\(r.context): \"sh\" does not exist with DS=1 (bits [9:8] hold OA[51:50]; shareability comes from \(source))")
        }
        return Shareability(rawValue: UInt64(sh))!
    }

    /// "nt", which only blocks have.
    static func blockHint(_ r: inout JSONObjectReader, kind: DescriptorKind) throws -> Bool? {
        guard let nt = try r.optionalBool("nt") else { return nil }
        guard kind == .block else { throw CLIError(.dataError, "\(r.context): \"nt\" applies only to blocks") }
        return nt
    }

    static func fields(_ r: inout JSONObjectReader, defaults: FormatOptions, regime: TranslationRegimeKind = .el10)
        throws -> (fields: DescriptorFields, level: Level, format: DescriptorFormat, acknowledged: [String])
    {
        let header = try header(&r, defaults: defaults)
        let (format, level, acknowledged) = (header.format, header.level, header.acknowledged)
        let oneEL = !regime.hasTwoPrivilegeLevels
        var f = DescriptorFields(kind: header.kind)
        f.ignored = try r.optionalHex("ignored") ?? 0
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            f.nextTable = try r.hex("nextTable")
            if oneEL {
                f.uxnTable = try r.optionalBool("xnTable") ?? false
            } else {
                f.pxnTable = try r.optionalBool("pxnTable") ?? false
                f.uxnTable = try r.optionalBool("uxnTable") ?? false
            }
            f.apTable = TableAccessPermissions(rawValue: UInt64(try r.optionalInt("apTable", in: 0...3) ?? 0))!
            f.nsTable = try r.optionalBool("nsTable") ?? false
            f.res0 = try r.optionalHex("res0") ?? 0
        case .block, .page:
            f.outputAddress = try r.hex("outputAddress")
            f.attrIndx = UInt8(try r.optionalInt("attrIndx", in: 0...7) ?? 0)
            f.ns = try r.optionalBool("ns") ?? false
            f.ap = AccessPermissions(rawValue: UInt64(try r.optionalInt("ap", in: 0...3) ?? 0))!
            if let sh = try shareability(&r, format: format, source: "TCR_EL1.SHx") { f.sh = sh }
            f.af = try r.optionalBool("af") ?? false
            if !oneEL { f.nG = try r.optionalBool("ng") ?? false }
            if let nt = try blockHint(&r, kind: f.kind) { f.nT = nt }
            f.gp = try r.optionalBool("gp") ?? false
            f.dbm = try r.optionalBool("dbm") ?? false
            f.contiguous = try r.optionalBool("contiguous") ?? false
            if oneEL {
                f.xn = try r.optionalBool("xn") ?? false
            } else {
                f.pxn = try r.optionalBool("pxn") ?? false
                f.uxn = try r.optionalBool("uxn") ?? false
            }
            f.software = UInt8(try r.optionalInt("software", in: 0...15) ?? 0)
            f.pbha = UInt8(try r.optionalInt("pbha", in: 0...15) ?? 0)
            f.res0 = try r.optionalHex("res0") ?? 0
        }
        try r.finish()
        return (f, level, format, acknowledged)
    }
}
