import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct TCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcr", abstract: "Decode or encode TCR_EL1, or TCR_EL2/TCR_EL3 with --regime.", subcommands: [Decode.self, Encode.self])

    /// TCR_EL2 without VHE and TCR_EL3 have one range and the same fields.
    static func singleRange<R: SingleRangeTCR>(_: R.Type) -> RegisterReading<R> {
        RegisterReading(
            problems: { $0.problems.map(\.description) },
            derived: { t in [("granule", t.granule.map { .string($0.name) } ?? .null), ("vaBits", .int(t.inputBits)),
                             ("paBits", t.physicalAddressSize.map { .int($0.bits) } ?? .null)] },
            extra: { t in
                let pa = t.physicalAddressSize.map { "\($0.bits)-bit PA (PS)" } ?? "reserved PS"
                guard let g = t.granule else { return ["  TTBR0: reserved granule, \(pa)"] }
                return ["  TTBR0: \(g) granule, \(t.inputBits)-bit VA, \(pa)"]
            })
    }

    /// `--regime`: which TCR the value is. EL2&0 (E2H=1) has TCR_EL1's layout.
    struct RegimeOption: ParsableArguments {
        @Option(help: "el10 or el20: the TCR_EL1 layout; el2: TCR_EL2 without VHE; el3: TCR_EL3 (default: el10).")
        var regime: TranslationRegimeKind = .el10

        func validate() throws {
            if regime == .s2 { throw ValidationError("--regime s2 has no TCR: stage 2 is controlled by VTCR_EL2 (vmsa vtcr)") }
        }
    }

    /// Fields derived from the raw value, printed with the fields and
    /// accepted back by `encode --json` (they must agree). A half whose TxSZ
    /// its granule does not support has no range: every access faults.
    static func derived(_ tcr: TCR) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        for half in TranslationTableBase.allCases {
            let n = half.rawValue
            out.append(("granule\(n)", tcr.granule(half).map { .string($0.name) } ?? .null))
            out.append(("vaBits\(n)", .int(tcr.inputBits(half))))
            let range = tcr.vaRange(half)
            out.append(("ttbr\(n)Range", tcr.inputSizeSupported(half) ? .array([.hex(range.lowerBound), .hex(range.upperBound)]) : .null))
            out.append(("outputBits\(n)", outputBits(tcr, half).map { .int($0) } ?? .null))
        }
        out.append(("paBits", tcr.physicalAddressSize.map { .int($0.bits) } ?? .null))
        return out
    }

    /// The output size a half's walks produce: IPS capped by what its
    /// descriptors hold (48 bits for 4K/16K without DS); nil for a reserved
    /// TGx or IPS.
    static func outputBits(_ tcr: TCR, _ half: TranslationTableBase) -> Int? {
        guard let g = tcr.granule(half), let ips = tcr.physicalAddressSize else { return nil }
        return RegimeHalf.outputBits(granule: g, ds: tcr.ds, paBits: ips.bits)
    }

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Decode TCR_EL1 values field by field.")
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "TCR_EL1 values; standard input when none.") var values: [String] = []
        @OptionGroup var regime: RegimeOption

        func execute() throws {
            switch regime.regime {
            case .el2: return try TCRCommand.singleRange(TCREL2.self).decode(values, json: json)
            case .el3: return try TCRCommand.singleRange(TCREL3.self).decode(values, json: json)
            case .el10, .el20, .s2: break
            }
            var anyProblem = false
            for text in InputValues.lines(values) {
                let tcr = TCR(rawValue: try InputValues.uint64(text, what: "TCR_EL1 value"))
                let problems = tcr.problems.map(\.description)
                anyProblem = anyProblem || !problems.isEmpty
                if json {
                    var o = RegisterCodec.object(tcr)
                    for (k, v) in TCRCommand.derived(tcr) { o[k] = v }
                    o["problems"] = .array(problems.map { .string($0) })
                    Output.json(.object(o))
                } else {
                    var extra: [String] = []
                    for half in TranslationTableBase.allCases {
                        let state = tcr.walksDisabled(half) ? "walks disabled (EPD\(half.rawValue)=1)" : "walks enabled"
                        let output = TCRCommand.outputBits(tcr, half).map { "\($0)-bit output" } ?? "reserved output size"
                        if let g = tcr.granule(half), tcr.inputSizeSupported(half) {
                            let range = tcr.vaRange(half)
                            let start = g.startLevel(inputBits: tcr.inputBits(half))
                            extra.append("  \(half): \(g) granule, \(tcr.inputBits(half))-bit VA \(Hex.format(range.lowerBound))-\(Hex.format(range.upperBound)), start at \(start), \(output), \(state)")
                        } else if let g = tcr.granule(half) {
                            extra.append("  \(half): \(g) granule, T\(half.rawValue)SZ=\(tcr.txsz(half)) out of range (no VA range), \(output), \(state)")
                        } else {
                            extra.append("  \(half): reserved granule, \(state)")
                        }
                    }
                    extra.append("  PA size (IPS): " + (tcr.physicalAddressSize.map { "\($0.bits) bits" } ?? "reserved"))
                    extra += problems.map { "  problem: \($0)" }
                    Output.line(RegisterCodec.text(tcr, extra: extra))
                }
            }
            if anyProblem {
                throw CLIError(.checkFailed, json ? "some TCR_EL1 values have problems (see \"problems\")" : "some TCR_EL1 values have problems (listed above)")
            }
        }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode TCR_EL1 from fields.",
            discussion: "Fields not given are 0. TG0 and TG1 take granule names and are encoded differently (TG0 00=4K 01=64K 10=16K; TG1 01=16K 10=4K 11=64K).")
        @Flag(help: "Read JSON Lines (the keys `tcr decode --json` prints) from standard input; print one {\"raw\":\"0x…\"} object per value.") var json = false
        @Option(help: "TTBR0 granule.") var tg0: GranuleArgument?
        @Option(help: "TTBR1 granule.") var tg1: GranuleArgument?
        @Option(name: .customLong("va-bits0"), help: "TTBR0 VA size in bits (sets T0SZ = 64 - bits).") var vaBits0: Int?
        @Option(name: .customLong("va-bits1"), help: "TTBR1 VA size in bits (sets T1SZ = 64 - bits).") var vaBits1: Int?
        @Option(name: .customLong("pa-bits"), help: "Physical address size (sets IPS): 32, 36, 40, 42, 44, 48, 52.") var paBits: Int?
        @Option(name: .customLong("field"), help: "Any field by its key, KEY=VALUE (e.g. sh0=3, tbi0=1, t0sz=16).") var fields: [String] = []
        @OptionGroup var regime: RegimeOption

        /// The options that set a field, by spelling, with the field each sets.
        private var fieldOptions: [(option: String, given: Bool, field: RegisterField)] {
            [("--tg0", tg0 != nil, TCR.Field.tg0), ("--tg1", tg1 != nil, TCR.Field.tg1),
             ("--va-bits0", vaBits0 != nil, TCR.Field.t0sz), ("--va-bits1", vaBits1 != nil, TCR.Field.t1sz),
             ("--pa-bits", paBits != nil, TCR.Field.ips)]
        }

        /// Options that would set the same field twice, or that --json input
        /// would ignore, are usage errors naming the option.
        func validate() throws {
            if regime.regime == .el2 || regime.regime == .el3, let first = fieldOptions.first(where: \.given) {
                throw ValidationError("\(first.option) sets a TCR_EL1 field; with --regime \(regime.regime.rawValue) give fields as --field KEY=VALUE (t0sz, tg0, ps, …)")
            }
            if json {
                try JSONInputOptions.refuse(fieldOptions.map { ($0.given, $0.option) } + [(!fields.isEmpty, "--field")])
                return
            }
            var named: [String: String] = [:]
            for o in fieldOptions where o.given { named[o.field.key] = o.option }
            for assignment in fields {
                let key = assignment.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                guard let field = TCR.field(named: key) else { continue }
                if let earlier = named[field.key] {
                    throw ValidationError("--field \(assignment) conflicts with \(earlier): both set \(field.armName)")
                }
                named[field.key] = "--field \(assignment)"
            }
        }

        func execute() throws {
            switch regime.regime {
            case .el2:
                let reading = TCRCommand.singleRange(TCREL2.self)
                return try json ? reading.encodeJSON() : reading.encodeFields(fields)
            case .el3:
                let reading = TCRCommand.singleRange(TCREL3.self)
                return try json ? reading.encodeJSON() : reading.encodeFields(fields)
            case .el10, .el20, .s2: break
            }
            if json {
                try InputValues.jsonLines { r in
                    _ = r.optionalValue("raw")
                    _ = r.optionalValue("problems")
                    let tcr: TCR = try RegisterCodec.read(&r, as: TCR.self)
                    // Derived keys must agree with the fields they come from.
                    for (key, value) in TCRCommand.derived(tcr) {
                        if let claimed = r.optionalValue(key), claimed != value {
                            throw CLIError(.dataError, "\(r.context): \"\(key)\" \(claimed.jsonText) disagrees with the fields, which give \(value.jsonText)")
                        }
                    }
                    try r.finish()
                    EncodedValue.print(tcr.rawValue, json: true)
                }
                return
            }
            var tcr = TCR(rawValue: 0)
            if let tg0 { tcr[TCR.Field.tg0] = tg0.granule.tg0 }
            if let tg1 { tcr[TCR.Field.tg1] = tg1.granule.tg1 }
            if let vaBits0 { tcr[TCR.Field.t0sz] = try txsz(vaBits0, "--va-bits0") }
            if let vaBits1 { tcr[TCR.Field.t1sz] = try txsz(vaBits1, "--va-bits1") }
            if let paBits {
                guard let ips = PhysicalAddressSize(bits: paBits) else { throw CLIError(.usage, VMSAError.unsupportedPASize(paBits).description) }
                tcr[TCR.Field.ips] = ips.rawValue
            }
            try RegisterCodec.assign(fields, to: &tcr)
            for p in tcr.problems { Output.warning(p.description) }
            EncodedValue.print(tcr.rawValue, json: false)
        }

        private func txsz(_ bits: Int, _ option: String) throws -> UInt64 {
            guard (1...64).contains(bits) else { throw CLIError(.usage, "\(option) \(bits) is not a VA size; expected 25 to 52") }
            return UInt64(64 - bits)
        }
    }
}
