import VMSA
import VMSAJSON

/// Decoding and encoding any `SystemRegister` through its field table: the
/// JSON object (field keys → numbers/booleans/hex) and the text table.
enum RegisterCodec {
    static func value(_ field: RegisterField, _ v: UInt64) -> JSONValue {
        switch field.presentation {
        case .flag: .bool(v != 0)
        case .number: .int(v)
        case .hex: .hex(v)
        }
    }

    /// The key of the bits no field names: "res0", or "other" where they
    /// are fields this model leaves unnamed (HCR_EL2).
    static func unnamedKey<R: SystemRegister>(_: R.Type) -> String { R.unnamedBitsAreRES0 ? "res0" : "other" }

    static func object<R: SystemRegister>(_ reg: R) -> JSONObject {
        var o = JSONObject([("raw", .hex(reg.rawValue))])
        for f in R.fields { o[f.key] = value(f, reg[f]) }
        o[unnamedKey(R.self)] = .hex(reg.rawValue & R.unnamedMask)
        // RES1 bits that are clear, so that such a value round-trips.
        if R.res1Mask != 0 { o["res1Clear"] = .hex(reg.res1Clear) }
        return o
    }

    /// Reads field keys into a register; `skip` lists derived keys the caller
    /// reads itself.
    static func read<R: SystemRegister>(_ r: inout JSONObjectReader, as: R.Type) throws -> R {
        // RES1 bits start set; "res1Clear" names those a value has clear.
        var reg = R(rawValue: R.res1Mask)!
        for f in R.fields {
            switch f.presentation {
            case .flag:
                if let b = try r.optionalBool(f.key) { reg[f] = b ? 1 : 0 }
            case .number:
                if let n = try r.optionalInt(f.key, in: 0...Int(f.bits.maxValue)) { reg[f] = UInt64(n) }
            case .hex:
                if let n = try r.optionalHex(f.key) {
                    guard f.bits.fits(n) else {
                        throw CLIError(.dataError, "\(r.context): \"\(f.key)\" \(Hex.short(n)) does not fit \(f.armName)\(f.bits)")
                    }
                    reg[f] = n
                }
            }
        }
        let key = unnamedKey(R.self)
        if let res0 = try r.optionalHex(key) {
            guard res0 & ~R.unnamedMask == 0 else {
                throw CLIError(.dataError, "\(r.context): \"\(key)\" \(Hex.short(res0)) sets bits that belong to named fields")
            }
            reg = R(rawValue: reg.rawValue | res0)!
        }
        if R.res1Mask != 0, let clear = try r.optionalHex("res1Clear") {
            guard clear & ~R.res1Mask == 0 else {
                throw CLIError(.dataError, "\(r.context): \"res1Clear\" \(Hex.short(clear)) names bits that are not RES1 in \(R.name); expected bits of \(Hex.short(R.res1Mask))")
            }
            reg = R(rawValue: reg.rawValue & ~clear)!
        }
        return reg
    }

    static func text<R: SystemRegister>(_ reg: R, extra: [String] = []) -> String {
        var out = "\(R.name) = \(Hex.format(reg.rawValue))"
        for f in R.fields {
            let v = reg[f]
            let shown: String
            switch f.presentation {
            case .flag: shown = v != 0 ? "1" : "0"
            case .number: shown = String(v)
            case .hex: shown = Hex.short(v)
            }
            out += "\n  " + pad(f.armName, 13) + pad(f.bits.description, 9) + pad(shown, 8) + f.summary
        }
        let res0 = reg.rawValue & R.unnamedMask
        if res0 != 0 { out += "\n  \(R.unnamedBitsAreRES0 ? "RES0" : "other") bits set: \(Hex.short(res0))" }
        if R.res1Mask != 0 { out += "\n  RES1 bits \(Hex.short(R.res1Mask)): " + (reg.res1Clear == 0 ? "set" : "\(Hex.short(reg.res1Clear)) clear") }
        for line in extra { out += "\n" + line }
        return out
    }

    /// Applies `--field KEY=VALUE` assignments (values decimal unless 0x).
    static func assign<R: SystemRegister>(_ assignments: [String], to reg: inout R) throws {
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let field = R.field(named: parts[0]) else {
                throw CLIError(.usage, "--field \"\(assignment)\" is not KEY=VALUE with a \(R.name) field key (\(R.fields.map(\.key).joined(separator: ", ")))")
            }
            guard let v = Hex.parseNumber(parts[1]) else {
                throw CLIError(.usage, "--field \"\(assignment)\": \(field.armName) value \"\(parts[1])\" is not a decimal or 0x hex number")
            }
            guard field.bits.fits(v) else {
                throw VMSAError.fieldOutOfRange(name: field.armName, value: v, max: field.bits.maxValue)
            }
            reg[field] = v
        }
    }

    static func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
