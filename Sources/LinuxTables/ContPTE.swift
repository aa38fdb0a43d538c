import VMSA

/// contpte (arch/arm64/mm/contpte.c): the kernel folds an aligned 64K run of
/// 16 PTEs into contiguous-bit entries. Linux's table is the hardware table
/// in fallback, so the model keeps the same folding, with one stated policy:
///
/// - a run is folded whenever, after an operation, all 16 entries are valid,
///   not special, share their protection apart from young/dirty (compared as
///   pte_pgprot(pte_mkold(pte_mkclean(pte)))) and map 16 consecutive PFNs
///   aligned to 16 (the kernel folds at set_ptes of whole runs and at the
///   last PTE of a run; folding after every operation is the eager form);
/// - folding and unfolding gather young and dirty over the run and write them
///   to every entry (contpte_convert);
/// - an operation that changes part of a folded run unfolds it first, except
///   young/dirty changes, which apply to the whole run
///   (contpte_clear_young_dirty_ptes, contpte_ptep_set_access_flags).
extension LinuxPageTable {
    /// CONT_PTES.
    @inlinable public static var contPTEs: Int { LinuxKernel.contPTEs }

    /// The protection contpte compares: everything but the PFN, PTE_CONT,
    /// young and dirty.
    @inlinable @inline(__always)
    static func foldKey(_ pte: LinuxPTE) -> UInt64 { pte.mkold().mkclean().mknoncont().pgprot }

    /// Whether the run starting at `start` (a multiple of 16) is folded (pte_valid_cont).
    @inlinable @inline(__always)
    func isFolded(_ w: UnsafeMutablePointer<UInt64>, _ start: Int) -> Bool {
        let first = LinuxPTE(w[start])
        return first.isValid && first.isCont
    }

    /// Whether the run at `start` can be folded.
    @inlinable
    func isFoldable(_ w: UnsafeMutablePointer<UInt64>, _ start: Int) -> Bool {
        let first = LinuxPTE(w[start])
        guard first.isValid, !first.isSpecial, first.pfn & UInt64(Self.contPTEs &- 1) == 0 else { return false }
        let key = Self.foldKey(first)
        for k in 1..<Self.contPTEs {
            let e = LinuxPTE(w[start &+ k])
            guard e.isValid, !e.isSpecial, e.pfn == first.pfn &+ UInt64(k), Self.foldKey(e) == key else { return false }
        }
        return true
    }

    /// contpte_convert: rewrite the run from its first entry with young and
    /// dirty gathered over all 16, with PTE_CONT set or clear.
    @usableFromInline
    func convert(_ w: UnsafeMutablePointer<UInt64>, _ start: Int, cont: Bool) {
        let first = LinuxPTE(w[start])
        var pte = LinuxPTE(pfn: first.pfn & ~UInt64(Self.contPTEs &- 1), prot: first.pgprot)
        pte = cont ? pte.mkcont() : pte.mknoncont()
        for k in 0..<Self.contPTEs {
            let e = LinuxPTE(w[start &+ k])
            if e.isDirty { pte = pte.mkdirty() }
            if e.isYoung { pte = pte.mkyoung() }
        }
        for k in 0..<Self.contPTEs { w[start &+ k] = pte.advancingPFN(by: UInt64(k)).rawValue }
    }

    /// Unfolds every folded run that [i, i+nr) touches (`partialOnly`: only
    /// the runs it covers in part).
    @usableFromInline
    func unfoldRuns(_ w: UnsafeMutablePointer<UInt64>, _ i: Int, _ nr: Int, partialOnly: Bool) {
        let c = Self.contPTEs
        var start = i & ~(c &- 1)
        let end = i &+ nr
        while start < end {
            let whole = start >= i && start &+ c <= end
            if (!partialOnly || !whole) && isFolded(w, start) { convert(w, start, cont: false) }
            start &+= c
        }
    }

    /// After an operation: fold the touched runs that can be folded, and
    /// clear stray PTE_CONT bits from those that cannot.
    @usableFromInline
    func refreshRuns(_ w: UnsafeMutablePointer<UInt64>, _ i: Int, _ nr: Int) {
        let c = Self.contPTEs
        var start = i & ~(c &- 1)
        let end = i &+ nr
        while start < end {
            if isFoldable(w, start) {
                var allCont = true
                for k in 0..<c where !LinuxPTE(w[start &+ k]).isCont { allCont = false; break }
                if !allCont { convert(w, start, cont: true) }
            } else {
                for k in 0..<c { w[start &+ k] &= ~LinuxPTEBits.cont.mask }
            }
            start &+= c
        }
    }

    /// The range widened to whole runs where its ends sit in folded runs.
    @inlinable
    func widenToFoldedRuns(_ w: UnsafeMutablePointer<UInt64>, _ i: Int, _ nr: Int) -> (Int, Int) {
        let c = Self.contPTEs
        var lo = i, hi = i &+ nr
        let loRun = lo & ~(c &- 1)
        if isFolded(w, loRun) { lo = loRun }
        let hiRun = (hi &- 1) & ~(c &- 1)
        if isFolded(w, hiRun) { hi = hiRun &+ c }
        return (lo, hi &- lo)
    }
}
