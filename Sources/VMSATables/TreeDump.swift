import VMSA

/// The table tree as indented text: every table with its entry index, VA
/// and address, and under it its leaves, consecutive leaves that continue
/// each other (same bits, consecutive output addresses) on one line.
public enum TreeDump {
    /// The tree of `halves`, one line per table or run of leaves, as `vmsa dump --format tree` prints it.
    ///
    /// The tree repeats a table under every entry that reaches it, so a
    /// corrupt image whose tables point back at each other has a tree
    /// exponential in its depth: `lineLimit` stops the dump after that many
    /// lines, with one more line saying so.
    public static func lines(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0],
                             lineLimit: Int = .max) -> [String] {
        var out: [String] = []
        let runs = image.contiguousRunProblems()
        let regime = image.regime
        for t in halves where regime.ranges.contains(t) {
            let name = regime.registerName(t)
            guard let h = image.half(t) else {
                guard append("\(name) disabled", to: &out, limit: lineLimit) else { break }
                continue
            }
            let register = t == .ttbr0 ? image.ttbr0 : image.ttbr1
            let roots = h.rootEntries > h.granule.entriesPerTable ? "\(h.rootEntries / h.granule.entriesPerTable) concatenated \(h.startLevel) tables" : "\(h.startLevel) table"
            guard append("\(name) \(register): \(h.granule) granule, \(h.inputBits)-bit \(regime.kind == .s2 ? "IPA" : "VA"), \(roots) at \(Hex.short(h.rootAddress))",
                         to: &out, limit: lineLimit) else { break }
            switch image.regime.root(t, in: image) {
            case .success(let root)?: table(image, root, runs: runs, depth: 1, into: &out, limit: lineLimit)
            case .failure(let fault)?: _ = append("  \(fault)", to: &out, limit: lineLimit)
            case nil: _ = append("  every walk faults: \(name) base is beyond the \(h.outputBits)-bit output size", to: &out, limit: lineLimit)
            }
        }
        return out
    }

    /// Appends `line` while `out` holds fewer than `limit` lines; at the
    /// limit appends the line that says the dump stops instead. False once
    /// the dump has stopped.
    static func append(_ line: String, to out: inout [String], limit: Int) -> Bool {
        if out.count < limit {
            out.append(line)
            return true
        }
        if out.count == limit { out.append("... the dump stops here, at its limit of \(limit) lines") }
        return false
    }

    /// Bytes that hold a typical line after its indent, so that building one
    /// grows its storage once: a dump of a large or corrupt image prints a
    /// line per entry.
    static let lineCapacity = 256

    static func table(_ image: TableImage, _ t: WalkTable, runs: [ContiguousRunProblem], depth: Int, into out: inout [String],
                      limit: Int) {
        typealias B = Descriptor.Bits
        let indent = String(repeating: "  ", count: depth)
        let entrySize = t.entrySize
        let level = t.level
        // The same for every entry of the table: worked out once, not per line.
        let format = image.half(t.ttbr)?.format
        let levelName = " L\(level.rawValue) "
        let size = Hex.size(entrySize)
        // Each line is appended piece by piece to one string with room for
        // it, rather than interpolated from temporaries.
        func newLine(_ first: Int, _ last: Int? = nil) -> String {
            var line = indent
            line.reserveCapacity(indent.utf8.count + Self.lineCapacity)
            line += "["
            line += String(first)
            if let last {
                line += ".."
                line += String(last)
            }
            line += "] "
            return line
        }
        var i = 0
        // The dump has stopped once it holds more lines than its limit.
        while i < t.count, out.count <= limit {
            let raw = t[i]
            let kind = Descriptor(rawValue: raw).kind(at: level)
            // Most entries of a sparse or corrupt table are invalid: skipped
            // before their VA and role are worked out.
            if case .invalid = kind {
                i += 1
                continue
            }
            let va = t.va(of: i)
            let role = t.role(i)
            switch kind {
            case .invalid:
                preconditionFailure("invalid entries are skipped above")
            case .table:
                let next = t.outputAddress(of: raw)
                var line = newLine(i)
                Hex.append(va, to: &line)
                line += levelName
                line += "table -> "
                Hex.append(next, digits: Hex.shortest, to: &line)
                let apTable = B.apTable.extract(raw)
                if apTable != 0 {
                    line += " APTable="
                    line += String(apTable)
                }
                if B.pxnTable.isSet(raw) { line += " PXNTable" }
                if B.uxnTable.isSet(raw) { line += " UXNTable" }
                if B.nsTable.isSet(raw) { line += " NSTable" }
                if case .fault(let f) = role {
                    line += " ("
                    line += TranslationFault(kind: f, level: level).description
                    line += ")"
                }
                let child = image.regime.child(of: t, at: i, in: image)
                if case .failure(let fault)? = child {
                    line += " ("
                    line += fault.description
                    line += ")"
                }
                guard append(line, to: &out, limit: limit) else { return }
                if case .success(let next)? = child { table(image, next, runs: runs, depth: depth + 1, into: &out, limit: limit) }
                i += 1
            case .block, .page, .reserved:
                var legal = false
                if case .leaf = role { legal = true }
                var j = i
                let oa = t.outputAddress(of: raw) & ~(entrySize &- 1)
                while legal, j + 1 < t.count {
                    let r = t[j + 1]
                    // Same bits, RES0 bits below a block's OA included.
                    guard (r ^ raw) & ~t.addressMask == 0, (r ^ raw) & (entrySize &- 1) == 0,
                          t.outputAddress(of: r) & ~(entrySize &- 1) == oa &+ UInt64(j + 1 - i) &* entrySize else { break }
                    j += 1
                }
                let count = j - i + 1
                let last = va &+ (UInt64(count) &* entrySize &- 1)
                var line = newLine(i, count == 1 ? nil : j)
                Hex.append(va, to: &line)
                line += "-"
                Hex.append(last, to: &line)
                line += levelName
                switch role {
                case .leaf:
                    line += kind.rawValue
                    line += " "
                    line += size
                case .fault(.addressSize):
                    line += kind.rawValue
                    line += " beyond the output size"
                default: line += kind == .reserved ? "reserved" : "illegal block"
                }
                if count > 1 {
                    line += " x"
                    line += String(count)
                }
                line += " -> "
                Hex.append(oa, digits: Hex.shortest, to: &line)
                if legal {
                    line += " "
                    t.appendLeafSummary(i, to: &line)
                    // What the walk does not stop at but the Arm ARM forbids.
                    let problems = format.map { Descriptor(rawValue: raw).problems(at: level, format: $0) } ?? []
                    let run = runs.first(where: { $0.ttbr == t.ttbr && $0.vaRange.overlaps(va...last) })
                    if !problems.isEmpty || run != nil {
                        line += "  ["
                        for (n, problem) in problems.enumerated() {
                            if n > 0 { line += "; " }
                            line += problem.description
                        }
                        if let run {
                            if !problems.isEmpty { line += "; " }
                            line += "broken contiguous run: "
                            line += run.reason
                        }
                        line += "]"
                    }
                }
                guard append(line, to: &out, limit: limit) else { return }
                i = j + 1
            }
        }
    }
}
