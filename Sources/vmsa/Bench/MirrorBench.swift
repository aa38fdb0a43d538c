import LinuxTables
import VMSA

/// `mirror-set-ptes`: ns per set_ptes of one native page (16 x 4K PTEs into
/// one 64K entry) through the Linux-to-native mirror, which finds the native
/// table from the Linux PTE table's list; `mirror-set-ptes-rootwalk`: the
/// same mirror walking the native table from its root for every batch.
/// Both include the 16 Linux PTE writes (contpte-folded) and the native
/// entry; the Linux PTE table is resolved once beforehand, as the kernel
/// holds `ptep` when it calls set_ptes. `mirror-native-entry` and
/// `mirror-native-entry-rootwalk` time the mirror's own step alone (find
/// the native table, build and store the one native entry), where the two
/// lookups differ, on the workload the direct lookup exists for: many
/// processes' sparse tables (`SparseWorkload`), far larger than the caches,
/// visited in random order. No C reference exists for these.
enum MirrorBench {
    static let fullCount = 10_000_000
    /// 64 Linux PTE tables (128 MiB of VA, 2048 native pages): the working
    /// set of a busy process, larger than L1.
    static let pteTables = 64
    /// Processes of the sparse workload, each with `SparseWorkload.tablesPerProcess`
    /// Linux PTE tables: about 300 MiB of Linux and native tables.
    static let sparseProcesses = 64

    static func cases(scale: Int) -> [BenchCase] {
        let count = max(1, fullCount / scale)
        let sparse = SparseWorkload.Lazy(processes: max(1, sparseProcesses / scale))
        return [
            BenchCase(name: "mirror-set-ptes", unit: "batch", swift: { run(.direct, count: count) }, c: nil),
            BenchCase(name: "mirror-set-ptes-rootwalk", unit: "batch", swift: { run(.rootWalk, count: count) }, c: nil),
            BenchCase(name: "mirror-native-entry", unit: "batch", swift: { sparse.workload.run(.direct, count: count) }, c: nil),
            BenchCase(name: "mirror-native-entry-rootwalk", unit: "batch", swift: { sparse.workload.run(.rootWalk, count: count) }, c: nil),
        ]
    }

    static func run(_ lookup: MirrorLookup, count: Int) -> (operations: Int, checksum: UInt64) {
        let process = try! ProcessTables(native: .k64)
        process.mirror.lookup = lookup
        let perPage = process.mirror.linuxPerPage
        let pageSize = process.mirror.granule.pageSize
        let base: UInt64 = 0x7f00_0000_0000
        let pages = pteTables * LinuxPageTable.entries / perPage
        // A power of two, so the loop picks pages with a mask, not a division.
        precondition(pages & (pages - 1) == 0)
        let pageBits = pages.trailingZeroBitCount
        var tables: [TableHandle] = []
        var addresses: [UInt64] = []
        for j in 0..<pages {
            let va = base + UInt64(j) * pageSize
            addresses.append(va)
            tables.append(try! process.pteTable(for: va, allocate: true)!)
        }
        // Two PFN sets and two protections, alternating per pass, so every
        // batch really changes the entries.
        let prots = [LinuxProtection.sharedRW, LinuxProtection.readOnly]
        var checksum: UInt64 = 0
        tables.withUnsafeBufferPointer { t in
            addresses.withUnsafeBufferPointer { a in
                for n in 0..<count {
                    let j = n & (pages - 1)
                    let pass = (n >> pageBits) & 1
                    let pte = LinuxPTE(pfn: 0x40000 + UInt64(pass << 20) + UInt64(j * perPage), prot: prots[pass])
                    if process.setPTEs(inPTETable: t[j], a[j], pte, nr: perPage) != nil { checksum &+= 1 }
                }
            }
        }
        let last = process.mirror.walkFromRoot(addresses[pages - 1], to: .three)!
        checksum ^= process.mirror.arena[table: last, index: process.mirror.index(of: addresses[pages - 1], at: .three)]
        return (count, checksum ^ UInt64(process.translated))
    }
}

/// The cache-cold workload of `mirror-native-entry`: `processes` processes
/// with 64K native tables, each with `tablesPerProcess` Linux PTE tables at
/// random 2M-aligned user addresses (so each feeds its own native level-3
/// and mostly its own level-2 table), every native page mapped once; the
/// timed loop re-mirrors one random native page of one random PTE table per
/// batch (`NativeMirror.mirrorPTEs` with set_ptes' uniform value).
struct SparseWorkload {
    static let tablesPerProcess = 32
    /// User addresses below 2^47, as a 47-bit user VA space gives.
    static let userVABits: UInt64 = 47

    /// Built on first use, so that a `--filter` without it costs nothing.
    final class Lazy {
        let processes: Int
        lazy var workload = SparseWorkload(processes: processes)
        init(processes: Int) { self.processes = processes }
    }

    /// One native page: its tables unretained (the workload keeps them
    /// alive), so the loop times the mirror, not reference counting.
    struct Target {
        let mirror: Unmanaged<NativeMirror>
        let linux: Unmanaged<LinuxPageTable>
        let pteTable: TableHandle
        let va: UInt64
        let pte: LinuxPTE
    }

    let processes: [ProcessTables]
    /// Every native page of every PTE table, in random order.
    let targets: [Target]

    init(processes count: Int) {
        var rng = SplitMix64(seed: 0x7370_6172)
        var processes: [ProcessTables] = []
        var targets: [Target] = []
        let pmdSpan = LinuxPageTable.entrySize(at: .two)
        for p in 0..<count {
            let process = try! ProcessTables(native: .k64)
            let perPage = process.mirror.linuxPerPage
            let pageSize = process.mirror.granule.pageSize
            var bases = Set<UInt64>()
            while bases.count < Self.tablesPerProcess {
                bases.insert(rng.next() % (1 << Self.userVABits) & ~(pmdSpan - 1))
            }
            for (j, base) in bases.sorted().enumerated() {
                let table = try! process.pteTable(for: base, allocate: true)!
                for k in 0..<Int(pmdSpan / pageSize) {
                    let va = base + UInt64(k) * pageSize
                    let pfn = UInt64(((p * Self.tablesPerProcess + j) * Int(pmdSpan / pageSize) + k) * perPage)
                    let pte = LinuxPTE(pfn: 0x40000 + pfn, prot: LinuxProtection.sharedRW)
                    _ = process.setPTEs(inPTETable: table, va, pte, nr: perPage)
                    targets.append(Target(mirror: .passUnretained(process.mirror), linux: .passUnretained(process.linux),
                                          pteTable: table, va: va, pte: pte))
                }
            }
            processes.append(process)
        }
        // Fisher-Yates with the bench's own generator: the same order every run.
        for i in stride(from: targets.count - 1, to: 0, by: -1) {
            targets.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        self.processes = processes
        self.targets = targets
    }

    func run(_ lookup: MirrorLookup, count: Int) -> (operations: Int, checksum: UInt64) {
        for p in processes { p.mirror.lookup = lookup }
        var checksum: UInt64 = 0
        targets.withUnsafeBufferPointer { t in
            var j = 0
            for _ in 0..<count {
                let target = t[j]
                let reason = target.mirror._withUnsafeGuaranteedRef { mirror in
                    target.linux._withUnsafeGuaranteedRef { linux in
                        mirror.mirrorPTEs(linux, pteTable: target.pteTable, va: target.va, nr: mirror.linuxPerPage, uniform: target.pte)
                    }
                }
                if reason != nil { checksum &+= 1 }
                j &+= 1
                if j == t.count { j = 0 }
            }
        }
        for p in processes { checksum &+= UInt64(p.mirror.tableBytes) }
        return (count, checksum)
    }
}
