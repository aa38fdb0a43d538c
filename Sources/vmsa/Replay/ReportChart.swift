import LinuxTables

/// The SVG chart of `vmsa report --svg`: one row per process, three panels
/// (memory the adapted process adds, table memory its native table saves,
/// TLB entries it saves), a bar for each page size side by side. Each panel
/// has its own linear scale from its smallest value (or 0) to its largest
/// (or 0); a negative saving is a cost and points left of the zero line.
enum ReportChart {
    /// Layout in SVG user units.
    static let labelWidth = 200, panelWidth = 240, gap = 44, barHeight = 7, rowHeight = 18, top = 56, bottom = 24
    /// One colour per page size, in `ReportRow.granules` order.
    static let colours = ["#4e79a7", "#e15759"]

    struct Panel: Sendable {
        let title: String
        let value: @Sendable (ProcessCost) -> Int64
    }

    static let panels = [
        Panel(title: "memory added (KiB)") { Int64($0.addedBytes / 1024) },
        Panel(title: "table memory saved (KiB)") { $0.tableBytesSaved / 1024 },
        Panel(title: "TLB entries saved") { Int64($0.tlbEntriesSaved) },
    ]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func svg(_ rows: [ReportRow]) -> String {
        let width = labelWidth + panels.count * (panelWidth + gap)
        let height = top + max(1, rows.count) * rowHeight + bottom
        var out = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" font-family="sans-serif" font-size="11">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="8" y="18" font-size="14">What 16K or 64K pages cost and gain, per process (vmsa report)</text>"##,
        ]
        for (i, g) in ReportRow.granules.enumerated() {
            let x = labelWidth + i * 90
            out.append(##"<rect x="\##(x)" y="26" width="10" height="10" fill="\##(colours[i])"/><text x="\##(x + 14)" y="35">\##(g) adapted</text>"##)
        }
        for (p, panel) in panels.enumerated() {
            let x0 = labelWidth + p * (panelWidth + gap)
            let values = rows.flatMap { $0.costs.map(panel.value) }
            let low = min(0, values.min() ?? 0), high = max(0, values.max() ?? 0)
            let span = max(1, high - low)
            func x(_ v: Int64) -> Int { x0 + Int((v - low) * Int64(panelWidth) / span) }
            out.append(##"<text x="\##(x0)" y="\##(top - 6)">\##(escape(panel.title))</text>"##)
            out.append(##"<line x1="\##(x(0))" y1="\##(top)" x2="\##(x(0))" y2="\##(height - bottom)" stroke="#888"/>"##)
            out.append(##"<text x="\##(x0)" y="\##(height - 8)" fill="#555">\##(low)</text>"##)
            out.append(##"<text x="\##(x0 + panelWidth)" y="\##(height - 8)" fill="#555" text-anchor="end">\##(high)</text>"##)
            for (r, row) in rows.enumerated() {
                for (i, cost) in row.costs.enumerated() {
                    let v = panel.value(cost)
                    let a = min(x(0), x(v)), b = max(x(0), x(v))
                    let y = top + r * rowHeight + 2 + i * barHeight
                    out.append(##"<rect x="\##(a)" y="\##(y)" width="\##(max(1, b - a))" height="\##(barHeight)" fill="\##(colours[i])"><title>\##(escape(row.comm)) \##(cost.granule): \##(v)</title></rect>"##)
                    // The value beside its bar, right of the bar or of the zero line (a
                    // linear scale shared with a large process hides a small one).
                    out.append(##"<text x="\##(max(b, x(0)) + 2)" y="\##(y + barHeight - 1)" font-size="\##(barHeight + 1)" fill="#333">\##(v)</text>"##)
                }
            }
        }
        for (r, row) in rows.enumerated() {
            let label = (row.pid.map { "\($0) " } ?? "") + row.comm
            out.append(##"<text x="8" y="\##(top + r * rowHeight + 13)">\##(escape(label))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
