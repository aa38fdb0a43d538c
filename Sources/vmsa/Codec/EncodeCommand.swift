import ArgumentParser
import VMSA
import VMSAJSON

struct EncodeCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a descriptor from its fields (stage 1 of any regime, or stage 2 with --regime s2).",
        discussion: """
            With --json, reads JSON Lines with the keys `vmsa decode --json` prints and prints one object
            {"raw":"0x…"} per line, so `vmsa decode --json … | vmsa encode --json` gives back each "raw".
            A result with architectural problems (illegal block level, misaligned output address, …)
            is refused with exit status 65 unless --force is given, or unless the JSON input lists
            exactly those problems in "problems" (as decode --json does), so that any decoded value
            round-trips; the problems are then printed as warnings.
            """)

    @OptionGroup var format: FormatOptions

    @Flag(help: "Read JSON Lines descriptors from standard input; print one {\"raw\":\"0x…\"} object per value.")
    var json = false

    @Flag(help: "Print the value even when it has architectural problems.")
    var force = false

    @Option(name: .customLong("kind"), help: "The descriptor kind (default: page).")
    var kindArgument: DescriptorKind?
    var kind: DescriptorKind { kindArgument ?? .page }

    @Option(name: [.customLong("oa"), .customLong("output-address")], help: "Output address of a block or page.")
    var outputAddress: String?

    @Option(name: .customLong("next-table"), help: "Next-level table address of a table descriptor.")
    var nextTable: String?

    // Optional, so that an option given for a kind it does not belong to is
    // refused instead of dropped; nil is 0.
    @Option(name: .customLong("attr-indx"), help: "AttrIndx, 0 to 7.") var attrIndx: Int?
    @Option(help: "AP[2:1], 0 to 3: 0 EL1 RW, 1 EL1+EL0 RW, 2 EL1 RO, 3 EL1+EL0 RO.") var ap: Int?
    @Option(help: "SH[1:0], 0 to 3: 0 non-shareable, 2 outer, 3 inner.") var sh: Int?
    @Option(help: "Software bits [58:55], 0 to 15.") var software: Int?
    @Option(help: "PBHA [62:59], 0 to 15.") var pbha: Int?
    @Option(name: .customLong("ap-table"), help: "APTable, 0 to 3.") var apTable: Int?
    @Flag(help: "NS [5].") var ns = false
    @Flag(help: "AF [10].") var af = false
    @Flag(help: "nG [11].") var ng = false
    @Flag(help: "nT [16] (blocks).") var nt = false
    @Flag(help: "GP [50].") var gp = false
    @Flag(help: "DBM [51].") var dbm = false
    @Flag(help: "Contiguous [52].") var contiguous = false
    @Flag(help: "PXN [53].") var pxn = false
    @Flag(help: "UXN [54].") var uxn = false
    @Flag(name: .customLong("pxn-table"), help: "PXNTable [59].") var pxnTable = false
    @Flag(name: .customLong("uxn-table"), help: "UXNTable [60].") var uxnTable = false
    @Flag(name: .customLong("ns-table"), help: "NSTable [63].") var nsTable = false
    @Option(name: .customLong("mem-attr"), help: "Stage 2: MemAttr [5:2], 0 to 15 (e.g. 15 Normal WB, 1 Device-nGnRE; with --fwb 6 forces WB).") var memAttr: Int?
    @Option(help: "Stage 2: S2AP [7:6], 0 to 3: 0 none, 1 read-only, 2 write-only, 3 read/write.") var s2ap: Int?
    @Option(help: "EL2/EL3: XN [54], 0 or 1; stage 2: XN[1:0] [54:53], 0 to 3.") var xn: Int?

    private var regime: TranslationRegimeKind { format.effectiveRegime }

    /// Each field option by its spelling, whether it was given, and the
    /// descriptor kinds that have the field.
    private var fieldOptions: [(option: String, given: Bool, kinds: Set<DescriptorKind>)] {
        let leaf: Set<DescriptorKind> = [.block, .page]
        return [
            ("--oa", outputAddress != nil, leaf), ("--attr-indx", attrIndx != nil, leaf), ("--ap", ap != nil, leaf),
            ("--sh", sh != nil, leaf), ("--software", software != nil, leaf), ("--pbha", pbha != nil, leaf),
            ("--ns", ns, leaf), ("--af", af, leaf), ("--ng", ng, leaf), ("--nt", nt, [.block]), ("--gp", gp, leaf),
            ("--dbm", dbm, leaf), ("--contiguous", contiguous, leaf), ("--pxn", pxn, leaf), ("--uxn", uxn, leaf),
            ("--next-table", nextTable != nil, [.table]), ("--ap-table", apTable != nil, [.table]),
            ("--pxn-table", pxnTable, [.table]), ("--uxn-table", uxnTable, [.table]), ("--ns-table", nsTable, [.table]),
            ("--mem-attr", memAttr != nil, leaf), ("--s2ap", s2ap != nil, leaf), ("--xn", xn != nil, leaf),
        ]
    }

    /// Options that name a field the regime does not have: stage 1's
    /// attributes at stage 2, nG/PXN/UXN in the one-EL regimes (which have
    /// `--xn`), and stage 2's in stage 1.
    private func refusedByRegime(_ option: String) -> String? {
        let stage1Only: Set = ["--attr-indx", "--ap", "--ns", "--ng", "--gp", "--pxn", "--uxn", "--ap-table", "--pxn-table", "--uxn-table", "--ns-table"]
        // Each test names its regimes: a `case a, b where …` guards only b.
        let stage2Only = option == "--mem-attr" || option == "--s2ap"
        if regime == .s2, stage1Only.contains(option) {
            return "\(option) sets a stage-1 field; stage-2 descriptors have --mem-attr, --s2ap, --sh, --af, --xn, --dbm, --contiguous, --software"
        }
        if !regime.hasTwoPrivilegeLevels, regime.stage == 1, ["--ng", "--pxn", "--uxn", "--pxn-table"].contains(option) {
            return "\(option) does not apply in \(regime): it has one Exception level (nG, PXN and PXNTable are RES0; bit 54 is --xn)"
        }
        if regime.hasTwoPrivilegeLevels, option == "--xn" {
            return "--xn applies to the EL2, EL3 and stage-2 regimes; \(regime) has --pxn and --uxn"
        }
        if regime.stage == 1, stage2Only {
            return "\(option) sets a stage-2 field; it applies only with --regime s2"
        }
        return nil
    }

    /// An option that does not apply, or conflicts, is a usage error naming
    /// it rather than an option silently dropped.
    func validate() throws {
        if json {
            let given = (kindArgument != nil ? ["--kind"] : []) + fieldOptions.filter(\.given).map(\.option) + format.given
            if let first = given.first {
                throw ValidationError("\(first) does not apply with --json: each JSON line carries its own kind, fields and format")
            }
            return
        }
        if let refusal = fieldOptions.filter(\.given).lazy.compactMap({ self.refusedByRegime($0.option) }).first {
            throw ValidationError(refusal)
        }
        for o in fieldOptions where o.given && !o.kinds.contains(kind) {
            if o.option == "--nt" && kind == .page {
                throw ValidationError("--nt does not apply to a page descriptor: nT [16] exists only in block descriptors")
            }
            let owners = o.kinds == [.table] ? "table" : o.kinds == [.block] ? "block" : "block and page"
            throw ValidationError("\(o.option) does not apply to \(kind == .invalid ? "an" : "a") \(kind.rawValue) descriptor; it sets a field of \(owners) descriptors")
        }
        if sh != nil, format.ds, format.granule != .k64 {
            throw ValidationError("--sh does not apply with --ds: bits [9:8] hold OA[51:50] and shareability comes from TCR_EL1.SHx")
        }
    }

    func execute() throws {
        if json {
            try InputValues.jsonLines { r in
                let regime = try DescriptorJSON.regime(&r, fallback: .el10)
                if regime == .s2 {
                    let (fields, header, features) = try Stage2JSON.fields(&r, defaults: format)
                    EncodedValue.print(try encode(fields, level: header.level, format: header.format, features: features,
                                                  acknowledged: header.acknowledged), json: true)
                } else {
                    let (fields, level, format, acknowledged) = try DescriptorJSON.fields(&r, defaults: format, regime: regime)
                    EncodedValue.print(try encode(fields, level: level, format: format, regime: regime, acknowledged: acknowledged), json: true)
                }
            }
        } else {
            let (resolved, level) = try format.resolved()
            if regime == .s2 {
                EncodedValue.print(try encode(try stage2FieldsFromOptions(format: resolved), level: level, format: resolved,
                                              features: format.stage2Features), json: false)
            } else {
                EncodedValue.print(try encode(try fieldsFromOptions(format: resolved), level: level, format: resolved, regime: regime), json: false)
            }
        }
    }

    /// Encodes and checks the result. A value with problems is refused unless
    /// --force is given or the input listed exactly those problems (as
    /// `decode --json` does), in which case they become warnings.
    private func encode(_ fields: DescriptorFields, level: Level, format: DescriptorFormat, regime: TranslationRegimeKind,
                        acknowledged: [String] = []) throws -> UInt64 {
        try fields.validate(level: level, format: format, regime: regime)
        let raw = fields.encode(format: format)
        return try accepted(raw, level: level, problems: Descriptor(rawValue: raw).problems(at: level, format: format, regime: regime),
                            acknowledged: acknowledged)
    }

    private func encode(_ fields: Stage2Fields, level: Level, format: DescriptorFormat, features: Stage2Features,
                        acknowledged: [String] = []) throws -> UInt64 {
        try fields.validate(level: level, format: format)
        let raw = fields.encode(format: format)
        return try accepted(raw, level: level, problems: Descriptor(rawValue: raw).stage2Problems(at: level, format: format, features: features),
                            acknowledged: acknowledged)
    }

    private func accepted(_ raw: UInt64, level: Level, problems: [DescriptorProblem], acknowledged: [String]) throws -> UInt64 {
        if !problems.isEmpty, force || problems.map(\.description) == acknowledged {
            for p in problems { Output.warning("\(Hex.format(raw)): \(p)") }
        } else if let first = problems.first {
            throw CLIError(.dataError, "\(Hex.format(raw)) at \(level) has a problem: \(first) (use --force to print it anyway)")
        }
        return raw
    }

    private func ranged(_ name: String, _ given: Int?, _ max: Int) throws -> Int {
        let v = given ?? 0
        guard (0...max).contains(v) else { throw CLIError(.usage, "--\(name) \(v) is out of range; expected 0 to \(max)") }
        return v
    }

    /// The next-table or output address the kind needs (`--next-table`, `--oa`).
    private func requiredAddress() throws -> UInt64 {
        if kind == .table {
            guard let nextTable else { throw CLIError(.usage, "a table descriptor needs --next-table") }
            return try InputValues.uint64(nextTable, what: "next-table address")
        }
        guard let outputAddress else { throw CLIError(.usage, "a \(kind.rawValue) descriptor needs --oa") }
        return try InputValues.uint64(outputAddress, what: "output address")
    }

    private func stage2FieldsFromOptions(format: DescriptorFormat) throws -> Stage2Fields {
        var f = Stage2Fields(kind: kind)
        switch kind {
        case .invalid, .reserved:
            break
        case .table:
            f.nextTable = try requiredAddress()
        case .block, .page:
            f.outputAddress = try requiredAddress()
            f.memAttr = UInt8(try ranged("mem-attr", memAttr, 15))
            f.s2ap = Stage2AccessPermissions(rawValue: UInt64(try ranged("s2ap", s2ap, 3)))!
            f.sh = Shareability(rawValue: UInt64(try ranged("sh", sh, 3)))!
            f.af = af
            f.nT = nt
            f.dbm = dbm
            f.contiguous = contiguous
            f.xn = Stage2ExecuteNever(rawValue: UInt64(try ranged("xn", xn, 3)))!
            f.software = UInt8(try ranged("software", software, 15))
            f.pbha = UInt8(try ranged("pbha", pbha, 15))
        }
        return f
    }

    private func fieldsFromOptions(format: DescriptorFormat) throws -> DescriptorFields {
        var f = DescriptorFields(kind: kind)
        switch kind {
        case .invalid, .reserved:
            break
        case .table:
            f.nextTable = try requiredAddress()
            f.pxnTable = pxnTable
            f.uxnTable = uxnTable
            f.apTable = TableAccessPermissions(rawValue: UInt64(try ranged("ap-table", apTable, 3)))!
            f.nsTable = nsTable
        case .block, .page:
            f.outputAddress = try requiredAddress()
            f.attrIndx = UInt8(try ranged("attr-indx", attrIndx, 7))
            f.ns = ns
            f.ap = AccessPermissions(rawValue: UInt64(try ranged("ap", ap, 3)))!
            f.sh = Shareability(rawValue: UInt64(try ranged("sh", sh, 3)))!
            f.af = af
            f.nG = ng
            f.nT = nt
            f.gp = gp
            f.dbm = dbm
            f.contiguous = contiguous
            f.pxn = pxn
            f.uxn = uxn || xn == 1
            if let xn, !(0...1).contains(xn) { throw CLIError(.usage, "--xn \(xn) is out of range; expected 0 or 1 (the single XN bit of \(regime))") }
            f.software = UInt8(try ranged("software", software, 15))
            f.pbha = UInt8(try ranged("pbha", pbha, 15))
        }
        return f
    }
}
