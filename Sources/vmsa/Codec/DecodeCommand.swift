import ArgumentParser
import VMSA
import VMSAJSON

struct DecodeCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode descriptors field by field (stage 1 of any regime, or stage 2 with --regime s2).",
        discussion: "Values come as arguments or, when none are given, one per line on standard input. Exit status 1 when a value has problems.")

    @OptionGroup var format: FormatOptions

    @Flag(help: "Print one JSON object per value (JSON Lines).")
    var json = false

    @Argument(help: "Raw descriptor values, hex (the 0x is optional).")
    var values: [String] = []

    @Option(help: "Decode a whole table page from FILE: raw little-endian words, or a hexdump (od -t x8, devmem, xxd); one line per valid entry with its index.")
    var file: String?

    @Option(help: "Also read each value as this kernel's arm64 page-table code means it (PROT_NONE, swap, migration, markers): \(LinuxReading.versions.joined(separator: ", ")).")
    var linux: String?

    func validate() throws {
        if file != nil, !values.isEmpty { throw ValidationError("--file decodes a table page; drop the values given as arguments") }
        if let linux { _ = try LinuxReading.version(linux) }
        if format.effectiveRegime != .el10, let option = file != nil ? "--file" : linux != nil ? "--linux" : nil {
            throw ValidationError("\(option) reads EL1&0 descriptors; it does not apply with --regime \(format.effectiveRegime.rawValue)")
        }
    }

    /// One value read in the regime the options name.
    private func problems(_ raw: UInt64, level: Level, format: DescriptorFormat) -> [DescriptorProblem] {
        let regime = self.format.effectiveRegime
        if regime == .s2 { return Descriptor(rawValue: raw).stage2Problems(at: level, format: format, features: self.format.stage2Features) }
        return Descriptor(rawValue: raw).problems(at: level, format: format, regime: regime)
    }

    private func object(_ raw: UInt64, level: Level, format: DescriptorFormat) -> JSONValue {
        let regime = self.format.effectiveRegime
        if regime == .s2 { return Stage2JSON.object(raw: raw, level: level, format: format, features: self.format.stage2Features) }
        return DescriptorJSON.object(raw: raw, level: level, format: format, regime: regime)
    }

    private func rendered(_ raw: UInt64, level: Level, format: DescriptorFormat) -> String {
        let regime = self.format.effectiveRegime
        if regime == .s2 { return Stage2Text.render(raw: raw, level: level, format: format, features: self.format.stage2Features) }
        return DescriptorText.render(raw: raw, level: level, format: format, regime: regime)
    }

    func execute() throws {
        let (format, level) = try format.resolved()
        let linuxVersion = try linux.map(LinuxReading.version)
        if let file { return try decodePage(file, format: format, level: level) }
        var anyProblem = false
        for text in InputValues.lines(values) {
            let raw = try InputValues.uint64(text, what: "descriptor")
            anyProblem = anyProblem || !problems(raw, level: level, format: format).isEmpty
            if json {
                var value = object(raw, level: level, format: format)
                if let linuxVersion, case .object(var o) = value {
                    o["linux"] = .object(JSONObject(LinuxReading.fields(raw, version: linuxVersion, level: level)))
                    value = .object(o)
                }
                Output.json(value)
            } else {
                Output.line(rendered(raw, level: level, format: format))
                if let linuxVersion { Output.line(LinuxReading.text(raw, version: linuxVersion, level: level)) }
            }
        }
        if anyProblem { throw CLIError(.checkFailed, json ? "some descriptors have problems (see \"problems\")" : "some descriptors have problems (listed above)") }
    }

    /// Every valid entry of a table page, one line (or JSON object) each.
    func decodePage(_ path: String, format: DescriptorFormat, level: Level) throws {
        var anyProblem = false
        for (i, raw) in try TablePageFile.words(path: path).enumerated() where raw & Descriptor.Bits.valid.mask != 0 {
            anyProblem = anyProblem || !Descriptor(rawValue: raw).problems(at: level, format: format).isEmpty
            if json {
                guard case .object(var o) = DescriptorJSON.object(raw: raw, level: level, format: format) else { continue }
                o["index"] = .int(i)
                Output.json(.object(o))
            } else {
                Output.line(DescriptorLine.render(index: i, raw: raw, level: level, format: format))
            }
        }
        if anyProblem { throw CLIError(.checkFailed, "some descriptors have problems (listed above)") }
    }
}
