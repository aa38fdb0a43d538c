import VMSA
import VMSATables

/// One VA whose translation through the active hardware table differs
/// from its translation through the Linux table.
public struct Divergence: Hashable, Sendable, CustomStringConvertible {
    /// The virtual address that translates differently.
    public var va: VirtualAddress
    /// Its walk through the 4K Linux table.
    public var linux: WalkResult
    /// Its walk through the table TTBR0 points at (native or, in fallback, the Linux one).
    public var hardware: WalkResult
    /// The VA and both outcomes in one line.
    public var description: String {
        "\(Hex.short(va.rawValue)): Linux table gives \(linux), hardware table gives \(hardware)"
    }
}

/// The invariant of per-process page size: every VA translates the same way
/// (fault or not; PA, permissions and attributes) through the active
/// hardware table as through the Linux table.
///
/// Both tables are walked by VMSATables' walk core (the walker QEMU's MMU
/// checks in conformance), from their registers and descriptor words under
/// the TCR_EL1 Linux programs (`ProcessTables.tcr`: HA and HD set), never
/// from the mirror's bookkeeping. The Linux table is read entry by entry
/// (the kernel's view; PTE_CONT is a hint to it); on the hardware table a
/// contiguous run must also obey the Arm ARM's rules
/// (`contiguousRunProblems`), because the TLB may use any entry of the run
/// for every address in it. A translation is the same everywhere between
/// two consecutive items of either table's range walk (each is one affine
/// mapping), so the union of their starts covers every VA.
public enum EquivalenceChecker {
    /// What one check found.
    public struct Result: Sendable {
        /// Whether no divergence was found: the report's `equivalent`.
        public var equivalent: Bool { divergences.isEmpty }
        /// Addresses compared.
        public var probes: Int
        /// The first divergences found (at most `limit`).
        public var divergences: [Divergence]
    }

    /// Walks both tables of `process` at the start of every range-walk item of either and compares; keeps at most `limit` divergences.
    public static func check(_ process: ProcessTables, limit: Int = 8) throws(LinuxTableError) -> Result {
        try process.ensureNative()
        let linux = process.linux.regime
        let hardware = process.activeRegime
        let linuxMemory = process.linux.arena, hardwareMemory = process.activeMemory
        let runs = hardware.contiguousRunProblems(in: hardwareMemory)
        // Both walks' starts, merged as they come: memory stays flat however
        // many items the tables hold.
        var points = MergedBoundaries(linux.walk(.ttbr0, in: linuxMemory).makeIterator(),
                                      hardware.walk(.ttbr0, in: hardwareMemory).makeIterator())
        var probes = 0
        var divergences: [Divergence] = []
        while let va = points.next() {
            probes += 1
            let a = result(linux, linuxMemory, va, runs: [])
            let b = result(hardware, hardwareMemory, va, runs: runs)
            if !same(a, b) {
                divergences.append(Divergence(va: VirtualAddress(va), linux: a, hardware: b))
                if divergences.count >= limit { break }
            }
        }
        return Result(probes: probes, divergences: divergences)
    }

    /// The sorted union of two range walks' starts (each walk yields them in
    /// ascending order), without duplicates: what `merge` gives for the two
    /// `boundaries` lists, one VA at a time.
    struct MergedBoundaries<A: IteratorProtocol<WalkEntry>, B: IteratorProtocol<WalkEntry>>: IteratorProtocol {
        var a: A, b: B
        var nextA: UInt64?, nextB: UInt64?
        var previous: UInt64?

        init(_ a: A, _ b: B) {
            self.a = a
            self.b = b
            nextA = self.a.next()?.va.rawValue
            nextB = self.b.next()?.va.rawValue
        }

        mutating func next() -> UInt64? {
            while true {
                let va: UInt64
                if let x = nextA, nextB.map({ x <= $0 }) ?? true {
                    va = x
                    nextA = a.next()?.va.rawValue
                } else if let y = nextB {
                    va = y
                    nextB = b.next()?.va.rawValue
                } else {
                    return nil
                }
                if va != previous {
                    previous = va
                    return va
                }
            }
        }
    }

    /// How `va` translates under `regime`: the walk core's answer for every
    /// access kind from EL0 and EL1, folded into one mapping.
    public static func result<Memory: PhysicalMemory>(_ regime: TranslationRegime, _ memory: Memory, _ va: UInt64,
                                                      runs: [ContiguousRunProblem]) -> WalkResult {
        let v = VirtualAddress(va)
        // EL1 reads are always permitted, so this is the walk itself.
        let walk = regime.translate(v, access: .read, el: .el1, in: memory)
        let t: Translation
        switch walk {
        case .failure(let f) where f.kind == .notCaptured: return .misprogrammed(f.description)
        case .failure(let f): return .fault(f)
        case .success(let s): t = s
        }
        // A broken contiguous run (the TLB may hold another entry of the run
        // for any VA of it, whether or not its own entry has the bit) or a
        // leaf with RES0 bits set: the answer is not architecturally defined.
        if let problem = regime.problems(of: t, runs: runs).first {
            return .misprogrammed("\(t.level) leaf for \(Hex.short(va)): \(problem)")
        }
        var rights: AccessRights = []
        for kind in AccessKind.allCases {
            for el in ExceptionLevel.allCases {
                if case .success = regime.translate(v, access: kind, el: el, in: memory) { rights.insert(.needed(kind, el)) }
            }
        }
        typealias B = Descriptor.Bits
        let raw = t.descriptor.rawValue
        return .mapped(EffectiveMapping(pa: t.pa.rawValue, rights: rights, attrIndx: UInt64(t.attrIndx), sh: UInt64(t.sh.rawValue),
                                        ns: B.ns.isSet(raw), nG: B.nG.isSet(raw), gp: B.gp.isSet(raw)),
                       level: t.level.rawValue)
    }

    /// The first VA of every item of TTBR0's range walk: the points where
    /// the translation can change.
    public static func boundaries<Memory: PhysicalMemory>(_ regime: TranslationRegime, _ memory: Memory) -> [UInt64] {
        var out: [UInt64] = []
        regime.walk(.ttbr0, in: memory).forEach { out.append($0.va.rawValue) }
        return out
    }

    /// Faults match faults at any level; mappings must match exactly.
    static func same(_ a: WalkResult, _ b: WalkResult) -> Bool {
        switch (a, b) {
        case (.fault, .fault): return true
        case (.mapped(let x, _), .mapped(let y, _)): return x == y
        default: return false
        }
    }

    /// The sorted union of two sorted lists.
    static func merge(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: UInt64
            if j == b.count || (i < a.count && a[i] <= b[j]) { next = a[i]; i += 1 } else { next = b[j]; j += 1 }
            if out.last != next { out.append(next) }
        }
        return out
    }
}
