import LinuxTables
import VMSA
import VMSAJSON

/// One row of `vmsa report`: a process (or the total) and what 16K and 64K
/// pages would cost and gain for it.
struct ReportRow {
    /// The page sizes compared, in column order.
    static let granules: [Granule] = [.k16, .k64]

    /// The process ID; nil for an image (and the total).
    var pid: Int?
    var comm: String
    /// One per `granules`, in that order.
    var costs: [ProcessCost]

    /// The sum of no rows.
    static var empty: ReportRow { ReportRow(pid: nil, comm: "total", costs: granules.map { ProcessCost(granule: $0) }) }

    static func += (a: inout ReportRow, b: ReportRow) {
        for i in a.costs.indices { a.costs[i] += b.costs[i] }
    }

    /// The baseline (the 4K process as it is), the same in every cost.
    var baseline: ProcessCost.Baseline { costs[0].baseline }

    /// `{"pid", "comm", "4k": baseline, "16k": …, "64k": …}`; the total
    /// instead opens with `"total": true` and the counts of `extra`.
    func json(total extra: [(String, JSONValue)]? = nil) -> JSONValue {
        var o = JSONObject()
        if let extra {
            o["total"] = .bool(true)
            for (k, v) in extra { o[k] = v }
        } else {
            o["pid"] = pid.map { .int($0) } ?? .null
            o["comm"] = .string(comm)
        }
        o["4k"] = baseline.json
        for c in costs { o[c.granule.description.lowercased()] = c.json }
        return .object(o)
    }

    // MARK: text

    static let widths = (pid: 7, comm: 16, number: 10, percent: 7, granule: 4)

    static func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
    static func left(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
    static func kib<T: BinaryInteger>(_ bytes: T) -> String { String(Int64(bytes) / 1024) }

    /// The cells of one page size: memory added (KiB and percent of
    /// resident), table memory (KiB) and TLB entries saved, fallbacks, PG_SIZE's added memory.
    static func cells(_ values: [String]) -> String {
        let w = widths
        return zip(values, [w.number, w.percent, w.number, w.number, w.number, w.number]).map { right($0, $1) }.joined(separator: " ")
    }

    /// The width of the name column for `rows`: TASK_COMM_LEN, or the longest name (an image's path).
    static func commWidth(_ rows: [ReportRow]) -> Int { max(widths.comm, rows.map(\.comm.count).max() ?? 0) }

    /// The header line of the text table.
    static func header(commWidth: Int) -> String {
        let w = widths
        var out = right("PID", w.pid) + " " + left("COMM", commWidth) + " " + right("RSS KiB", w.number) + " " + right("TLB at 4K", w.number)
        for g in granules {
            out += " | " + left(g.description, w.granule) + cells(["added KiB", "added", "saved KiB", "TLB saved", "fallbacks", "PG_SIZE KiB"])
        }
        return out
    }

    /// One line of the text table.
    func line(commWidth: Int) -> String {
        let w = Self.widths
        var out = Self.right(pid.map(String.init) ?? "", w.pid) + " " + Self.left(comm, commWidth) + " " + Self.right(Self.kib(baseline.residentBytes), w.number)
            + " " + Self.right(String(baseline.tlb.fourK), w.number)
        for c in costs {
            out += " | " + Self.left("", w.granule) + Self.cells([
                Self.kib(c.addedBytes), ProcessCost.percent(c.addedBytes, of: c.residentBytes) + "%", Self.kib(c.tableBytesSaved),
                String(c.tlbEntriesSaved), String(c.replay.fallbacks), Self.kib(c.pageSize.addedBytes),
            ])
        }
        return out
    }
}
