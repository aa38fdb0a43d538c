import Testing
import VMSA
@testable import LinuxTables

/// `ProcessTables.reset()` against a new process: a reset that left state
/// behind would hide bugs from whoever reuses one process (the trace fuzzer).
@Suite("A reset process is a new one")
struct ResetTests {
    /// Everything a process holds, compared between `a` and `b`.
    static func expectSame(_ a: ProcessTables, _ b: ProcessTables) throws {
        #expect(a.mode == b.mode)
        #expect(a.operations == b.operations && a.translated == b.translated && a.fallbacks == b.fallbacks)
        #expect(a.nativeReclaimed == b.nativeReclaimed)
        #expect(a.mirror.inexpressiblePages == b.mirror.inexpressiblePages)
        #expect(a.mirror.root == b.mirror.root)
        for (x, y) in [(a.linux.arena, b.linux.arena), (a.mirror.arena, b.mirror.arena)] {
            #expect(x.highWater == y.highWater && x.liveTables == y.liveTables)
            for t in (0..<x.highWater).map(TableHandle.init(rawValue:)) {
                #expect(x.isLive(t) == y.isLive(t), "\(t)")
                guard x.isLive(t) else { continue }
                #expect(x[referencesOf: t] == y[referencesOf: t] && x.parent(of: t)?.table == y.parent(of: t)?.table
                        && x.parent(of: t)?.index == y.parent(of: t)?.index, "\(t)")
            }
        }
        // The Linux tables' lists of native tables; past the smaller list
        // buffer, the larger one must name nothing.
        let common = min(a.mirror.slotCapacity, b.mirror.slotCapacity)
        for (p, capacity) in [(a, a.mirror.slotCapacity), (b, b.mirror.slotCapacity)] {
            for t in (common..<capacity).map(TableHandle.init(rawValue:)) {
                for k in 0..<NativeMirror.slotsPerLinuxTable { #expect(p.mirror.slot(t, k) == -1, "\(t) list \(k)") }
            }
        }
        for t in (0..<common).map(TableHandle.init(rawValue:)) {
            for k in 0..<NativeMirror.slotsPerLinuxTable { #expect(a.mirror.slot(t, k) == b.mirror.slot(t, k), "\(t) list \(k)") }
        }
        #expect(a.linuxImage() == b.linuxImage())
        #expect(try a.nativeImage() == b.nativeImage())
    }

    @Test(arguments: [Granule.k16, .k64])
    func resetProcessBehavesAsANewOne(granule: Granule) throws {
        // A process that allocated, freed, fell back and reclaimed...
        var dirt = RandomOperations(seed: 13)
        let reused = try ProcessTables(native: granule)
        for _ in 0..<3000 { _ = Result { () throws(LinuxTableError) in try reused.apply(dirt.next()) } }
        #expect(reused.fallbacks > 0 && reused.linux.arena.highWater > 1 && reused.mirror.arena.highWater > 1)
        reused.reset()
        let fresh = try ProcessTables(native: granule)
        try Self.expectSame(reused, fresh)
        // ...then given the same operations as a new one: the same results at every step.
        var gen = RandomOperations(seed: 17)
        for step in 0..<3000 {
            let op = gen.next()
            let a = Result { () throws(LinuxTableError) in try reused.apply(op) }
            let b = Result { () throws(LinuxTableError) in try fresh.apply(op) }
            #expect(a == b, "step \(step): \(op)")
        }
        try Self.expectSame(reused, fresh)
    }

    @Test("a reset process hits the same table limit as a new one", arguments: [Granule.k16, .k64])
    func resetKeepsTheLimit(granule: Granule) throws {
        // The PGD and one PUD, PMD and PTE table: the limit, reached by one page.
        let limit = 4
        let pte = LinuxPTE(0x0068_0000_4120_0fc3)
        let reused = try ProcessTables(native: granule, linuxTableLimit: limit)
        _ = try reused.setPTEs(VirtualAddress(0), pte, nr: 1)
        reused.reset()
        let fresh = try ProcessTables(native: granule, linuxTableLimit: limit)
        for p in [reused, fresh] {
            _ = try p.setPTEs(VirtualAddress(0), pte, nr: 1)
            // Another PGD entry needs three more tables.
            #expect(throws: LinuxTableError.outOfDescriptorMemory(tables: limit)) {
                _ = try p.setPTEs(VirtualAddress(1 << 39), pte, nr: 1)
            }
        }
        try Self.expectSame(reused, fresh)
    }
}
