import VMSA

/// The ABI adapter of the per-process page size proposal, applied to a real
/// 4K process: the process as it would be had it run with 16K or 64K pages
/// on the native table, written as the trace that builds its tables.
///
/// - Every VMA is rounded out to the process page size. Where rounding
///   would make it share a process page with the VMA before it, it is
///   placed higher by whole process pages (whole huge leaves when it holds
///   one); a file mapping is first placed at a VA congruent to its file
///   offset modulo the page size, as a process that can only map whole
///   pages of the file would have it.
/// - A process page is faulted in whole when the 4K process had any of its
///   4K pages present (a folio of at least the process order), and swapped
///   out whole when it had none present and some swapped.
/// - In a file mapping, the 4K pages of a faulted process page that lie past
///   end of file are anonymous padding (the proposal's "a 64K process
///   mapping a 12K file gets 13 anonymous 4K pages").
/// - Each process page takes the attributes of its 4K pages: a written
///   (PTE_WRITE) one's when there is one, since one folio is copied on
///   write as a whole; Access flag and dirty gathered as contpte does.
/// - Frames are fresh and physically consecutive (`AdaptedFrames`); huge
///   leaves stay huge when their VA stays aligned.
/// So every batch covers whole native pages with aligned, consecutive
/// frames and uniform attributes: an adapted process has no fallbacks.
public struct ABIAdapter: Sendable {
    /// The process page size: 16K or 64K.
    public let granule: Granule

    /// An adapter to `granule`, which must be 16K or 64K.
    public init(granule: Granule) {
        precondition(granule != LinuxKernel.granule, "the adapter's process page size is 16K or 64K")
        self.granule = granule
    }

    var pageSize: UInt64 { granule.pageSize }
    static let linuxPage = LinuxKernel.granule.pageSize
    /// 4K pages per process page: 4 or 16.
    var subPages: Int { Int(pageSize / Self.linuxPage) }

    /// Where one VMA goes in the adapted process.
    struct Placement {
        /// The rounded VMA (its offset moved down with its start).
        var vma: ProcessMapping
        /// Bytes the VMA moved up; the original [start, end) now sits at [start + shift, end + shift).
        var shift: UInt64
        /// Whether huge leaves stay huge (their VA stays aligned to their size).
        var keepsHugeLeaves: Bool
    }

    /// Adapts `snapshot`, handing each record of the adapted process's trace
    /// (each VMA, then its operations) to `emit`; returns what it cost.
    public func adapt(_ snapshot: ProcessSnapshot, emit: (TraceRecord) -> Void) -> AdapterCost {
        var cost = AdapterCost()
        var frames = AdaptedFrames()
        var floor: UInt64 = 0
        let limit = min(TraceSynthesizer.vaLimit, 1 << UInt64(snapshot.tables.linux.vaBits))
        for vma in snapshot.vmas {
            let leaves = snapshot.leaves(of: vma)
            guard let placed = place(vma, leaves, above: floor, limit: limit) else {
                cost.skippedVMAs += 1
                continue
            }
            floor = placed.vma.end
            cost.vmas += 1
            if placed.shift != 0 { cost.movedVMAs += 1 }
            emit(.vma(placed.vma))
            adaptPages(vma, placed, leaves, &cost, &frames) { emit(.operation($0)) }
        }
        return cost
    }

    /// Rounds `vma` out, placing it at or above `floor`; nil when it would end past `limit`
    /// (the user address space).
    func place(_ vma: ProcessMapping, _ leaves: [ProcessSnapshot.Leaf], above floor: UInt64,
               limit: UInt64 = TraceSynthesizer.vaLimit) -> Placement? {
        let mask = pageSize - 1
        let huge = leaves.lazy.filter { !$0.level.isLast }.map(\.size).max()
        var start = vma.start
        if !vma.isAnonymous { start += (vma.offset &- start) & mask }
        let unit = max(huge ?? pageSize, pageSize)
        let low = start & ~mask
        if low < floor { start += (floor - low + unit - 1) / unit * unit }
        let shift = start - vma.start
        let roundedEnd = (vma.end + shift + mask) & ~mask
        guard roundedEnd <= limit else { return nil }
        var rounded = vma
        rounded.start = start & ~mask
        rounded.end = roundedEnd
        let below = start - rounded.start
        rounded.offset = vma.offset >= below ? vma.offset - below : 0
        return Placement(vma: rounded, shift: shift, keepsHugeLeaves: huge.map { shift % $0 == 0 } ?? true)
    }

    /// 4K pages whose file offset, for the adapted VAs [from, to), is at or past `eof`.
    private func pagesPastEOF(_ placed: Placement, _ from: UInt64, _ to: UInt64, eof: UInt64) -> Int {
        let a = placed.vma.offset + (from - placed.vma.start), b = placed.vma.offset + (to - placed.vma.start)
        return b > max(a, eof) ? Int((b - max(a, eof)) / Self.linuxPage) : 0
    }

    /// The original entries at their adapted VAs: huge leaves as they are
    /// when they stay huge, split into 4K entries otherwise.
    private func entries(_ leaves: [ProcessSnapshot.Leaf], _ placed: Placement) -> [ProcessSnapshot.Leaf] {
        var out: [ProcessSnapshot.Leaf] = []
        out.reserveCapacity(leaves.count)
        for leaf in leaves {
            let va = leaf.va + placed.shift
            if leaf.level.isLast || placed.keepsHugeLeaves {
                out.append(.init(va: va, pte: leaf.pte, level: leaf.level))
                continue
            }
            let pages = Int(leaf.size / Self.linuxPage)
            let pte = leaf.pte.isPresent
                ? LinuxPTE(pfn: leaf.pte.pfn, prot: (leaf.pte.pgprot & ~LinuxPTEBits.type.mask) | LinuxProtection.typePage)
                : leaf.pte
            for k in 0..<pages {
                out.append(.init(va: va + UInt64(k) * Self.linuxPage, pte: pte.isPresent ? pte.advancingPFN(by: UInt64(k)) : pte,
                                 level: LinuxKernel.pteLevel))
            }
        }
        return out
    }

    /// The attributes of a faulted process page made of `present` 4K entries.
    static func attributes(_ present: ArraySlice<ProcessSnapshot.Leaf>) -> UInt64 {
        var pte = (present.first(where: { $0.pte.isWrite }) ?? present[present.startIndex]).pte.mknoncont()
        if present.contains(where: { $0.pte.isYoung }) { pte = pte.mkyoung() }
        if present.contains(where: { $0.pte.isDirty }) { pte = pte.mkdirty() }
        return pte.pgprot
    }

    private func adaptPages(_ vma: ProcessMapping, _ placed: Placement, _ leaves: [ProcessSnapshot.Leaf],
                            _ cost: inout AdapterCost, _ frames: inout AdaptedFrames, _ emit: (TableOperation) -> Void) {
        let p = pageSize, sub = subPages
        for leaf in leaves where leaf.pte.isPresent { cost.residentPages += Int(leaf.size / Self.linuxPage) }
        var eof: UInt64?
        if !vma.isAnonymous, !vma.isSpecial {
            if let size = vma.fileSize {
                eof = (size + Self.linuxPage - 1) / Self.linuxPage * Self.linuxPage
            } else {
                cost.unknownFileSizes += 1
            }
        }
        if let eof {
            let sigbus = pagesPastEOF(placed, placed.vma.start, vma.start + placed.shift, eof: eof)
                + pagesPastEOF(placed, vma.end + placed.shift, placed.vma.end, eof: eof)
            cost.sigbusPages += sigbus
            if sigbus > 0 { cost.sigbusFiles[vma.path, default: 0] += sigbus }
        }

        // Consecutive faulted process pages with the same attributes, in one PTE table, are one set_ptes.
        var run: (va: UInt64, prot: UInt64, pages: Int)?
        func flush() {
            guard let r = run else { return }
            let n = r.pages * sub
            emit(.setPTEs(va: VirtualAddress(r.va), pte: LinuxPTE(pfn: frames.allocate(for: r.va, pages: n), prot: r.prot).rawValue, nr: n))
            run = nil
        }
        let items = entries(leaves, placed)
        var i = 0
        while i < items.count {
            let item = items[i]
            if !item.level.isLast {
                flush()
                var value = item.pte
                if value.isPresent {
                    let pages = Int(item.size / Self.linuxPage)
                    value = LinuxPTE(pfn: frames.allocate(for: item.va, pages: pages, alignment: item.size), prot: value.pgprot)
                    cost.adaptedPages += pages
                }
                emit(item.level == .two ? .setPMD(va: VirtualAddress(item.va), pmd: value.rawValue) : .setPUD(va: VirtualAddress(item.va), pud: value.rawValue))
                i += 1
                continue
            }
            let page = item.va & ~(p - 1)
            var j = i + 1
            while j < items.count, items[j].level.isLast, items[j].va & ~(p - 1) == page { j += 1 }
            let group = items[i..<j]
            i = j
            let present = group.filter { $0.pte.isPresent }
            guard !present.isEmpty else {
                flush()
                if let swap = group.lazy.compactMap({ SwapEntry($0.pte) }).first {
                    emit(.setSwap(va: VirtualAddress(page), nr: sub, entry: swap))
                }
                continue
            }
            cost.adaptedPages += sub
            if let eof {
                let had = Set(present.map(\.va))
                for k in 0..<sub {
                    let va = page + UInt64(k) * Self.linuxPage
                    if !had.contains(va), pagesPastEOF(placed, va, va + Self.linuxPage, eof: eof) == 1 { cost.paddedFilePages += 1 }
                }
            }
            let prot = Self.attributes(present[...])
            if let r = run, r.va + UInt64(r.pages) * p == page, r.prot == prot, page % TraceSynthesizer.pmdSize != 0 {
                run!.pages += 1
            } else {
                flush()
                run = (page, prot, 1)
            }
        }
        flush()
    }
}
