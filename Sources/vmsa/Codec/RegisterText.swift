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

    static func object<R: SystemRegister>(_ reg: R) -> JSONObject {
        var o = JSONObject([("raw", .hex(reg.rawValue))])
        for f in R.fields { o[f.key] = value(f, reg[f]) }
        o["res0"] = .hex(reg.rawValue & R.unnamedMask)
        return o
    }

    /// Reads field keys into a register; `skip` lists derived keys the caller
    /// reads itself.
    static func read<R: SystemRegister>(_ r: inout JSONObjectReader, as: R.Type) throws -> R {
        var reg = R(rawValue: 0)!
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
        if let res0 = try r.optionalHex("res0") {
            guard res0 & ~R.unnamedMask == 0 else {
                throw CLIError(.dataError, "\(r.context): \"res0\" \(Hex.short(res0)) sets bits that belong to named fields")
            }
            reg = R(rawValue: reg.rawValue | res0)!
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
        if res0 != 0 { out += "\n  RES0 bits set: \(Hex.short(res0))" }
        for line in extra { out += "\n" + line }
        return out
    }

    static func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(1, w - s.count)) }
}
