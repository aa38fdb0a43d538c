import VMSA
import VMSAJSON
import VMSATables

/// The registers `vmsa import` records: from a JSON file with the keys of
/// `dump --format registers --json`, with options laid over them. A dump
/// carries none of them (QEMU's dump-guest-memory writes no system
/// registers), so they come from the gdbstub or an earlier `dump`.
struct ImportRegisters {
    var tcr: UInt64?
    var mair: UInt64?
    var ttbr0: UInt64?
    var ttbr1: UInt64?
    var sctlr: UInt64?
    var pan: Bool?

    /// One JSON object; unknown keys are refused, the descriptive keys
    /// `dump` adds (tablesBase, tablesSize, segments) ignored.
    /// Most bytes a registers file may hold: one small object (a few
    /// hundred bytes), with room for whitespace and `dump`'s segment list.
    static let maximumFileBytes = 1 << 20

    static func read(_ path: String) throws -> ImportRegisters {
        let text = try Output.readText(path, atMost: maximumFileBytes, expected: "one JSON object of registers")
        typealias K = TableJSON.RegisterKey
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw CLIError(.dataError, "\(path): \(error.message)") }
        // Its errors name the file and the key (exit 65).
        var r = try JSONObjectReader(value, context: path)
        var out = ImportRegisters()
        out.tcr = try r.optionalHex(K.tcr.rawValue)
        out.mair = try r.optionalHex(K.mair.rawValue)
        out.ttbr0 = try r.optionalHex(K.ttbr0.rawValue)
        out.ttbr1 = try r.optionalHex(K.ttbr1.rawValue)
        out.sctlr = try r.optionalHex(K.sctlr.rawValue)
        out.pan = try r.optionalBool(K.pan.rawValue)
        for key in K.descriptive { _ = r.optionalValue(key.rawValue) }
        try r.finish()
        return out
    }

    /// `other`'s values where it has them, these elsewhere.
    func overridden(by other: ImportRegisters) -> ImportRegisters {
        ImportRegisters(tcr: other.tcr ?? tcr, mair: other.mair ?? mair, ttbr0: other.ttbr0 ?? ttbr0,
                        ttbr1: other.ttbr1 ?? ttbr1, sctlr: other.sctlr ?? sctlr, pan: other.pan ?? pan)
    }

    /// The regime and CPU state; a usage error names a missing TCR_EL1 or
    /// TTBRs. MAIR_EL1 and SCTLR_EL1 default to 0, PAN to off; a missing
    /// TTBR is 0 (its half then walks from PA 0, as the CPU would), and said so.
    func regime(warn: (String) -> Void) throws -> (TranslationRegime, CPUState) {
        typealias K = TableJSON.RegisterKey
        guard let tcrValue = tcr else {
            throw CLIError(.usage, "no TCR_EL1 given: expected --tcr or \"\(K.tcr.rawValue)\" in --registers")
        }
        guard ttbr0 != nil || ttbr1 != nil else {
            throw CLIError(.usage, "no TTBR given: expected --ttbr0 or --ttbr1 (or \"\(K.ttbr0.rawValue)\"/\"\(K.ttbr1.rawValue)\" in --registers)")
        }
        let tcr = TCR(rawValue: tcrValue)
        do { _ = try TableImage.checkTCR(tcr) } catch { throw CLIError(.dataError, error.description) }
        for (half, value) in [(TranslationTableBase.ttbr0, ttbr0), (.ttbr1, ttbr1)] where value == nil && !tcr.walksDisabled(half) {
            warn("no \(half) given; taken as 0, so its walks start at PA 0x0")
        }
        let regime = TranslationRegime(tcr: tcr, mair: MAIR(rawValue: mair ?? 0),
                                       ttbr0: TTBR(rawValue: ttbr0 ?? 0), ttbr1: TTBR(rawValue: ttbr1 ?? 0))
        return (regime, CPUState(sctlr: sctlr ?? 0, pan: pan ?? false))
    }
}
