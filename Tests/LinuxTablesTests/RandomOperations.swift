import VMSA
@testable import LinuxTables

/// Seeded draws: `SplitMix64` from VMSA, so a failure replays from its seed.
typealias SplitMix = SplitMix64

/// Random Linux-table operations over a small window, biased so that they
/// hit each other: native- and contpte-aligned batches and PFNs most of the
/// time, arbitrary ones otherwise, huge leaves over populated ranges, frees,
/// reclaims.
struct RandomOperations {
    var rng: SplitMix
    /// PTE batches land in these 2M regions (4 PTE tables).
    static let pteBase: UInt64 = 0x7f00_0000_0000
    static let pteRegions: UInt64 = 4
    /// PMD leaves land here and over the PTE regions; PUD leaves over both.
    static let pmdBase: UInt64 = 0x7f00_0080_0000
    static let pudBase: UInt64 = 0x7f00_4000_0000

    static let protections: [UInt64] = [
        LinuxProtection.sharedRW, LinuxProtection.readOnly, LinuxProtection.readOnlyExec,
        LinuxProtection.sharedExec, LinuxProtection.none,
        LinuxPTE(LinuxProtection.sharedRW).mkdirty().rawValue,
        LinuxPTE(LinuxProtection.sharedRW).mkold().rawValue,
        LinuxPTE(LinuxProtection.readOnly).mkspecial().rawValue,
    ]

    init(seed: UInt64) { rng = SplitMix(seed: seed) }

    mutating func below(_ n: UInt64) -> UInt64 { rng.next() % n }
    mutating func chance(_ percent: UInt64) -> Bool { below(100) < percent }

    mutating func pteAddress() -> UInt64 {
        let region = Self.pteBase + below(Self.pteRegions) * (2 << 20)
        let pageIndex: UInt64
        switch below(10) {
        case 0..<7: pageIndex = below(32) * 16     // 64K-aligned
        case 7, 8: pageIndex = below(128) * 4      // 16K-aligned
        default: pageIndex = below(512)
        }
        return region + pageIndex << 12
    }

    mutating func count(at va: UInt64) -> Int {
        let room = 512 - Int((va >> 12) & 511)
        let nr = chance(80) ? [16, 16, 32, 64, 4, 8][Int(below(6))] : Int(below(40)) + 1
        return min(nr, room)
    }

    mutating func pte() -> UInt64 {
        let prot = Self.protections[Int(below(UInt64(Self.protections.count)))]
        let pfn = chance(85) ? 0x40000 + below(64) * 16 : 0x40000 + below(1024)
        return LinuxPTE(pfn: pfn, prot: prot).rawValue
    }

    mutating func next() -> TableOperation {
        let roll = below(100)
        switch roll {
        case 0..<30:
            let va = pteAddress()
            return .setPTEs(va: VirtualAddress(va), pte: pte(), nr: count(at: va))
        case 30..<40:
            let va = pteAddress()
            return .clearPTEs(va: VirtualAddress(va), nr: count(at: va))
        case 40..<50:
            let va = pteAddress()
            return .modifyProt(va: VirtualAddress(va), nr: count(at: va), prot: Self.protections[Int(below(UInt64(Self.protections.count)))])
        case 50..<57:
            let va = pteAddress()
            return .wrprotect(va: VirtualAddress(va), nr: count(at: va))
        case 57..<69:
            let va = pteAddress()
            return .youngDirty(YoungDirtyChange.allCases[Int(below(4))], va: VirtualAddress(va), nr: count(at: va))
        case 69..<76:
            let va = pteAddress()
            return .setSwap(va: VirtualAddress(va), nr: count(at: va),
                            entry: SwapEntry(type: Int(below(32)), offset: 1 + below(4096), exclusive: chance(50), uffdWP: chance(20)))
        case 76..<82:
            let va = chance(50) ? Self.pmdBase + below(4) * (2 << 20) : Self.pteBase + below(Self.pteRegions) * (2 << 20)
            let prot = LinuxProtection.section(Self.protections[Int(below(UInt64(Self.protections.count)))])
            return .setPMD(va: VirtualAddress(va), pmd: LinuxPTE(pfn: 0x80000 + below(8) * 512, prot: prot).rawValue)
        case 82..<85:
            return .clearPMD(va: VirtualAddress(Self.pmdBase + below(4) * (2 << 20)))
        case 85..<87:
            let va = chance(70) ? Self.pudBase : Self.pteBase & ~((1 << 30) - 1)
            let prot = LinuxProtection.section(Self.protections[Int(below(4))])
            return .setPUD(va: VirtualAddress(va), pud: LinuxPTE(pfn: 0x100000 + below(4) * (1 << 18), prot: prot).rawValue)
        case 87..<88:
            return .clearPUD(va: VirtualAddress(chance(70) ? Self.pudBase : Self.pteBase & ~((1 << 30) - 1)))
        case 88..<90:
            return .freePTE(va: VirtualAddress(pteAddress()))
        case 90..<92:
            // Unmap a whole PTE table's range (munmap, exit): heals split pages.
            return .clearPTEs(va: VirtualAddress(Self.pteBase + below(Self.pteRegions) * (2 << 20)), nr: 512)
        case 92..<93:
            return .freePMD(va: VirtualAddress(Self.pteBase))
        case 93..<97:
            return .allocPTE(va: VirtualAddress(pteAddress()))
        default:
            return .reclaim
        }
    }
}
