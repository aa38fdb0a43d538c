import VMSA

/// One VA whose translation through the active hardware table differs
/// from its translation through the Linux table.
public struct Divergence: Hashable, Sendable, CustomStringConvertible {
    public var va: UInt64
    public var linux: WalkResult
    public var hardware: WalkResult
    public var description: String {
        "\(Hex.short(va)): Linux table gives \(linux), hardware table gives \(hardware)"
    }
}

/// The invariant of per-process page size: every VA translates the same way
/// (fault or not; PA, permissions and attributes) through the active
/// hardware table as through the Linux table.
///
/// Both tables are walked from their registers and descriptor words by
/// `HardwareWalk`, never from the mirror's bookkeeping. The Linux table is
/// read entry by entry (the kernel's view; PTE_CONT is a hint to it); the
/// hardware table is read as the MMU may, with contiguous runs checked. A
/// translation is the same everywhere between two consecutive leaf or hole
/// boundaries of either table (both are then one affine mapping), so the
/// union of the boundaries covers every VA.
public enum EquivalenceChecker {
    public struct Result: Sendable {
        public var equivalent: Bool { divergences.isEmpty }
        /// Addresses compared.
        public var probes: Int
        /// The first divergences found (at most `limit`).
        public var divergences: [Divergence]
    }

    public static func check(_ process: ProcessTables, limit: Int = 8) throws(LinuxTableError) -> Result {
        try process.ensureNative()
        let linuxWalk = HardwareWalk(tcr: process.linux.tcr, ttbr0: process.linux.ttbr0, memory: process.linux.arena)!
        let hardwareWalk = HardwareWalk(tcr: process.activeTCR, ttbr0: process.activeTTBR0, memory: process.activeMemory)!
        let points = merge(linuxWalk.boundaries(), hardwareWalk.boundaries())
        var divergences: [Divergence] = []
        for va in points {
            let a = linuxWalk.translate(va, checkContiguous: false)
            let b = hardwareWalk.translate(va, checkContiguous: true)
            if !same(a, b) {
                divergences.append(Divergence(va: va, linux: a, hardware: b))
                if divergences.count >= limit { break }
            }
        }
        return Result(probes: points.count, divergences: divergences)
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
