import VMSA

/// A contiguous run that breaks the Arm ARM's rules for the Contiguous bit.
public struct ContiguousRunProblem: Hashable, Sendable, CustomStringConvertible {
    /// The half the run is in.
    public var ttbr: TranslationTableBase
    /// The level of the run's entries.
    public var level: Level
    /// PA of the run's first entry.
    public var firstEntry: UInt64
    /// Entries in the run.
    public var count: Int
    /// The VAs the run maps.
    public var vaRange: ClosedRange<UInt64>
    /// Which rule it breaks (misaligned output, differing attributes, a member without the bit).
    public var reason: String

    /// Whether the run maps `va` (of half `ttbr`).
    public func covers(_ va: UInt64, ttbr: TranslationTableBase) -> Bool { self.ttbr == ttbr && vaRange.contains(va) }

    /// PAs of every entry of the run.
    public var entries: [UInt64] { (0..<count).map { firstEntry &+ UInt64($0) &* 8 } }

    /// `half Ln run of N at PA: reason`.
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
        regime.contiguousRunProblems(in: self)
    }
}

extension TranslationRegime {
    /// The same check over the tables in `memory`.
    public func contiguousRunProblems<Memory: PhysicalMemory>(in memory: Memory) -> [ContiguousRunProblem] {
        typealias B = Descriptor.Bits
        let regime = self
        var problems: [ContiguousRunProblem] = []
        for ttbr in TranslationTableBase.allCases {
            guard case .success(let root)? = regime.root(ttbr, in: memory) else { continue }
            var stack = [root]
            var visited = Set<UInt64>()
            while let table = stack.popLast() {
                guard visited.insert(table.address).inserted else { continue }
                for i in 0..<table.count {
                    if case .success(let next)? = regime.child(of: table, at: i, in: memory) { stack.append(next) }
                }
                guard let n = table.contiguousCount else { continue }
                let size = table.entrySize
                func isLeaf(_ i: Int) -> Bool { if case .leaf = table.role(i) { return true } else { return false } }
                var first = 0
                while first < table.count {
                    defer { first += n }
                    // Counted in place: no arrays per run (hot on large images).
                    let group = first..<min(first + n, table.count)
                    let marked = group.reduce(0) { $0 + (isLeaf($1) && table[$1] & B.contiguous.mask != 0 ? 1 : 0) }
                    guard marked > 0 else { continue }
                    func problem(_ reason: String) {
                        let va = table.va(of: first)
                        problems.append(ContiguousRunProblem(ttbr: ttbr, level: table.level, firstEntry: table.entryAddress(first),
                                                             count: group.count,
                                                             vaRange: va...(va &+ (UInt64(group.count) &* size &- 1)), reason: reason))
                    }
                    guard group.count == n else { problem("the run needs \(n) entries, the table has \(group.count) from here"); continue }
                    guard marked == n else { problem("not every entry is a valid leaf with the Contiguous bit"); continue }
                    let base = table.outputAddress(of: table[first])
                    guard base & (size &* UInt64(n) &- 1) == 0 else {
                        problem("output address \(Hex.short(base)) is not aligned to the run's \(Hex.size(size &* UInt64(n)))"); continue
                    }
                    func attributes(_ r: UInt64) -> UInt64 {
                        var ignored = table.addressMask | B.af.mask
                        if r & B.dbm.mask != 0 { ignored |= BitField(bit: B.ap.msb).mask }
                        return r & ~ignored
                    }
                    if let k = (0..<n).first(where: { table.outputAddress(of: table[first + $0]) != base &+ UInt64($0) &* size }) {
                        problem("entry \(k) maps \(Hex.short(table.outputAddress(of: table[first + k]))), expected \(Hex.short(base &+ UInt64(k) &* size))")
                    } else if let k = (0..<n).first(where: { attributes(table[first + $0]) != attributes(table[first]) }) {
                        problem("entry \(k) has attributes \(Hex.short(attributes(table[first + k]))), entry 0 \(Hex.short(attributes(table[first])))")
                    }
                }
            }
        }
        return problems
    }
}
