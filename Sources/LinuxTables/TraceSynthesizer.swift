import VMSA

/// Writes the Linux page-table operations that would build a real
/// process's table: what `vmsa trace` feeds to `vmsa replay`, so a user can
/// ask "what would 64K give this process?".
///
/// Each VMA's present pages become set_ptes batches (runs of consecutive
/// PFNs inside one PTE table) with the protection arm64 Linux would give
/// them: protection_map for the VMA's flags, and for a private writable
/// VMA's anonymous pages the written form pte_mkwrite(pte_mkdirty(…)) of
/// do_anonymous_page and wp_page_copy. Swapped pages become set_swap runs.
/// A 2M-aligned range of an anonymous VMA whose 512 pages are present with
/// consecutive, 2M-aligned PFNs becomes one set_pmd (a transparent huge
/// page; pagemap does not say, so this is an inference).
public struct TraceSynthesizer {
    /// The state of one page as the trace sees it.
    public enum Page: Hashable, Sendable {
        /// Not present and not swapped (pagemap bits 63 and 62 clear).
        case absent
        /// Present (bit 63), with its PFN and whether it is a file page or shared anonymous (bit 61).
        case present(pfn: UInt64, fileOrShared: Bool)
        /// Swapped (bit 62), with its swap type and offset.
        case swapped(type: Int, offset: UInt64)
    }

    static let pageSize = LinuxKernel.granule.pageSize
    static let pmdSize = LinuxPageTable.entrySize(at: .two)
    static let pagesPerPMD = Int(pmdSize / pageSize)

    /// The user address space the trace keeps to (TTBR0 with 48-bit VA).
    public static let vaLimit: UInt64 = 1 << 48

    /// A synthesizer; it keeps no state between processes.
    public init() {}

    /// The protection of a present page of `vma`.
    public static func protection(_ vma: ProcessMapping, fileOrShared: Bool) -> UInt64 {
        let prot = LinuxProtection.vmGetPageProt(vma.flags)
        if vma.flags.contains(.write), !vma.flags.contains(.shared), !fileOrShared {
            return LinuxPTE(prot).mkdirty().mkwrite().rawValue
        }
        return prot
    }

    /// The operations for one VMA whose pages (one per 4K from `vma.start`)
    /// are `pages`, in address order, through `emit`.
    public func operations(for vma: ProcessMapping, pages: [Page], emit: (TableOperation) -> Void) {
        let count = pages.count
        var i = 0
        while i < count {
            let va = vma.start + UInt64(i) * Self.pageSize
            let tableEnd = min(count, i + Self.pagesPerPMD - Int((va / Self.pageSize) % UInt64(Self.pagesPerPMD)))
            switch pages[i] {
            case .absent:
                i += 1
            case .present(let pfn, let fileOrShared):
                if let pmd = hugePage(vma, pages, i, va) {
                    emit(.setPMD(va: VirtualAddress(va), pmd: pmd))
                    i += Self.pagesPerPMD
                    continue
                }
                var n = 1
                while i + n < tableEnd, case .present(let p, let f) = pages[i + n], p == pfn + UInt64(n), f == fileOrShared { n += 1 }
                let pte = LinuxPTE(pfn: pfn, prot: Self.protection(vma, fileOrShared: fileOrShared))
                emit(.setPTEs(va: VirtualAddress(va), pte: pte.rawValue, nr: n))
                i += n
            case .swapped(let type, let offset):
                var n = 1
                while i + n < tableEnd, case .swapped(let t, let o) = pages[i + n], t == type, o == offset + UInt64(n) { n += 1 }
                emit(.setSwap(va: VirtualAddress(va), nr: n, entry: SwapEntry(type: type, offset: offset)))
                i += n
            }
        }
    }

    /// The PMD value when pages[i...] is a transparent huge page.
    func hugePage(_ vma: ProcessMapping, _ pages: [Page], _ i: Int, _ va: UInt64) -> UInt64? {
        guard vma.isAnonymous, va % Self.pmdSize == 0, i + Self.pagesPerPMD <= pages.count,
              case .present(let pfn, let f) = pages[i], pfn % UInt64(Self.pagesPerPMD) == 0 else { return nil }
        for k in 1..<Self.pagesPerPMD {
            guard case .present(let p, let g) = pages[i + k], p == pfn + UInt64(k), g == f else { return nil }
        }
        return LinuxPTE(pfn: pfn, prot: LinuxProtection.section(Self.protection(vma, fileOrShared: f))).rawValue
    }

    /// Hands out physically contiguous, 2M-aligned PFN ranges, one per VMA,
    /// for when pagemap shows no PFNs (no CAP_SYS_ADMIN) or cannot be read:
    /// the best case for the native granule, stated as such.
    public struct SyntheticPFNs {
        /// The next free PFN.
        public private(set) var next: UInt64
        /// Where synthetic frames start: 2 GiB, clear of PFN 0, 2M-aligned.
        public static let firstPFN: UInt64 = 0x80000
        /// PFNs handed out from `first`.
        public init(first: UInt64 = firstPFN) { next = first }
        /// The first of `pages` consecutive PFNs; the next range starts on the following 2M boundary.
        public mutating func range(pages: Int) -> UInt64 {
            let start = next
            let perPMD = UInt64(TraceSynthesizer.pagesPerPMD)
            next = (start + UInt64(pages) + perPMD - 1) / perPMD * perPMD
            return start
        }
    }
}
