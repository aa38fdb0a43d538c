import VMSA
import VMSAJSON

/// Reads the layout file's JSON into a `Layout`, strictly.
enum LayoutParser {
    static func parse(_ value: JSONValue, context: String = "layout", stage2Allowed: Bool = true) throws -> Layout {
        var r = try JSONObjectReader(value, context: context)
        let names = TranslationRegimeKind.allCases.map(\.rawValue)
        let kind = try r.optionalChoice("regime", stage2Allowed ? names : [TranslationRegimeKind.s2.rawValue])
            .flatMap(TranslationRegimeKind.init(rawValue:)) ?? (stage2Allowed ? .el10 : .s2)
        let tablesBase = try r.hex("tablesBase")
        let paBits = try r.optionalInt("paBits", in: 32...52) ?? 48
        let ds = try r.optionalBool("ds") ?? false
        // Stage 2 has no MAIR: MemAttr is in each descriptor.
        let mair = kind == .s2 ? MAIR(rawValue: 0) : try parseMAIR(r.optionalValue("mair"), context: context)
        let rangeKey = kind == .s2 ? "vttbr" : "ttbr0"
        let ttbr0 = try r.optionalValue(rangeKey).map { v throws in try half(v, context: "\(context).\(rangeKey)", kind: kind) }
        let ttbr1 = kind.hasTwoRanges ? try r.optionalValue("ttbr1").map { v throws in try half(v, context: "\(context).ttbr1", kind: kind) } : nil
        let ha = try r.optionalBool("ha") ?? false
        let hd = try r.optionalBool("hd") ?? false
        let mappings = try (r.optionalArray("mappings") ?? []).enumerated().map { i, v throws in
            try mapping(v, context: "mappings[\(i)]", kind: kind)
        }
        let tables = kind == .s2 ? [] : try (r.optionalArray("tables") ?? []).enumerated().map { i, v throws in
            try table(v, context: "tables[\(i)]")
        }
        var stage2: Layout?
        var hcr = HCR(rawValue: 0)
        if stage2Allowed {
            if kind == .el10, let v = r.optionalValue("stage2") {
                let s2 = try parse(v, context: "stage2", stage2Allowed: false)
                stage2 = s2
                hcr = s2.hcr
            }
        } else {
            // A stage-2 layout names the HCR_EL2 bits that change it.
            hcr[HCR.Field.vm] = 1
            hcr[HCR.Field.fwb] = try r.optionalBool("fwb") ?? false ? 1 : 0
            hcr[HCR.Field.ptw] = try r.optionalBool("ptw") ?? false ? 1 : 0
        }
        try r.finish()
        let configuration = RegimeConfiguration(kind: kind, tablesBase: tablesBase, paBits: paBits, ds: ds, mair: mair,
                                                ttbr0: ttbr0, ttbr1: ttbr1, hardwareAccessFlag: ha, hardwareDirty: hd)
        return Layout(configuration: configuration, mappings: mappings, tables: tables, stage2: stage2, hcr: hcr)
    }

    /// `"0x…"` (the whole register) or a list of up to eight attribute names
    /// or byte values, Attr0 first; every byte must be one vmsa's modelled
    /// implementation gives a meaning (see `checkAttributes`).
    static func parseMAIR(_ value: JSONValue?, context: String = "layout") throws -> MAIR {
        let mair = try parseMAIRValue(value)
        try checkAttributes(mair)
        return mair
    }

    /// Refuses UNPREDICTABLE bytes and the FEAT_XS (XS=0) encodings: the
    /// implementation vmsa builds for has no FEAT_XS, where those bytes are
    /// UNPREDICTABLE too, and each has an XS=1 byte of the same memory type.
    static func checkAttributes(_ mair: MAIR) throws {
        for (i, a) in mair.attributes.enumerated() {
            if let same = a.withXSOne {
                throw JSONError("layout: \"mair\" Attr\(i) \(a) is \(a.meaning), which vmsa does not model; use \(same) for \(same.meaning)")
            }
            guard a.isDefined else {
                throw JSONError("layout: \"mair\" Attr\(i) \(a) is an \(a.meaning); expected a Device (0b0000dd00) or Normal memory type")
            }
        }
    }

    private static func parseMAIRValue(_ value: JSONValue?) throws -> MAIR {
        let expected = "a hex string such as \"0x000000000044ff04\" or a list of up to 8 attribute names such as [\"device-nGnRnE\", \"normal-wb\"]"
        switch value {
        case .string(let s):
            guard let v = JSONObjectReader.parseUInt64(s) else { throw JSONError("layout: \"mair\" is \"\(s)\"; expected \(expected)") }
            return MAIR(rawValue: v)
        case .array(let items):
            guard items.count <= MAIR.attributeCount else {
                throw JSONError("layout: \"mair\" lists \(items.count) attributes; expected at most \(MAIR.attributeCount)")
            }
            var attributes: [MemoryAttribute] = []
            for (i, item) in items.enumerated() {
                guard case .string(let name) = item, let a = MemoryAttribute(name: name) else {
                    let names = MemoryAttribute.named.map(\.name).joined(separator: ", ")
                    throw JSONError("layout: \"mair\"[\(i)] is \(item.jsonText); expected one of \(names) or a byte such as \"0xff\"")
                }
                attributes.append(a)
            }
            return MAIR(attributes: attributes)
        case nil:
            throw JSONError("layout: \"mair\" is missing; expected \(expected)")
        case .some(let v):
            throw JSONError("layout: \"mair\" is \(v.typeName); expected \(expected)")
        }
    }

    /// One range: `granule`, `vaBits`, `asid`, `hpd`, `tbi`, `e0pd`; at
    /// stage 2 `granule`, `ipaBits`, `vmid` and `startLevel` instead, and
    /// without an ASID or E0PD in the one-level regimes.
    static func half(_ value: JSONValue, context: String, kind: TranslationRegimeKind) throws -> HalfConfiguration {
        var r = try JSONObjectReader(value, context: context)
        let name = try r.string("granule")
        guard let granule = Granule(name: name) else {
            throw JSONError("\(context): \"granule\" is \"\(name)\"; expected \"4k\", \"16k\" or \"64k\"")
        }
        if kind == .s2 {
            let ipaBits = try r.optionalInt("ipaBits", in: Stage2Geometry.minInputBitsTTST...52) ?? 40
            let vmid = try r.optionalInt("vmid", in: 0...Int(UInt16.max)) ?? 0
            let level = try r.optionalInt("startLevel", in: -1...3).map { Level(uncheckedRawValue: $0) }
            try r.finish()
            return HalfConfiguration(granule: granule, vaBits: ipaBits, asid: UInt16(vmid), hpd: true, startLevel: level)
        }
        let vaBits = try r.optionalInt("vaBits", in: Granule.minInputBits...52) ?? 48
        let asid = kind.hasNotGlobal ? try r.optionalInt("asid", in: 0...Int(UInt16.max)) ?? 0 : 0
        let hpd = try r.optionalBool("hpd") ?? false
        let tbi = try r.optionalBool("tbi") ?? false
        let e0pd = kind.hasTwoPrivilegeLevels ? try r.optionalBool("e0pd") ?? false : false
        try r.finish()
        return HalfConfiguration(granule: granule, vaBits: vaBits, asid: UInt16(asid), hpd: hpd, tbi: tbi, e0pd: e0pd)
    }

    /// One mapping: `va` (`ipa` at stage 2), `pa`, `size`, `leaf` and the
    /// regime's leaf keys: stage 1 `attrIndx`, `ap`, `sh`, `af`, `ng`, `pxn`,
    /// `uxn`, `ns`, `gp`, `dbm`; one-level stage 1 `xn` for the single XN
    /// and no `ng` or `pxn`; stage 2 `memAttr`, `s2ap`, `xn` (XN[1:0]), `sh`,
    /// `af`, `dbm`.
    static func mapping(_ value: JSONValue, context: String, kind: TranslationRegimeKind) throws -> MappingRequest {
        var r = try JSONObjectReader(value, context: context)
        let va = try r.hex(kind == .s2 ? "ipa" : "va")
        let pa = try r.hex("pa")
        let size = try r.hex("size")
        var a = MappingAttributes()
        if kind == .s2 {
            var s2 = Stage2MappingAttributes()
            s2.memAttr = try r.optionalInt("memAttr", in: 0...15).map(UInt8.init) ?? s2.memAttr
            s2.s2ap = try r.optionalInt("s2ap", in: 0...3).map { Stage2AccessPermissions(rawValue: UInt64($0))! } ?? s2.s2ap
            s2.xn = try r.optionalInt("xn", in: 0...3).map { Stage2ExecuteNever(rawValue: UInt64($0))! } ?? s2.xn
            a.stage2 = s2
            a.sh = try r.optionalInt("sh", in: 0...3).map { Shareability(rawValue: UInt64($0))! } ?? a.sh
            a.af = try r.optionalBool("af") ?? a.af
            a.dbm = try r.optionalBool("dbm") ?? a.dbm
            let leaf = try r.optionalChoice("leaf", LeafPolicy.allCases.map(\.rawValue)).flatMap(LeafPolicy.init(rawValue:)) ?? .auto
            try r.finish()
            return MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(pa), size: size, attributes: a, leaf: leaf)
        }
        if !kind.hasTwoPrivilegeLevels {
            // AP[1] is RES1 with one Exception level: read/write by default.
            a.ap = .readWrite
            a.uxn = try r.optionalBool("xn") ?? false
        }
        a.attrIndx = try r.optionalInt("attrIndx", in: 0...(MAIR.attributeCount - 1)) ?? a.attrIndx
        a.ap = try r.optionalInt("ap", in: 0...3).map { AccessPermissions(rawValue: UInt64($0))! } ?? a.ap
        a.sh = try r.optionalInt("sh", in: 0...3).map { Shareability(rawValue: UInt64($0))! } ?? a.sh
        a.af = try r.optionalBool("af") ?? a.af
        if kind.hasTwoPrivilegeLevels {
            a.ng = try r.optionalBool("ng") ?? a.ng
            a.pxn = try r.optionalBool("pxn") ?? a.pxn
            a.uxn = try r.optionalBool("uxn") ?? a.uxn
        }
        a.ns = try r.optionalBool("ns") ?? a.ns
        a.gp = try r.optionalBool("gp") ?? a.gp
        a.dbm = try r.optionalBool("dbm") ?? a.dbm
        let leaf = try r.optionalChoice("leaf", LeafPolicy.allCases.map(\.rawValue)).flatMap(LeafPolicy.init(rawValue:)) ?? .auto
        try r.finish()
        return MappingRequest(va: VirtualAddress(va), pa: PhysicalAddress(pa), size: size, attributes: a, leaf: leaf)
    }

    static func table(_ value: JSONValue, context: String) throws -> TableAttributeRequest {
        var r = try JSONObjectReader(value, context: context)
        let va = try r.hex("va")
        let level = try r.int("level", in: -1...2)
        var a = TableAttributes()
        a.apTable = try r.optionalInt("apTable", in: 0...3).map { TableAccessPermissions(rawValue: UInt64($0))! } ?? a.apTable
        a.pxnTable = try r.optionalBool("pxnTable") ?? false
        a.uxnTable = try r.optionalBool("uxnTable") ?? false
        a.nsTable = try r.optionalBool("nsTable") ?? false
        try r.finish()
        return TableAttributeRequest(va: VirtualAddress(va), level: Level(uncheckedRawValue: level), attributes: a)
    }
}
