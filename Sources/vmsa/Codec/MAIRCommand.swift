import ArgumentParser
import VMSA
import VMSAJSON

struct MAIRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mair", abstract: "Decode or encode MAIR_EL1.", subcommands: [Decode.self, Encode.self])

    static let names = MemoryAttribute.named.map(\.name).joined(separator: ", ")

    struct Decode: VMSASubcommand {
        static let configuration = CommandConfiguration(abstract: "Decode MAIR_EL1 values into their eight attributes.")
        @Flag(help: "Print one JSON object per value.") var json = false
        @Argument(help: "MAIR_EL1 values; standard input when none.") var values: [String] = []

        func execute() throws {
            for text in InputValues.lines(values) {
                let mair = MAIR(rawValue: try InputValues.uint64(text, what: "MAIR_EL1 value"))
                if json {
                    let attrs: [JSONValue] = mair.attributes.enumerated().map { i, a in
                        .object(JSONObject([
                            ("index", .int(i)), ("value", .hex(UInt64(a.rawValue), digits: 2)),
                            ("name", a.name.map { .string($0) } ?? .null), ("meaning", .string(a.meaning)),
                        ]))
                    }
                    Output.json([("raw", .hex(mair.rawValue)), ("attributes", .array(attrs))])
                } else {
                    var out = "MAIR_EL1 = \(mair)"
                    for (i, a) in mair.attributes.enumerated() {
                        let linux = MAIR.linuxMemoryType(i) ?? ""
                        let bits = "[\(8 * i + 7):\(8 * i)]"
                        out += "\n  Attr\(i) " + RegisterCodec.pad(bits, 8) + "\(a)  " + RegisterCodec.pad(a.name ?? "", 15)
                            + a.meaning + (linux.isEmpty ? "" : "  (\(linux))")
                    }
                    Output.line(out)
                }
            }
        }
    }

    struct Encode: VMSASubcommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode MAIR_EL1 from up to eight attributes, Attr0 first.",
            discussion: "Each attribute is a name (\(MAIRCommand.names)) or a byte value such as 0xff.")
        @Flag(help: "Read JSON Lines (the keys `mair decode --json` prints) from standard input; print one {\"raw\":\"0x…\"} object per value.") var json = false
        @Argument(help: "Attributes, Attr0 first.") var attributes: [String] = []

        func execute() throws {
            if json {
                try InputValues.jsonLines { r in
                    _ = r.optionalValue("raw")
                    let list = try r.optionalArray("attributes") ?? []
                    try r.finish()
                    guard list.count <= MAIR.attributeCount else {
                        throw CLIError(.dataError, "\(r.context): \(list.count) attributes; MAIR_EL1 holds \(MAIR.attributeCount)")
                    }
                    var mair = MAIR(rawValue: 0)
                    for (i, item) in list.enumerated() {
                        var a = try JSONObjectReader(item, context: "\(r.context) attribute \(i)")
                        let index = try a.optionalInt("index", in: 0...7) ?? i
                        let value = try a.hex("value")
                        _ = a.optionalValue("name")
                        _ = a.optionalValue("meaning")
                        try a.finish()
                        guard value <= UInt64(UInt8.max) else {
                            throw CLIError(.dataError, "\(a.context): value \(Hex.short(value)) is not a byte")
                        }
                        mair[index] = MemoryAttribute(rawValue: UInt8(value))
                    }
                    EncodedValue.print(mair.rawValue, json: true)
                }
                return
            }
            guard attributes.count <= MAIR.attributeCount else {
                throw CLIError(.usage, "\(attributes.count) attributes given; MAIR_EL1 holds \(MAIR.attributeCount)")
            }
            let attrs = try attributes.map { text -> MemoryAttribute in
                guard let a = MemoryAttribute(name: text) else {
                    throw CLIError(.dataError, "attribute \"\(text)\" is neither a name (\(MAIRCommand.names)) nor a byte value")
                }
                if !a.isDefined { Output.warning("attribute \(a) is \(a.meaning)") }
                return a
            }
            EncodedValue.print(MAIR(attributes: attrs).rawValue, json: false)
        }
    }
}
