import PropertyBased
import Testing
import VMSA
@testable import LinuxTables

/// Random operation sequences never make the active hardware table
/// translate any VA differently from the Linux table.
struct EquivalencePropertyTests {
    static let sequences = 50
    static let operationsPerSequence = 4000
    static let checkEvery = 400

    /// Runs one seeded sequence; returns the operations applied and the
    /// divergences found.
    static func run(seed: UInt64, granule: Granule) throws -> (ops: Int, fallbacks: Int, nativeChecks: Int, checks: Int, divergences: [Divergence]) {
        let p = try ProcessTables(native: granule)
        var gen = RandomOperations(seed: seed)
        var divergences: [Divergence] = []
        var checks = 0, nativeChecks = 0
        for n in 1...operationsPerSequence {
            let op = gen.next()
            try applyZappingLeaves(p, op)
            // Check at fixed points and whenever the native table is active,
            // which is where the mirror is put to the test.
            if n % checkEvery == 0 {
                // The incrementally kept native table is exactly what a rebuild
                // from the Linux table gives (young/dirty included).
                try p.ensureNative()
                let kept = nativeLeaves(p.mirror)
                p.reclaimNative()
                try p.ensureNative()
                #expect(nativeLeaves(p.mirror) == kept, "seed \(seed): native table differs from its rebuild after \(n) operations")
            }
            if n % checkEvery == 0 || (p.mode == .native && n % (checkEvery / 8) == 0) {
                checks += 1
                if p.mode == .native { nativeChecks += 1 }
                divergences += try EquivalenceChecker.check(p).divergences
                #expect(p.mode == (p.mirror.inexpressiblePages == 0 ? .native : .fallback))
            }
        }
        return (p.operations, p.fallbacks, nativeChecks, checks, divergences)
    }

    /// Every non-zero native leaf-level word (entries and inexpressible
    /// markers), by VA.
    static func nativeLeaves(_ m: NativeMirror) -> [UInt64: UInt64] {
        var out: [UInt64: UInt64] = [:]
        func visit(_ t: TableHandle, _ level: Level, _ base: UInt64) {
            let count = 1 << m.granule.indexBits(at: level, inputBits: NativeMirror.inputBits)
            for i in 0..<count {
                let raw = m.arena[table: t, index: i]
                guard raw != 0 else { continue }
                let va = base + UInt64(i) * m.granule.entrySize(at: level)
                if !level.isLast, LinuxPageTable.isTable(raw), let c = m.arena.table(atPhysicalAddress: m.format.address(of: raw)) {
                    visit(c, level.next, va)
                } else {
                    out[va] = raw
                }
            }
        }
        visit(m.root, m.startLevel, 0)
        return out
    }

    /// Applies `op`; a PTE batch over a huge leaf (the kernel would split
    /// it first) zaps the leaf and retries.
    static func applyZappingLeaves(_ p: ProcessTables, _ op: TableOperation) throws {
        let result = Result { () throws(LinuxTableError) in try p.apply(op) }
        guard case .failure(let error) = result else { return }
        guard case .leafInTheWay(_, let va, let level) = error else { throw error }
        let start = va & ~(LinuxPageTable.entrySize(at: level) - 1)
        try p.apply(level.rawValue == 1 ? .clearPUD(va: VirtualAddress(start)) : .clearPMD(va: VirtualAddress(start)))
        try p.apply(op)
    }

    @Test(arguments: [Granule.k16, .k64])
    func randomSequencesStayEquivalent(granule: Granule) async throws {
        var total = 0, fallbacks = 0, checks = 0, nativeChecks = 0, sequences = 0
        await propertyCheck(count: Self.sequences, input: Gen.uint64()) { seed in
            let r = try Self.run(seed: seed, granule: granule)
            #expect(r.divergences.isEmpty, "seed \(seed): \(r.divergences)")
            total += r.ops
            fallbacks += r.fallbacks
            checks += r.checks
            nativeChecks += r.nativeChecks
            sequences += 1
        }
        print("\(granule): \(sequences) sequences, \(total) operations, \(fallbacks) fallbacks, \(checks) checks (\(nativeChecks) on the native table)")
        // Hundreds of thousands of operations, both outcomes exercised, and
        // the native table active at a good share of the checks.
        #expect(total >= 150_000)
        #expect(fallbacks > 0 && fallbacks < total)
        #expect(nativeChecks * 4 >= checks)
    }
}
