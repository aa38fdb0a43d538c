import VMSA

/// Turning Linux entries into native entries.
extension NativeMirror {
    @usableFromInline typealias LB = LinuxPTEBits

    /// Bits of a Linux leaf that are not carried into a native descriptor
    /// as they are: the output address, the type and PTE_CONT.
    @inlinable static var rewrittenBits: UInt64 { LB.address.mask | LB.type.mask | LB.cont.mask }

    /// The hardware attributes native entries must agree on: everything the
    /// MMU reads except the address, the Access flag (hardware-managed,
    /// TCR_EL1.HA) and the dirty state of a DBM entry (PTE_RDONLY with
    /// PTE_WRITE, TCR_EL1.HD), contpte's "young and dirty aside".
    /// Software bits [58:55], bit 63 and PTE_CONT are ignored.
    @inlinable @inline(__always)
    static func attributeKey(_ raw: UInt64) -> UInt64 {
        let ignored = LB.address.mask | LB.af.mask | Descriptor.Bits.software.mask
            | Descriptor.Bits.leafIgnored.mask | LB.cont.mask
        let cleanForm = raw & LB.write.mask != 0 ? raw | LB.rdonly.mask : raw
        return cleanForm & ~ignored
    }

    /// The native descriptor for a Linux leaf `linux` re-based at output
    /// address `pa`, of descriptor type `type`, with young and dirty gathered.
    @inlinable @inline(__always)
    func nativeWord(_ linux: UInt64, pa: UInt64, type: UInt64, young: Bool, dirty: Bool) -> UInt64 {
        var w = (linux & ~Self.rewrittenBits) | type | (pa & outputAddressMask)
        if young { w |= LB.af.mask }
        if dirty { w = LinuxPTE(w).mkdirty().rawValue }
        return w
    }

    /// What one native page holds given its `linuxPerPage` Linux PTEs at
    /// `e`: nil defect and the native word, or the defect (in the order
    /// presence, attributes, consecutive PFNs, PFN alignment).
    @inlinable
    func expressPage(_ e: UnsafeMutablePointer<UInt64>) -> (word: UInt64, defect: FallbackReason?) {
        let k = linuxPerPage
        var valid = 0
        for j in 0..<k { valid &+= Int(e[j] & 1) }
        if valid == 0 { return (0, nil) }
        if valid != k { return (Self.inexpressibleMarker, .mixedPresence) }
        let first = LinuxPTE(e[0])
        let key = Self.attributeKey(e[0])
        var young = false, dirty = false, sameAttributes = true, consecutive = true
        for j in 0..<k {
            let x = LinuxPTE(e[j])
            sameAttributes = sameAttributes && Self.attributeKey(x.rawValue) == key
            consecutive = consecutive && x.pfn == first.pfn &+ UInt64(j)
            young = young || x.isYoung
            dirty = dirty || x.isDirty
        }
        if !sameAttributes { return (Self.inexpressibleMarker, .mixedAttributes) }
        if !consecutive { return (Self.inexpressibleMarker, .nonConsecutivePFN) }
        if first.pfn & UInt64(k &- 1) != 0 { return (Self.inexpressibleMarker, .misalignedPFN) }
        return (nativeWord(e[0], pa: first.physicalAddress, type: Descriptor.TypeBits.tableOrPage, young: young, dirty: dirty), nil)
    }

    /// Mirrors a batch on Linux PTE table `pteTable` that changed `nr`
    /// entries from `va`: rewrites every native page the batch touched from
    /// its Linux entries and returns the first page that cannot be expressed.
    /// contpte may have rewritten the whole 64K runs at the batch's ends
    /// (young/dirty gathered), so the pages of those runs are rewritten too.
    /// `uniform` is set_ptes' value when the entries are that value with
    /// advancing PFNs, which lets whole aligned runs skip re-reading.
    // Always inlined, the general case apart: set_ptes of whole runs (one
    // store per native page) is most of a process's batches, and a call
    // would cost more than the work.
    @inlinable @inline(__always)
    package func mirrorPTEs(_ linux: LinuxPageTable, pteTable: TableHandle, va: UInt64, nr: Int, uniform: LinuxPTE? = nil)
        -> (reason: FallbackReason, page: UInt64)?
    {
        let t = pteSection(pteTable, va)
        let k = linuxPerPage
        let pageShift = self.pageShift
        let linuxShift = UInt64(LinuxKernel.granule.pageShift)
        let nativeIndexMask = pageIndexMask
        let opStart = va, opEnd = va &+ (UInt64(truncatingIfNeeded: nr) &<< linuxShift)
        let unitMask = mirrorUnit &- 1

        if let pte = uniform, pte.isValid, opStart & unitMask == 0, opEnd & unitMask == 0, pte.pfn & UInt64(k &- 1) == 0 {
            // set_ptes of whole runs: one native entry per page, nothing to re-read.
            var page = opStart &>> pageShift
            let last = (opEnd &- 1) &>> pageShift
            var pa = pte.physicalAddress
            let step = pageSize
            let base = pte.mknoncont().rawValue
            while page <= last {
                store(t, Int(truncatingIfNeeded: page & nativeIndexMask),
                      nativeWord(base, pa: pa, type: Descriptor.TypeBits.tableOrPage, young: pte.isYoung, dirty: pte.isDirty))
                page &+= 1
                pa &+= step
            }
            return nil
        }
        return remirrorPTEs(linux, pteTable: pteTable, nativeTable: t, va: va, nr: nr)
    }

    /// `mirrorPTEs` of any batch: every native page the batch touched (and
    /// the 64K runs at its ends) rewritten from its Linux entries.
    @usableFromInline
    func remirrorPTEs(_ linux: LinuxPageTable, pteTable: TableHandle, nativeTable t: TableHandle, va: UInt64, nr: Int)
        -> (reason: FallbackReason, page: UInt64)?
    {
        let pageShift = self.pageShift
        let linuxShift = UInt64(LinuxKernel.granule.pageShift)
        let nativeIndexMask = pageIndexMask
        let opStart = va, opEnd = va &+ (UInt64(truncatingIfNeeded: nr) &<< linuxShift)
        let unitMask = mirrorUnit &- 1
        let linuxWords = linux.arena.words(of: pteTable)
        var found: (reason: FallbackReason, page: UInt64)? = nil
        var page = (opStart & ~unitMask) &>> pageShift
        let last = (((opEnd &+ unitMask) & ~unitMask) &- 1) &>> pageShift
        while page <= last {
            let pageVA = page &<< pageShift
            let li = Int((pageVA &>> linuxShift) & UInt64(LinuxPageTable.entries &- 1))
            let (word, defect) = expressPage(linuxWords + li)
            store(t, Int(truncatingIfNeeded: page & nativeIndexMask), word)
            if let defect, found == nil, pageVA < opEnd, pageVA &+ pageSize > opStart {
                var reason = defect
                if defect == .mixedPresence {
                    // The operation's shape explains the hole it left.
                    if opStart > pageVA { reason = .misalignedStart }
                    else if opEnd < pageVA &+ pageSize { reason = .partialNativePage }
                }
                found = (reason, pageVA)
            }
            page &+= 1
        }
        return found
    }

    /// Rewrites every native page of Linux PTE table `pteTable` (covering
    /// `va`'s 2M) from its entries; returns the first inexpressible one.
    func mirrorWholePTETable(_ linux: LinuxPageTable, pteTable: TableHandle, va: UInt64) -> (reason: FallbackReason, page: UInt64)? {
        let span = LinuxPageTable.entrySize(at: .two)
        return mirrorPTEs(linux, pteTable: pteTable, va: va & ~(span - 1), nr: LinuxPageTable.entries)
    }
}
