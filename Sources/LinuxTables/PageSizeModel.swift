import VMSA

/// What allocating in 16K or 64K pages while mapping in 4K (PTE_SIZE <
/// PG_SIZE, the x86 proposal's split) would cost and save for a real
/// process, counted in bytes. Sums over processes with `+=`.
public struct PageSizeCost: Hashable, Sendable {
    /// Memory the process holds at 4K (present pages, huge leaves whole).
    public var residentBytes: UInt64 = 0
    /// Memory it holds when every partly used page is allocated whole.
    public var allocatedBytes: UInt64 = 0
    /// struct page memory no longer needed: one per page instead of one per 4K.
    public var structPageBytesSaved: UInt64 = 0
    /// Memory mapped (the 4K mappings stay as they are): the resident memory.
    public var mappedBytes: UInt64 = 0
    /// Mapped memory in naturally aligned runs of whole pages (VA and PA
    /// aligned to the page, every 4K of it mapped): what TLB coalescing or
    /// contiguous entries could use. Huge leaves count whole.
    public var alignedBytes: UInt64 = 0

    /// Nothing counted: the start of a sum.
    public init() {}

    /// Memory the larger allocation granule adds: `allocatedBytes - residentBytes`.
    public var addedBytes: UInt64 { allocatedBytes - residentBytes }

    /// Adds `b`'s bytes to `a`'s, for totals over processes.
    public static func += (a: inout PageSizeCost, b: PageSizeCost) {
        a.residentBytes += b.residentBytes
        a.allocatedBytes += b.allocatedBytes
        a.structPageBytesSaved += b.structPageBytesSaved
        a.mappedBytes += b.mappedBytes
        a.alignedBytes += b.alignedBytes
    }
}

/// The PG_SIZE model: the same process with a 16K or 64K allocation
/// granule and its 4K mappings unchanged.
///
/// - Private anonymous memory (and a private file mapping's written pages,
///   its copies on write: PTE_WRITE in a private mapping) is allocated by
///   VA: one page per naturally aligned chunk of VA with anything present.
/// - File and shared memory is allocated by file offset: one page-cache page
///   per aligned chunk of the file with anything present, once per file
///   however many VMAs map it; the part of the last page past end of file
///   is allocated too.
/// - A chunk is aligned for the TLB when all its 4K pages are mapped, in
///   one VMA, at a VA congruent to the chunk's page (by VA for anonymous
///   memory, by file offset modulo the page for a file).
public struct PageSizeModel: Sendable {
    /// sizeof(struct page) on 64-bit Linux: the memory map costs this per order-0 page.
    public static let structPageBytes: UInt64 = 64

    /// The allocation granule modelled: 16K or 64K.
    public let granule: Granule
    /// The model for allocation in `granule` pages.
    public init(granule: Granule) { self.granule = granule }

    /// Which allocation a present 4K page belongs to.
    enum Chunk: Hashable {
        case anonymous(UInt64)
        case file(String, UInt64)
    }

    /// What allocating `snapshot`'s present memory in `granule` pages costs and saves.
    public func cost(of snapshot: ProcessSnapshot) -> PageSizeCost {
        let g = granule.pageSize, page = LinuxKernel.granule.pageSize
        let perChunk = Int(g / page)
        var cost = PageSizeCost()
        var chunks = Set<Chunk>()
        var residentPages: UInt64 = 0, hugePages: UInt64 = 0
        for vma in snapshot.vmas {
            let shared = vma.flags.contains(.shared)
            // Shared anonymous memory (shmem) has no path: name it by its VMA.
            let file = vma.path.isEmpty ? "shared anonymous at \(Hex.short(vma.start))" : vma.path
            // Present 4K pages per VA chunk of this VMA, and whether that chunk can be aligned.
            var inVMA: [UInt64: (count: Int, alignable: Bool)] = [:]
            for leaf in snapshot.leaves(of: vma) where leaf.pte.isPresent {
                if !leaf.level.isLast {
                    cost.allocatedBytes += leaf.size
                    cost.alignedBytes += leaf.size
                    residentPages += leaf.size / page
                    hugePages += leaf.size / g
                    continue
                }
                residentPages += 1
                let byVA = (vma.isAnonymous && !shared) || (!shared && leaf.pte.isWrite)
                let fileOffset = vma.offset + (leaf.va - vma.start)
                chunks.insert(byVA ? .anonymous(leaf.va / g) : .file(file, fileOffset / g))
                let chunk = leaf.va / g
                let alignable = byVA || (leaf.va - fileOffset) % g == 0
                let seen = inVMA[chunk] ?? (0, true)
                inVMA[chunk] = (seen.count + 1, seen.alignable && alignable)
            }
            for (_, c) in inVMA where c.count == perChunk && c.alignable { cost.alignedBytes += g }
        }
        cost.residentBytes = residentPages * page
        cost.allocatedBytes += UInt64(chunks.count) * g
        cost.mappedBytes = cost.residentBytes
        let pagesAtGranule = UInt64(chunks.count) + hugePages
        cost.structPageBytesSaved = (residentPages - pagesAtGranule) * Self.structPageBytes
        return cost
    }
}
