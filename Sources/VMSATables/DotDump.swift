import VMSA

/// The table tree as a Graphviz digraph: one node per table (its level,
/// address and what it holds), an edge per table descriptor labelled with
/// the entry index and VA.
public enum DotDump {
    public static func text(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0]) -> String {
        var out = ["digraph vmsa {", "  rankdir=LR;", "  node [shape=box, fontname=\"monospace\"];"]
        var seen: Set<UInt64> = []
        for t in halves {
            guard let h = image.half(t) else { continue }
            let register = t == .ttbr0 ? image.ttbr0 : image.ttbr1
            let root = "ttbr\(t.rawValue)"
            out.append("  \(root) [label=\"\(t)\\n\(register)\\n\(h.granule), \(h.inputBits)-bit VA\", shape=ellipse];")
            out.append("  \(root) -> \(node(h.rootAddress));")
            var stack: [(UInt64, Level, UInt64)] = [(h.rootAddress, h.startLevel, h.vaRange.lowerBound)]
            while let (address, level, baseVA) = stack.popLast() {
                guard seen.insert(address).inserted else { continue }
                let shift = UInt64(h.shift(at: level))
                var tables = 0, leaves: [String: Int] = [:], faults = 0
                for i in 0..<h.entries(at: level) {
                    let raw = image.word(atPhysicalAddress: address &+ UInt64(i) &* 8) ?? 0
                    switch Descriptor(rawValue: raw).kind(at: level) {
                    case .invalid: continue
                    case .table:
                        tables += 1
                        let next = h.address(of: raw)
                        let va = baseVA &+ UInt64(i) &<< shift
                        out.append("  \(node(address)) -> \(node(next)) [label=\"[\(i)] \(Hex.short(va))\"];")
                        if image.word(atPhysicalAddress: next) != nil, !level.isLast { stack.append((next, level.next, va)) }
                    case .block where h.isBlockLegal(at: level), .page:
                        let name = "\(Descriptor(rawValue: raw).kind(at: level).rawValue) \(Hex.size(1 &<< shift))"
                        leaves[name, default: 0] += 1
                    default:
                        faults += 1
                    }
                }
                var label = ["L\(level.rawValue) table", Hex.short(address)]
                if tables > 0 { label.append(tables == 1 ? "1 table" : "\(tables) tables") }
                for (name, n) in leaves.sorted(by: { $0.key < $1.key }) {
                    // "3 pages 4 KiB", "1 block 2 MiB".
                    let parts = name.split(separator: " ", maxSplits: 1)
                    label.append("\(n) \(parts[0])\(n == 1 ? "" : "s") \(parts[1])")
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
