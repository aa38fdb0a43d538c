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
/// lookups differ. No C reference exists for these.
enum MirrorBench {
    static let fullCount = 10_000_000
    /// 64 Linux PTE tables (128 MiB of VA, 2048 native pages): the working
    /// set of a busy process, larger than L1.
    static let pteTables = 64

    static func cases(scale: Int) -> [BenchCase] {
        let count = max(1, fullCount / scale)
        return [
            BenchCase(name: "mirror-set-ptes", unit: "batch", swift: { run(.direct, count: count) }, c: nil),
            BenchCase(name: "mirror-set-ptes-rootwalk", unit: "batch", swift: { run(.rootWalk, count: count) }, c: nil),
            BenchCase(name: "mirror-native-entry", unit: "batch", swift: { run(.direct, count: count, mirrorOnly: true) }, c: nil),
            BenchCase(name: "mirror-native-entry-rootwalk", unit: "batch",
                      swift: { run(.rootWalk, count: count, mirrorOnly: true) }, c: nil),
        ]
    }

    static func run(_ lookup: MirrorLookup, count: Int, mirrorOnly: Bool = false) -> (operations: Int, checksum: UInt64) {
        let process = try! ProcessTables(native: .k64)
        process.mirror.lookup = lookup
        let perPage = process.mirror.linuxPerPage
        let pageSize = process.mirror.granule.pageSize
        let base: UInt64 = 0x7f00_0000_0000
        let pages = pteTables * LinuxPageTable.entries / perPage
        // A power of two, so the loop picks pages with a mask, not a division.
        precondition(pages & (pages - 1) == 0)
        let pageBits = pages.trailingZeroBitCount
        var tables: [Int] = []
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
        if mirrorOnly {
            // The Linux PTEs are written once; each batch re-mirrors one native page.
            var ptes: [LinuxPTE] = []
            for j in 0..<pages {
                let pte = LinuxPTE(pfn: 0x40000 + UInt64(j * perPage), prot: prots[j & 1])
                _ = process.setPTEs(inPTETable: tables[j], addresses[j], pte, nr: perPage)
                ptes.append(pte)
            }
            let mirror = process.mirror, linux = process.linux
            tables.withUnsafeBufferPointer { t in
                addresses.withUnsafeBufferPointer { a in
                    ptes.withUnsafeBufferPointer { p in
                        for n in 0..<count {
                            let j = n & (pages - 1)
                            if mirror.mirrorPTEs(linux, pteTable: t[j], va: a[j], nr: perPage, uniform: p[j]) != nil {
                                checksum &+= 1
                            }
                        }
                    }
                }
            }
            return (count, checksum ^ UInt64(mirror.tableBytes))
        }
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
