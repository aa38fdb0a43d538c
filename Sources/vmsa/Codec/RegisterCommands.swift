import VMSA
import ArgumentParser
import VMSAJSON

/// The decode and encode loops every field-table register command shares
/// (VTCR_EL2, HCR_EL2, TCR_EL2, TCR_EL3): values or JSON Lines in, the
/// field table out, with the register's problems and derived keys.
struct RegisterReading<R: SystemRegister> {
    /// Every problem of a value, as sentences.
    var problems: (R) -> [String] = { _ in [] }
    /// Keys computed from the fields, printed by decode and checked by encode.
    var derived: (R) -> [(String, JSONValue)] = { _ in [] }
    /// Lines the text form adds after the fields.
    var extra: (R) -> [String] = { _ in [] }

    func decode(_ values: [String], json: Bool) throws {
        var anyProblem = false
        for text in InputValues.lines(values) {
            let reg = R(rawValue: try InputValues.uint64(text, what: "\(R.name) value"))!
            let found = problems(reg)
            anyProblem = anyProblem || !found.isEmpty
            if json {
                var o = RegisterCodec.object(reg)
                for (k, v) in derived(reg) { o[k] = v }
                o["problems"] = .array(found.map { .string($0) })
                Output.json(.object(o))
            } else {
                Output.line(RegisterCodec.text(reg, extra: extra(reg) + found.map { "  problem: \($0)" }))
            }
        }
        if anyProblem {
            throw CLIError(.checkFailed, "some \(R.name) values have problems " + (json ? "(see \"problems\")" : "(listed above)"))
        }
    }

    /// `encode --json`: the keys decode prints; derived keys must agree.
    func encodeJSON() throws {
        try InputValues.jsonLines { r in
            _ = r.optionalValue("raw")
            _ = r.optionalValue("problems")
            let reg = try RegisterCodec.read(&r, as: R.self)
            for (key, value) in derived(reg) {
                if let claimed = r.optionalValue(key), claimed != value {
                    throw CLIError(.dataError, "\(r.context): \"\(key)\" \(claimed.jsonText) disagrees with the fields, which give \(value.jsonText)")
                }
            }
            try r.finish()
            EncodedValue.print(reg.rawValue, json: true)
        }
    }

    /// `encode --field KEY=VALUE…`: RES1 bits start set, the rest 0; the
    /// result's problems are warnings.
    func encodeFields(_ assignments: [String]) throws {
        var reg = R(rawValue: R.res1Mask)!
        try RegisterCodec.assign(assignments, to: &reg)
        for p in problems(reg) { Output.warning(p) }
        EncodedValue.print(reg.rawValue, json: false)
    }
}

/// `--json` and `--field`, shared by the field-table registers' encoders.
struct FieldEncodeOptions: ParsableArguments {
    @Flag(help: "Read JSON Lines (the keys the decode command prints with --json) from standard input; print one {\"raw\":\"0x…\"} object per value.") var json = false
    @Option(name: .customLong("field"), help: "A field by its key, KEY=VALUE (decimal unless 0x).") var fields: [String] = []

    func validate() throws {
        if json { try JSONInputOptions.refuse([(!fields.isEmpty, "--field")]) }
    }

    func encode<R>(_ reading: RegisterReading<R>) throws {
        if json { return try reading.encodeJSON() }
        try reading.encodeFields(fields)
    }
}
