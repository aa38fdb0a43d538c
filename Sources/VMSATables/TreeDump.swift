import VMSA

/// The table tree as indented text: every table with its entry index, VA
/// and address, and under it its leaves, consecutive leaves that continue
/// each other (same bits, consecutive output addresses) on one line.
public enum TreeDump {
    /// The tree of `halves`, one line per table or run of leaves, as `vmsa dump --format tree` prints it.
    public static func lines(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0]) -> [String] {
        var out: [String] = []
        let runs = image.contiguousRunProblems()
        let regime = image.regime
        for t in halves where regime.ranges.contains(t) {
            let name = regime.registerName(t)
            guard let h = image.half(t) else {
                out.append("\(name) disabled")
                continue
            }
            let register = t == .ttbr0 ? image.ttbr0 : image.ttbr1
            let roots = h.rootEntries > h.granule.entriesPerTable ? "\(h.rootEntries / h.granule.entriesPerTable) concatenated \(h.startLevel) tables" : "\(h.startLevel) table"
            out.append("\(name) \(register): \(h.granule) granule, \(h.inputBits)-bit \(regime.kind == .s2 ? "IPA" : "VA"), \(roots) at \(Hex.short(h.rootAddress))")
            switch image.regime.root(t, in: image) {
            case .success(let root)?: table(image, root, runs: runs, depth: 1, into: &out)
            case .failure(let fault)?: out.append("  \(fault)")
            case nil: out.append("  every walk faults: \(name) base is beyond the \(h.outputBits)-bit output size")
            }
        }
        return out
    }

    static func table(_ image: TableImage, _ t: WalkTable, runs: [ContiguousRunProblem], depth: Int, into out: inout [String]) {
        typealias B = Descriptor.Bits
        let indent = String(repeating: "  ", count: depth)
        let entrySize = t.entrySize
        let level = t.level
        var i = 0
        while i < t.count {
            let raw = t[i]
            let va = t.va(of: i)
            let kind = Descriptor(rawValue: raw).kind(at: level)
            let role = t.role(i)
            switch kind {
            case .invalid:
                i += 1
            case .table:
                let next = t.outputAddress(of: raw)
                var line = "\(indent)[\(i)] \(Hex.format(va)) L\(level.rawValue) table -> \(Hex.short(next))"
                let apTable = B.apTable.extract(raw)
                if apTable != 0 { line += " APTable=\(apTable)" }
                if B.pxnTable.isSet(raw) { line += " PXNTable" }
                if B.uxnTable.isSet(raw) { line += " UXNTable" }
                if B.nsTable.isSet(raw) { line += " NSTable" }
                if case .fault(let f) = role { line += " (\(TranslationFault(kind: f, level: level)))" }
                let child = image.regime.child(of: t, at: i, in: image)
                if case .failure(let fault)? = child { line += " (\(fault))" }
                out.append(line)
                if case .success(let next)? = child { table(image, next, runs: runs, depth: depth + 1, into: &out) }
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
                let what: String
                switch role {
                case .leaf: what = "\(kind.rawValue) \(Hex.size(entrySize))"
                case .fault(.addressSize): what = "\(kind.rawValue) beyond the output size"
                default: what = kind == .reserved ? "reserved" : "illegal block"
                }
                var line = "\(indent)[\(count == 1 ? "\(i)" : "\(i)..\(j)")] \(Hex.format(va))-\(Hex.format(last)) L\(level.rawValue) \(what)"
                if count > 1 { line += " x\(count)" }
                line += " -> \(Hex.short(oa))"
                if legal {
                    line += " " + t.leafSummary(i)
                    // What the walk does not stop at but the Arm ARM forbids.
                    var problems = image.half(t.ttbr).map { Descriptor(rawValue: raw).problems(at: level, format: $0.format).map(\.description) } ?? []
                    if let run = runs.first(where: { $0.ttbr == t.ttbr && $0.vaRange.overlaps(va...last) }) {
                        problems.append("broken contiguous run: \(run.reason)")
                    }
                    if !problems.isEmpty { line += "  [\(problems.joined(separator: "; "))]" }
                }
                out.append(line)
                i = j + 1
            }
        }
    }
}
