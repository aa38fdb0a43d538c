import Testing
import VMSA
import VMSATables
@testable import LinuxTables

/// The synthetic trace `vmsa trace --synthetic` writes: reproducible from
/// its seed, within its span, every operation one the native tables can
/// hold, and its replay equivalent.
struct SyntheticTraceTests {
    /// The first operations of seed 1, as `vmsa trace --synthetic 3 --seed 1` writes them.
    @Test func seedOneStartsWithTheseOperations() throws {
        let ops = Array(try SyntheticTrace(count: 3, seed: 1))
        #expect(ops == [
            .setPTEs(va: VirtualAddress(0x1025_cc10_000), pte: 0x0068_0002_dcc1_0fc3, nr: 16),
            .setPTEs(va: VirtualAddress(0x10e_ec67_0000), pte: 0x0068_000f_6c67_0fc3, nr: 16),
            .setPTEs(va: VirtualAddress(0x102_555e_0000), pte: 0x0068_0002_d55e_0fc3, nr: 16),
        ])
    }

    @Test func theSameSeedGivesTheSameTraceAndAnotherSeedAnother() throws {
        let a = Array(try SyntheticTrace(count: 5000, seed: 7, span: 1 << 24))
        let b = Array(try SyntheticTrace(count: 5000, seed: 7, span: 1 << 24))
        let c = Array(try SyntheticTrace(count: 5000, seed: 8, span: 1 << 24))
        #expect(a.count == 5000)
        #expect(a == b)
        #expect(a != c)
        // A shorter trace is the start of a longer one.
        #expect(Array(try SyntheticTrace(count: 100, seed: 7, span: 1 << 24)) == Array(a.prefix(100)))
    }

    /// Every batch is set before anything else touches it, lies in the span,
    /// and is 64K-aligned with its PFNs (so every native granule holds it).
    @Test func operationsStayInTheSpanOnWholeBatches() throws {
        let span: UInt64 = 1 << 22
        var mapped = Set<UInt64>()
        var kinds = Set<String>()
        for op in try SyntheticTrace(count: 20000, seed: 3, span: span) {
            kinds.insert(op.name)
            let va: UInt64
            switch op {
            case .setPTEs(let a, let pte, let nr):
                let v = a.rawValue
                #expect(nr == 16 && !mapped.contains(v))
                #expect(LinuxPTE(pte).pfn * LinuxKernel.granule.pageSize == v - SyntheticTrace.firstVA
                    + TraceSynthesizer.SyntheticPFNs.firstPFN * LinuxKernel.granule.pageSize)
                mapped.insert(v)
                va = v
            case .clearPTEs(let a, let nr):
                let v = a.rawValue
                #expect(nr == 16 && mapped.remove(v) != nil)
                va = v
            case .modifyProt(let a, let nr, _), .wrprotect(let a, let nr), .youngDirty(.mkold, let a, let nr):
                let v = a.rawValue
                #expect(nr == 16 && mapped.contains(v))
                va = v
            default:
                Issue.record("unexpected \(op)")
                continue
            }
            #expect(va % Granule.k64.pageSize == 0 && va >= SyntheticTrace.firstVA && va < SyntheticTrace.firstVA + span)
        }
        #expect(kinds == ["set_ptes", "clear_ptes", "modify_prot", "wrprotect", "mkold"])
    }

    @Test(arguments: [Granule.k16, .k64])
    func replaysNativeAndEquivalent(granule: Granule) throws {
        let process = try ProcessTables(native: granule)
        for op in try SyntheticTrace(count: 20000, seed: 5, span: 1 << 26) {
            #expect(try process.apply(op) == nil)
        }
        let report = try ReplayReport(process, warnings: 0)
        #expect(report.operations == 20000 && report.translated == 20000 && report.fallbacks == 0)
        #expect(report.mode == .native && report.equivalence.equivalent)
    }

    /// The checker's streamed union of both walks' starts is the sorted,
    /// duplicate-free union of the two lists.
    @Test func streamedBoundariesAreTheMergedLists() throws {
        let process = try ProcessTables(native: .k64)
        for op in try SyntheticTrace(count: 3000, seed: 9, span: 1 << 26) { _ = try process.apply(op) }
        let linux = process.linux.regime, native = process.mirror.regime
        let lists = EquivalenceChecker.merge(EquivalenceChecker.boundaries(linux, process.linux.arena),
                                             EquivalenceChecker.boundaries(native, process.mirror.arena))
        var streamed = EquivalenceChecker.MergedBoundaries(linux.walk(.ttbr0, in: process.linux.arena).makeIterator(),
                                                           native.walk(.ttbr0, in: process.mirror.arena).makeIterator())
        var got: [UInt64] = []
        while let va = streamed.next() { got.append(va) }
        #expect(got.count > 1000)
        #expect(got == lists)
        #expect(try EquivalenceChecker.check(process).probes == lists.count)
    }

    @Test func badArgumentsAreRefused() {
        #expect(throws: SyntheticTraceError.negativeCount(-1)) { try SyntheticTrace(count: -1) }
        #expect(throws: SyntheticTraceError.badSpan(0x3000)) { try SyntheticTrace(count: 1, span: 0x3000) }
        #expect(throws: SyntheticTraceError.badSpan(0x8000)) { try SyntheticTrace(count: 1, span: 0x8000) }
        #expect(throws: SyntheticTraceError.badSpan(1 << 48)) { try SyntheticTrace(count: 1, span: 1 << 48) }
        #expect(SyntheticTraceError.badSpan(0x3000).description
            == "the span 0x3000 is not a power of two from 64 KiB up to 255 TiB")
    }
}
