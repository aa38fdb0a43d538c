import VMSA
import VMSAJSON

/// The summary `vmsa replay --report` prints (keys as in shared/DESIGN.md).
public struct ReplayReport: Sendable {
    /// Operations replayed: `ops`.
    public var operations: Int
    /// Operations turned into native entries: `translated`.
    public var translated: Int
    /// Operations that could not be: `fallbacks`.
    public var fallbacks: Int
    /// Which table TTBR0 points at after the trace: `mode`.
    public var mode: ProcessTables.Mode
    /// Entries, table bytes and TLB entries of both tables.
    public var census: TableCensus
    /// Fallback warnings printed: `warnings`.
    public var warnings: Int
    /// The equivalence check: `equivalent`.
    public var equivalence: EquivalenceChecker.Result
    /// The trace's source record, when it had one.
    public var source: TraceSource?

    /// Checks equivalence and counts the tables of `process` as they are now.
    public init(_ process: ProcessTables, warnings: Int, source: TraceSource? = nil) throws(LinuxTableError) {
        equivalence = try EquivalenceChecker.check(process)
        census = try TableCensus(process)
        operations = process.operations
        translated = process.translated
        fallbacks = process.fallbacks
        mode = process.mode
        self.warnings = warnings
        self.source = source
    }

    /// Nothing replayed: the start of a sum over processes.
    public init() {
        operations = 0
        translated = 0
        fallbacks = 0
        mode = .native
        census = TableCensus()
        warnings = 0
        equivalence = EquivalenceChecker.Result(probes: 0, divergences: [])
    }

    /// Adds another process's report: counts add up, the mode of a sum is
    /// fallback when any process's is, and it is equivalent when every one is.
    public static func += (a: inout ReplayReport, b: ReplayReport) {
        a.operations += b.operations
        a.translated += b.translated
        a.fallbacks += b.fallbacks
        if b.mode == .fallback { a.mode = .fallback }
        a.census += b.census
        a.warnings += b.warnings
        a.equivalence.probes += b.equivalence.probes
        a.equivalence.divergences += b.equivalence.divergences
        a.source = nil
    }

    /// The report object of `vmsa replay --report --json`.
    public var json: JSONValue {
        var o = JSONObject([
            ("ops", .int(operations)), ("translated", .int(translated)), ("fallbacks", .int(fallbacks)),
            ("mode", .string(mode.rawValue)),
            ("linuxEntries", .int(census.linuxEntries)), ("nativeEntries", .int(census.nativeEntries)),
            ("linuxTableBytes", .int(census.linuxTableBytes)), ("nativeTableBytes", .int(census.nativeTableBytes)),
            ("tlbEntries", census.tlb.json),
            ("warnings", .int(warnings)), ("equivalent", .bool(equivalence.equivalent)),
        ])
        if let source { o["source"] = .object(JSONObject([("from", .string(source.from)), ("linux", .string(source.linux.rawValue))])) }
        return .object(o)
    }

    /// The human-readable report, one line per fact.
    public func lines(native granule: Granule) -> [String] {
        var out = source.map { ["source            \($0.from), Linux \($0.linux.rawValue) tables"] } ?? []
        out += [
            "operations        \(operations) (\(translated) translated, \(fallbacks) fallback)",
            "mode              \(mode.rawValue)" + (mode == .native ? " (TTBR0 on the \(granule) table)" : " (TTBR0 on the 4K Linux table)"),
            "leaf entries      \(census.linuxEntries) Linux, \(census.nativeEntries) native \(granule)",
            "table memory      \(Hex.size(census.linuxTableBytes)) Linux, \(Hex.size(census.nativeTableBytes)) native",
            "TLB entries       \(census.tlb.fourK) at 4K, \(census.tlb.fourKContiguous) at 4K with contiguous runs, \(census.tlb.native) at \(granule)",
            "warnings          \(warnings)",
            "equivalent        \(equivalence.equivalent ? "yes" : "NO") (\(equivalence.probes) addresses compared)",
        ]
        out += equivalence.divergences.map { "  divergence: \($0)" }
        return out
    }
}

extension MirrorWarning {
    /// The JSON form: `op, addr, nr, reason`.
    public var json: JSONValue {
        .object(JSONObject([("op", .string(op)), ("addr", .hex(address.rawValue)), ("nr", .int(count)), ("reason", .string(reason.rawValue))]))
    }
}
