import VMSA

/// A contiguous run that breaks the Arm ARM's rules for the Contiguous bit.
public struct ContiguousRunProblem: Hashable, Sendable, CustomStringConvertible {
    public var ttbr: TranslationTableBase
    public var level: Level
    /// PA of the run's first entry.
    public var firstEntry: UInt64
    /// Entries in the run.
    public var count: Int
    public var reason: String

    /// PAs of every entry of the run.
    public var entries: [UInt64] { (0..<count).map { firstEntry &+ UInt64($0) &* 8 } }

    public var description: String {
        "\(ttbr) L\(level.rawValue) run of \(count) at \(Hex.format(firstEntry, digits: 12)): \(reason)"
    }
}

extension TableImage {
    /// vmsa's check of what QEMU 7.2 ignores about the Contiguous bit (Arm
    /// ARM "The Contiguous bit"; a misprogrammed run is CONSTRAINED
    /// UNPREDICTABLE: a TLB conflict abort or any entry's translation). Where
    /// an entry has the bit, every entry of its aligned run must be a valid
    /// leaf with the bit, the same attributes (AF and, with DBM, AP[2] may
    /// differ: hardware updates them per entry), and consecutive output
    /// addresses starting at one aligned to the run.
    public func contiguousRunProblems() -> [ContiguousRunProblem] {
        typealias B = Descriptor.Bits
        var problems: [ContiguousRunProblem] = []
        for ttbr in TranslationTableBase.allCases {
            guard let h = half(ttbr) else { continue }
            let addressMask = h.format.outputAddressField.mask | (h.format.outputAddressHighField?.mask ?? 0)
            var stack: [(UInt64, Level)] = [(h.rootAddress, h.startLevel)]
            var visited = Set<UInt64>()
            while let (table, level) = stack.popLast() {
                guard visited.insert(table).inserted else { continue }
                let entries = h.entries(at: level)
                func raw(_ i: Int) -> UInt64 { word(atPhysicalAddress: table &+ UInt64(i) &* 8) ?? 0 }
                if !level.isLast {
                    for i in 0..<entries where Descriptor(rawValue: raw(i)).kind(at: level) == .table {
                        let next = h.address(of: raw(i))
                        if next >> UInt64(h.outputBits) == 0 { stack.append((next, level.next)) }
                    }
                }
                guard let n = h.granule.contiguousCount(at: level) else { continue }
                let size = h.granule.entrySize(at: level)
                var first = 0
                while first < entries {
                    defer { first += n }
                    let group = (first..<min(first + n, entries)).map(raw)
                    guard group.contains(where: { Descriptor(rawValue: $0).kind(at: level).isLeaf && $0 & B.contiguous.mask != 0 }) else { continue }
                    func problem(_ reason: String) {
                        problems.append(ContiguousRunProblem(ttbr: ttbr, level: level, firstEntry: table &+ UInt64(first) &* 8,
                                                             count: group.count, reason: reason))
                    }
                    guard group.count == n else { problem("the run needs \(n) entries, the table has \(group.count) from here"); continue }
                    guard group.allSatisfy({ Descriptor(rawValue: $0).kind(at: level).isLeaf && $0 & B.contiguous.mask != 0 }) else {
                        problem("not every entry is a valid leaf with the Contiguous bit"); continue
                    }
                    let base = h.address(of: group[0])
                    guard base & (size &* UInt64(n) &- 1) == 0 else {
                        problem("output address \(Hex.short(base)) is not aligned to the run's \(Hex.size(size &* UInt64(n)))"); continue
                    }
                    func attributes(_ r: UInt64) -> UInt64 {
                        var ignored = addressMask | B.af.mask
                        if r & B.dbm.mask != 0 { ignored |= BitField(bit: B.ap.msb).mask }
                        return r & ~ignored
                    }
                    if let k = group.indices.first(where: { h.address(of: group[$0]) != base &+ UInt64($0) &* size }) {
                        problem("entry \(k) maps \(Hex.short(h.address(of: group[k]))), expected \(Hex.short(base &+ UInt64(k) &* size))")
                    } else if let k = group.indices.first(where: { attributes(group[$0]) != attributes(group[0]) }) {
                        problem("entry \(k) has attributes \(Hex.short(attributes(group[k]))), entry 0 \(Hex.short(attributes(group[0])))")
                    }
                }
            }
        }
        return problems
    }
}
