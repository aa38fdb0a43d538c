import Foundation
import VMSA
import VMSAJSON
import VMSATables

/// Reading layouts and images for the table commands, with the contract's
/// exit statuses: 66 for a file that cannot be read, 65 for bad contents.
enum ImageFiles {
    /// Most bytes a layout file may hold: about a million mappings at some
    /// 200 bytes each. A layout is parsed whole, so a runaway input (a
    /// device, a wrong file) must stop at a bound rather than at memory.
    static let maximumLayoutBytes = 256 << 20

    /// The image's registers by name: its regime's, then with a stage 2
    /// VTCR_EL2, VTTBR_EL2 and HCR_EL2.
    static func registers(_ image: TableImage) -> [(name: String, value: UInt64)] {
        image.regime.registers + (image.stage2.map { $0.registers + [(HCR.name, image.hcr.rawValue)] } ?? [])
    }

    /// One register per line, names aligned (`dump --format registers`).
    static func registerLines(_ image: TableImage) -> [String] {
        registers(image).map { $0.name.padding(toLength: 11, withPad: " ", startingAt: 0) + Hex.format($0.value) }
    }

    static func layout(_ path: String) throws -> Layout {
        let text = try Output.readText(path, atMost: maximumLayoutBytes, expected: "a layout (JSON)")
        do {
            return try Layout.parse(text)
        } catch {
            throw CLIError(.dataError, "\(path): \(error.description)")
        }
    }

    /// Maps and loads an image file (see `ImageFormat`): a version 2 image
    /// costs the pages its walks touch, not the size of the file.
    static func image(_ path: String) throws -> TableImage {
        let file = try mapped(path)
        do {
            return try TableImage.load(file)
        } catch {
            throw CLIError(.dataError, "\(path): \(error.description)")
        }
    }

    /// Maps a whole file (an image, a core, a RAM file); 66 when it cannot be read.
    static func mapped(_ path: String) throws -> MappedFile {
        guard let file = MappedFile(path: path) else { throw InputFile.cannotRead(path, errno) }
        return file
    }

    /// The warning for a table a walk needs that `outside` does not hold.
    static func warnMissing(_ t: ReachableTables.Table, outside: String) {
        Output.warning("table at PA \(Hex.short(t.address)) (\(t.level), \(t.ttbr)) is outside \(outside); its walks show as not captured")
    }

    /// Writes the image file (version 2), or with `tablesOnly` the raw
    /// memory from tablesBase, straight from table memory (no copy of a
    /// large image), atomically; `-` is standard output.
    static func write(_ image: TableImage, to path: String, tablesOnly: Bool = false) throws {
        try AtomicFile.write(to: path) { sink in
            if tablesOnly { try image.forEachRawChunk(sink.write) } else { try image.writeFile(sink.write) }
        }
    }
}

/// JSON objects for translations, walk items and registers (JSON Lines,
/// hex strings for addresses and raw words).
enum TableJSON {
    static func attributes(_ a: LeafAttributes) -> [(String, JSONValue)] {
        [("attrIndx", .int(a.attrIndx)), ("mairAttr", .hex(UInt64(a.mairAttr.rawValue), digits: 2)),
         ("sh", .int(a.sh.rawValue)), ("ap", .int(a.ap.rawValue)), ("pxn", .bool(a.pxn)), ("uxn", .bool(a.uxn)),
         ("ng", .bool(a.ng)), ("af", .bool(a.af)), ("contiguous", .bool(a.contiguous))]
    }

    static func translation(_ va: UInt64, _ result: Result<Translation, TranslationFault>, ttbr: TranslationTableBase?) -> JSONValue {
        switch result {
        case .success(let t):
            return .object(JSONObject([
                ("va", .hex(va)), ("ttbr", .int(t.ttbr.rawValue)), ("ok", .bool(true)), ("pa", .hex(t.pa.rawValue)),
                ("level", .int(t.level.rawValue)), ("size", .hex(t.size)), ("descriptor", .hex(t.descriptor.rawValue)),
                ("attrIndx", .int(t.attrIndx)), ("mairAttr", .hex(UInt64(t.mairAttr.rawValue), digits: 2)),
                ("sh", .int(t.sh.rawValue)), ("ap", .int(t.ap.rawValue)), ("pxn", .bool(t.pxn)), ("uxn", .bool(t.uxn)),
                ("ng", .bool(t.ng)), ("contiguous", .bool(t.contiguous)),
            ]))
        case .failure(let f):
            return .object(JSONObject([
                ("va", .hex(va)), ("ttbr", ttbr.map { .int($0.rawValue) } ?? .null), ("ok", .bool(false)),
                ("fault", .string(f.kind.rawValue)), ("level", .int(f.level.rawValue)),
            ] + notCaptured(f)))
        }
    }

    /// A stage-2 translation of `ipa`, with the stage-2 leaf keys.
    static func stage2Translation(_ ipa: UInt64, _ result: Result<Stage2Translation, TranslationFault>) -> JSONValue {
        switch result {
        case .success(let t):
            return .object(JSONObject([("ipa", .hex(ipa)), ("ok", .bool(true))] + stage2Fields(t)))
        case .failure(let f):
            return .object(JSONObject([
                ("ipa", .hex(ipa)), ("ok", .bool(false)), ("fault", .string(f.kind.rawValue)), ("level", .int(f.level.rawValue)),
            ] + notCaptured(f)))
        }
    }

    static func stage2Fields(_ t: Stage2Translation) -> [(String, JSONValue)] {
        [("pa", .hex(t.pa.rawValue)), ("level", .int(t.level.rawValue)), ("size", .hex(t.size)),
         ("descriptor", .hex(t.descriptor.rawValue))] + stage2AttributeFields(t.attributes) + [("dirtied", .bool(t.dirtied))]
    }

    /// The stage-2 leaf keys (DESIGN's `memAttr, s2ap, sh, af, xn, contiguous, dbm`).
    static func stage2AttributeFields(_ a: Stage2LeafAttributes) -> [(String, JSONValue)] {
        [("memAttr", .int(Int(a.memAttr))), ("s2ap", .int(Int(a.s2ap.rawValue))), ("xn", .int(Int(a.xn.rawValue))),
         ("sh", .int(Int(a.sh.rawValue))), ("af", .bool(a.af)), ("contiguous", .bool(a.contiguous)), ("dbm", .bool(a.dbm))]
    }

    /// A two-stage translation of `va`: IPA and PA, each stage's leaf
    /// (`stage1` null when stage 1 is off), the combined memory type and
    /// shareability; a fault names its stage, and `s1ptw` a stage-2 fault on
    /// the stage-1 walk.
    static func twoStageTranslation(_ va: UInt64, _ result: Result<TwoStageTranslation, TwoStageFault>) -> JSONValue {
        switch result {
        case .success(let t):
            var stage1: JSONValue = .null
            if let s1 = t.stage1, case .object(var o) = translation(va, .success(s1), ttbr: s1.ttbr) {
                o["va"] = nil
                o["ok"] = nil
                stage1 = .object(o)
            }
            return .object(JSONObject([
                ("va", .hex(va)), ("ok", .bool(true)), ("ipa", .hex(t.ipa)), ("pa", .hex(t.pa.rawValue)),
                ("memoryType", .hex(UInt64(t.memoryType.rawValue), digits: 2)), ("sh", .int(Int(t.shareability.rawValue))),
                ("stage1", stage1), ("stage2", .object(JSONObject(stage2Fields(t.stage2)))),
            ]))
        case .failure(let f):
            return .object(JSONObject([
                ("va", .hex(va)), ("ok", .bool(false)), ("stage", .int(f.stage)), ("fault", .string(f.fault.kind.rawValue)),
                ("level", .int(f.fault.level.rawValue)), ("ipa", f.ipa.map { .hex($0) } ?? .null), ("s1ptw", .bool(f.stage1Walk)),
            ] + notCaptured(f.fault)))
        }
    }

    /// The table a `notCaptured` walk could not read.
    static func notCaptured(_ f: TranslationFault) -> [(String, JSONValue)] {
        f.table.map { [("table", .hex($0.rawValue))] } ?? []
    }

    static func walkEntry(_ e: WalkEntry) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ttbr", .int(e.ttbr.rawValue)), ("va", .hex(e.va.rawValue)), ("end", .hex(e.lastVA)), ("size", .hex(e.size)),
            ("level", .int(e.level.rawValue)), ("order", .int(e.order)), ("entries", .int(e.entries)),
            ("kind", .string(e.isLeaf ? "leaf" : "hole")), ("descriptor", .hex(e.descriptor.rawValue)),
        ]
        if let a = e.stage2Attributes {
            fields.append(("pa", .hex(e.pa.rawValue)))
            fields += stage2AttributeFields(a)
        } else if let a = e.attributes {
            fields.append(("pa", .hex(e.pa.rawValue)))
            fields += attributes(a)
        } else if let f = e.fault {
            fields += [("fault", .string(f.kind.rawValue)), ("faultLevel", .int(f.level.rawValue))] + notCaptured(f)
        }
        return .object(JSONObject(fields))
    }

    /// The keys of `dump --format registers --json`, which `import
    /// --registers` reads back.
    enum RegisterKey: String, CaseIterable {
        case tcr = "tcr_el1", mair = "mair_el1", ttbr0 = "ttbr0_el1", ttbr1 = "ttbr1_el1"
        case tablesBase, tablesSize
        case sctlr = "sctlr_el1", pan, segments
        /// What the image holds rather than what the CPU had: an import ignores them.
        static let descriptive: [RegisterKey] = [.tablesBase, .tablesSize, .segments]
    }

    /// The registers and CPU state an image records, by their JSON keys.
    static func registerFields(_ image: TableImage) -> [(String, JSONValue)] {
        typealias K = RegisterKey
        return [(K.tcr.rawValue, .hex(image.tcr.rawValue)), (K.mair.rawValue, .hex(image.mair.rawValue)),
                (K.ttbr0.rawValue, .hex(image.ttbr0.rawValue)), (K.ttbr1.rawValue, .hex(image.ttbr1.rawValue)),
                (K.sctlr.rawValue, .hex(image.state.sctlr)), (K.pan.rawValue, .bool(image.state.pan))]
    }

    static func registers(_ image: TableImage) -> JSONValue {
        typealias K = RegisterKey
        // The registers, then what the image holds, then the CPU state: the
        // order `dump --format registers --json` has always printed.
        let fields = registerFields(image)
        let memory: [(String, JSONValue)] = [(K.tablesBase.rawValue, .hex(image.tablesBase)), (K.tablesSize.rawValue, .hex(image.tablesSize))]
        let segments: (String, JSONValue) = (K.segments.rawValue, .array(image.memorySegments.map {
            .object(JSONObject([("pa", .hex($0.base.rawValue)), ("bytes", .hex($0.bytes))]))
        }))
        return .object(JSONObject(Array(fields.prefix(4)) + memory + Array(fields.dropFirst(4)) + [segments]))
    }

    static func outcome(_ o: TranslationOutcome) -> JSONValue {
        switch o {
        case .mapped(let pa, let a): return .object(JSONObject([("ok", .bool(true)), ("pa", .hex(pa.rawValue))] + attributes(a)))
        case .mappedStage2(let pa, let a): return .object(JSONObject([("ok", .bool(true)), ("pa", .hex(pa.rawValue))] + stage2AttributeFields(a)))
        case .fault(let f): return .object(JSONObject([("ok", .bool(false)), ("fault", .string(f.kind.rawValue)), ("level", .int(f.level.rawValue))]))
        }
    }
}
