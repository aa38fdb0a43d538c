import VMSA
import VMSAJSON

/// What 16K or 64K pages would cost and gain for one process (or a sum of
/// processes): the adapted process replayed on its native table, the
/// adapter's memory cost, the PG_SIZE model, against the process as it is.
public struct ProcessCost: Sendable {
    /// The 4K process as it is: what the larger page size is compared with.
    public struct Baseline: Hashable, Sendable {
        /// Memory the 4K process has resident.
        public var residentBytes: UInt64 = 0
        /// Bytes of its 4K Linux table pages.
        public var linuxTableBytes: UInt64 = 0
        /// TLB entries its 4K table needs, with and without contpte.
        public var tlb = TLBEntries()

        /// Nothing counted: the start of a sum.
        public init() {}

        /// Counts `snapshot`'s own (replayed) Linux table.
        public init(_ snapshot: ProcessSnapshot) throws(LinuxTableError) {
            let census = try TableCensus(snapshot.tables)
            linuxTableBytes = census.linuxTableBytes
            tlb = census.tlb
            residentBytes = UInt64(snapshot.residentPages) * LinuxKernel.granule.pageSize
        }

        /// Adds `b`'s counts to `a`'s.
        public static func += (a: inout Baseline, b: Baseline) {
            a.residentBytes += b.residentBytes
            a.linuxTableBytes += b.linuxTableBytes
            a.tlb += b.tlb
        }

        /// `{"residentBytes", "linuxTableBytes", "tlbEntries": {"4k", "4k-contiguous"}}`.
        public var json: JSONValue {
            .object(JSONObject([
                ("residentBytes", .int(residentBytes)), ("linuxTableBytes", .int(linuxTableBytes)),
                ("tlbEntries", .object(JSONObject([("4k", .int(tlb.fourK)), ("4k-contiguous", .int(tlb.fourKContiguous))]))),
            ]))
        }
    }

    /// The process page size compared: 16K or 64K.
    public var granule: Granule
    /// The 4K process as it is.
    public var baseline: Baseline
    /// The adapted process's replay on its native table.
    public var replay: ReplayReport
    /// Fallbacks of that replay by reason (an adapted process should have none).
    public var fallbackReasons: [FallbackReason: Int] = [:]
    /// The ABI adapter's memory cost, in 4K pages.
    public var adapter: AdapterCost
    /// The PG_SIZE model's cost and savings.
    public var pageSize: PageSizeCost

    /// A sum over no processes, to add to.
    public init(granule: Granule) {
        self.granule = granule
        baseline = Baseline()
        replay = ReplayReport()
        adapter = AdapterCost()
        pageSize = PageSizeCost()
    }

    /// Adapts `snapshot` to `granule`, replays the adapted trace on a
    /// native `granule` table, and runs the PG_SIZE model. `record` sees
    /// every record of the adapted trace, `warning` every fallback.
    public init(_ snapshot: ProcessSnapshot, granule: Granule, baseline: Baseline,
                record: (TraceRecord) -> Void = { _ in }, warning: (MirrorWarning) -> Void = { _ in }) throws(LinuxTableError) {
        self.granule = granule
        self.baseline = baseline
        let tables = try ProcessTables(native: granule, vaBits: snapshot.tables.linux.vaBits)
        var failure: LinuxTableError?
        var reasons: [FallbackReason: Int] = [:]
        var warnings = 0
        adapter = ABIAdapter(granule: granule).adapt(snapshot) { r in
            record(r)
            guard failure == nil, case .operation(let op) = r else { return }
            do throws(LinuxTableError) {
                if let w = try tables.apply(op) {
                    warnings += 1
                    reasons[w.reason, default: 0] += 1
                    warning(w)
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        fallbackReasons = reasons
        replay = try ReplayReport(tables, warnings: warnings)
        pageSize = PageSizeModel(granule: granule).cost(of: snapshot)
    }

    /// Adds another process's costs, for the report's total line.
    public static func += (a: inout ProcessCost, b: ProcessCost) {
        a.baseline += b.baseline
        a.replay += b.replay
        a.fallbackReasons.merge(b.fallbackReasons, uniquingKeysWith: +)
        a.adapter += b.adapter
        a.pageSize += b.pageSize
    }

    static let page = LinuxKernel.granule.pageSize
    /// `adapter.residentPages` in bytes: the report's `residentBytes`.
    public var residentBytes: UInt64 { UInt64(adapter.residentPages) * Self.page }
    /// `adapter.addedPages` in bytes: the report's `addedBytes`.
    public var addedBytes: UInt64 { UInt64(adapter.addedPages) * Self.page }
    /// `adapter.roundingPages` in bytes: whole process pages faulted in by rounding.
    public var roundingBytes: UInt64 { UInt64(adapter.roundingPages) * Self.page }
    /// Table memory the native table saves against the 4K process's own Linux table (negative: it costs).
    public var tableBytesSaved: Int64 { Int64(baseline.linuxTableBytes) - Int64(replay.census.nativeTableBytes) }
    /// TLB entries the native table saves against the 4K process's own 4K entries.
    public var tlbEntriesSaved: Int { baseline.tlb.fourK - replay.census.tlb.native }

    /// `part` as a percentage of `whole`, to one decimal ("433.3"); "0.0" of nothing.
    public static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "0.0" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// The files where an emulator without padding raises SIGBUS, most pages first (then by path).
    public var sigbusFiles: [(path: String, pages: Int)] {
        adapter.sigbusFiles.map { (path: $0.key, pages: $0.value) }
            .sorted { $0.pages != $1.pages ? $0.pages > $1.pages : $0.path < $1.path }
    }

    /// Files the text report names before "and N more".
    static let namedFiles = 4

    /// "LC_CTYPE 13, libc.so.6 3, … and 2 more files": the files of `sigbusFiles` by their last path component.
    var sigbusSummary: String {
        let files = sigbusFiles
        let named = files.prefix(Self.namedFiles).map { "\($0.path.split(separator: "/").last.map(String.init) ?? $0.path) \($0.pages)" }
        return named.joined(separator: ", ") + (files.count > Self.namedFiles ? " and \(files.count - Self.namedFiles) more files" : "")
    }

    /// The fallbacks by reason, as "2 misaligned start, 1 mixed attributes" (in `FallbackReason` order).
    public var fallbackSummary: String {
        let named = FallbackReason.allCases.compactMap { r in fallbackReasons[r].map { "\($0) \(r)" } }
        return named.isEmpty ? "none" : named.joined(separator: ", ")
    }

    /// The replay report's keys (shared/DESIGN.md) and the page-size keys.
    public var json: JSONValue {
        guard case .object(var o) = replay.json else { return replay.json }
        o["adapt"] = .string(granule.description.lowercased())
        o["fallbackReasons"] = .object(JSONObject(FallbackReason.allCases.compactMap { r in fallbackReasons[r].map { (r.rawValue, .int($0)) } }))
        o["residentBytes"] = .int(residentBytes)
        o["addedBytes"] = .int(addedBytes)
        o["addedPercent"] = .number(Self.percent(addedBytes, of: residentBytes))
        o["roundingBytes"] = .int(roundingBytes)
        o["paddedFilePages"] = .int(adapter.paddedFilePages)
        o["sigbusPages"] = .int(adapter.sigbusPages)
        o["sigbusFiles"] = .object(JSONObject(sigbusFiles.map { ($0.path, .int($0.pages)) }))
        o["vmas"] = .int(adapter.vmas)
        o["movedVMAs"] = .int(adapter.movedVMAs)
        o["skippedVMAs"] = .int(adapter.skippedVMAs)
        o["unknownFileSizes"] = .int(adapter.unknownFileSizes)
        o["tableBytesSaved"] = .int(tableBytesSaved)
        o["tlbEntriesSaved"] = .int(tlbEntriesSaved)
        o["pgSize"] = .object(JSONObject([
            ("allocatedBytes", .int(pageSize.allocatedBytes)), ("addedBytes", .int(pageSize.addedBytes)),
            ("addedPercent", .number(Self.percent(pageSize.addedBytes, of: pageSize.residentBytes))),
            ("structPageBytesSaved", .int(pageSize.structPageBytesSaved)),
            ("mappedBytes", .int(pageSize.mappedBytes)), ("alignedBytes", .int(pageSize.alignedBytes)),
        ]))
        return .object(o)
    }

    /// The human-readable report: the trace's source, the adapter's cost,
    /// the adapted process's replay, then the 4K process and the PG_SIZE model.
    public func lines() -> [String] {
        let g = granule.description
        var out = replay.lines(native: granule)
        out.insert("fallbacks         \(fallbackSummary)", at: out.count - 1 - replay.equivalence.divergences.count)
        // After the source line, if the trace had one.
        out.insert(contentsOf: [
            "adapted to        \(g) pages: \(adapter.vmas) VMAs rounded out (\(adapter.movedVMAs) moved), \(adapter.skippedVMAs) left out"
                + (adapter.unknownFileSizes > 0 ? ", \(adapter.unknownFileSizes) file sizes unknown" : ""),
            "memory added      \(Hex.size(addedBytes)), \(Self.percent(addedBytes, of: residentBytes))% of \(Hex.size(residentBytes)) resident: "
                + "\(Hex.size(roundingBytes)) rounding, \(adapter.paddedFilePages) 4K pages padding past end of file "
                + "(\(adapter.sigbusPages) where an emulator without padding raises SIGBUS)",
        ] + (sigbusFiles.isEmpty ? [] : ["SIGBUS pages      " + sigbusSummary]), at: replay.source == nil ? 0 : 1)
        out += [
            "4K process        \(Hex.size(baseline.linuxTableBytes)) Linux table, \(baseline.tlb.fourK) TLB entries at 4K, "
                + "\(baseline.tlb.fourKContiguous) with contiguous runs",
            "PG_SIZE \(g)       \(Hex.size(pageSize.allocatedBytes)) allocated for \(Hex.size(pageSize.residentBytes)) resident "
                + "(+\(Self.percent(pageSize.addedBytes, of: pageSize.residentBytes))%), \(Hex.size(pageSize.structPageBytesSaved)) of struct page saved, "
                + "\(Hex.size(pageSize.alignedBytes)) of \(Hex.size(pageSize.mappedBytes)) mapped in aligned \(g) runs",
        ]
        return out
    }
}
