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
            if n % checkEvery == 0 || (p.mode == .native && n % (checkEvery / 8) == 0) {
                checks += 1
                if p.mode == .native { nativeChecks += 1 }
                divergences += try EquivalenceChecker.check(p).divergences
                #expect(p.mode == (p.mirror.inexpressiblePages == 0 ? .native : .fallback))
            }
        }
        return (p.operations, p.fallbacks, nativeChecks, checks, divergences)
    }

    /// Applies `op`; a PTE batch over a huge leaf (the kernel would split
    /// it first) zaps the leaf and retries.
    static func applyZappingLeaves(_ p: ProcessTables, _ op: TableOperation) throws {
        let result = Result { () throws(LinuxTableError) in try p.apply(op) }
        guard case .failure(let error) = result else { return }
        guard case .leafInTheWay(_, let va, let level) = error else { throw error }
        let start = va & ~(LinuxPageTable.entrySize(at: level) - 1)
        try p.apply(level.rawValue == 1 ? .clearPUD(va: start) : .clearPMD(va: start))
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
