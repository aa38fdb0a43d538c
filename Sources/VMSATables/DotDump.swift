import VMSA

/// The table tree as a Graphviz digraph: one node per table (its level,
/// address and what it holds), an edge per table descriptor labelled with
/// the entry index and VA.
public enum DotDump {
    /// The Graphviz source for the tables of `halves`, as `vmsa dump --format dot` prints it.
    public static func text(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0]) -> String {
        var out = ["digraph vmsa {", "  rankdir=LR;", "  node [shape=box, fontname=\"monospace\"];"]
        var seen: Set<UInt64> = []
        for t in halves where image.regime.ranges.contains(t) {
            guard let h = image.half(t) else { continue }
            let register = t == .ttbr0 ? image.ttbr0 : image.ttbr1
            let root = "ttbr\(t.rawValue)"
            out.append("  \(root) [label=\"\(image.regime.registerName(t))\\n\(register)\\n\(h.granule), \(h.inputBits)-bit VA\", shape=ellipse];")
            out.append("  \(root) -> \(node(h.rootAddress));")
            guard case .success(let root)? = image.regime.root(t, in: image) else { continue }
            var stack = [root]
            while let table = stack.popLast() {
                let address = table.address, level = table.level
                guard seen.insert(address).inserted else { continue }
                // Leaves by kind: one table's leaves share its entry size, so
                // the kind alone names them (no string per leaf).
                var tables = 0, leaves: [DescriptorKind: Int] = [:], faults = 0
                for i in 0..<table.count {
                    let raw = table[i]
                    switch table.role(i) {
                    case .invalid: continue
                    case .table(let next):
                        tables += 1
                        out.append("  \(node(address)) -> \(node(next)) [label=\"[\(i)] \(Hex.short(table.va(of: i)))\"];")
                        if case .success(let child)? = image.regime.child(of: table, at: i, in: image) { stack.append(child) }
                    case .leaf:
                        leaves[Descriptor(rawValue: raw).kind(at: level), default: 0] += 1
                    case .fault:
                        faults += 1
                    }
                }
                var label = ["L\(level.rawValue) table", Hex.short(address)]
                if tables > 0 { label.append(tables == 1 ? "1 table" : "\(tables) tables") }
                for (kind, n) in leaves.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    // "3 pages 4 KiB", "1 block 2 MiB".
                    label.append("\(n) \(kind.rawValue)\(n == 1 ? "" : "s") \(Hex.size(table.entrySize))")
                }
                if faults > 0 { label.append("\(faults) faulting entr\(faults == 1 ? "y" : "ies")") }
                out.append("  \(node(address)) [label=\"\(label.joined(separator: "\\n"))\"];")
            }
        }
        out.append("}")
        return out.joined(separator: "\n")
    }

    static func node(_ address: UInt64) -> String { "t\(String(address, radix: 16))" }
}
