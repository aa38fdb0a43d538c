import VMSA

/// The batch PTE operations of arm64 Linux v6.12, on `nr` consecutive
/// entries of one PTE table from index `i`, with contpte folding (see
/// ContPTE.swift). Callers check `i + nr <= 512`.
extension LinuxPageTable {
    /// set_ptes: `nr` entries mapping consecutive PFNs from `pte`.
    /// Whole aligned runs of a valid, non-special mapping with a 16-aligned
    /// PFN are written folded, as contpte_set_ptes does.
    @inlinable
    package func setPTEs(_ table: TableHandle, _ i: Int, _ pte: LinuxPTE, _ nr: Int) {
        let w = arena.words(of: table)
        let c = Self.contPTEs
        let base = pte.mknoncont()
        let foldable = base.isValid && !base.isSpecial
        var idx = i
        let end = i &+ nr
        var advanced: UInt64 = 0
        while idx < end {
            let runStart = idx & ~(c &- 1)
            let runEnd = min(runStart &+ c, end)
            let n = runEnd &- idx
            let first = base.advancingPFN(by: advanced)
            if n == c && foldable && first.pfn & UInt64(c &- 1) == 0 {
                // PFN aligned to the run: adding k << PAGE_SHIFT cannot carry out of the address field.
                let v = first.mkcont().rawValue
                let step = Self.granule.pageSize
                for k in 0..<c { w[idx &+ k] = v &+ UInt64(k) &* step }
            } else {
                if isFolded(w, runStart) { convert(w, runStart, cont: false) }
                for k in 0..<n { w[idx &+ k] = first.advancingPFN(by: UInt64(k)).rawValue }
                refreshRuns(w, runStart, c)
            }
            idx = runEnd
            advanced &+= UInt64(n)
        }
    }

    /// get_and_clear_full_ptes: clears the entries and returns the first one
    /// with young and dirty gathered from every present entry.
    @discardableResult
    package func getAndClearPTEs(_ table: TableHandle, _ i: Int, _ nr: Int) -> LinuxPTE {
        let w = arena.words(of: table)
        unfoldRuns(w, i, nr, partialOnly: true)
        var result = LinuxPTE(w[i])
        for k in 0..<nr {
            let e = LinuxPTE(w[i &+ k])
            if k > 0, e.isPresent {
                if e.isDirty { result = result.mkdirty() }
                if e.isYoung { result = result.mkyoung() }
            }
            w[i &+ k] = 0
        }
        return result
    }

    /// ptep_modify_prot_start/commit over `nr` entries, as mprotect's
    /// change_pte_range does: each present entry is taken with
    /// ptep_get_and_clear and written back as pte_modify(old, prot).
    /// Non-present entries are left alone.
    package func modifyProt(_ table: TableHandle, _ i: Int, _ nr: Int, _ prot: UInt64) {
        let w = arena.words(of: table)
        unfoldRuns(w, i, nr, partialOnly: false)
        for k in 0..<nr {
            let old = LinuxPTE(w[i &+ k])
            guard old.isPresent else { continue }
            w[i &+ k] = old.modify(prot).mknoncont().rawValue
        }
        refreshRuns(w, i, nr)
    }

    /// wrprotect_ptes: pte_wrprotect on every present entry. Runs covered
    /// whole stay folded (contpte_wrprotect_ptes unfolds only partial ones).
    package func wrprotectPTEs(_ table: TableHandle, _ i: Int, _ nr: Int) {
        let w = arena.words(of: table)
        unfoldRuns(w, i, nr, partialOnly: true)
        for k in 0..<nr {
            let e = LinuxPTE(w[i &+ k])
            if e.isPresent { w[i &+ k] = e.wrprotect().rawValue }
        }
        refreshRuns(w, i, nr)
    }

    /// Young/dirty changes on present entries: clear_young_dirty_ptes
    /// (mkold, mkclean) and ptep_set_access_flags (mkyoung, mkdirty). Folded
    /// runs change as a whole, as contpte keeps young/dirty per run.
    package func changeYoungDirty(_ table: TableHandle, _ i: Int, _ nr: Int, _ change: YoungDirtyChange) {
        let w = arena.words(of: table)
        let (lo, n) = widenToFoldedRuns(w, i, nr)
        for k in lo..<(lo &+ n) {
            let e = LinuxPTE(w[k])
            guard e.isPresent else { continue }
            let changed: LinuxPTE
            switch change {
            case .mkold: changed = e.mkold()
            case .mkyoung: changed = e.mkyoung()
            case .mkclean: changed = e.mkclean()
            case .mkdirty: changed = e.mkdirty()
            }
            w[k] = changed.rawValue
        }
        refreshRuns(w, lo, n)
    }

    /// Swap-out (try_to_unmap_one's set_pte_at per entry): `nr` swap-format
    /// entries with consecutive offsets from `entry`.
    package func setSwapEntries(_ table: TableHandle, _ i: Int, _ entry: SwapEntry, _ nr: Int) {
        let w = arena.words(of: table)
        unfoldRuns(w, i, nr, partialOnly: false)
        for k in 0..<nr { w[i &+ k] = entry.advanced(by: UInt64(k)).pte.rawValue }
    }
}

/// The young/dirty operations, named after the pte helpers they apply.
public enum YoungDirtyChange: String, CaseIterable, Sendable {
    /// pte_mkold (clear PTE_AF), pte_mkyoung (set PTE_AF), pte_mkclean (clear
    /// PTE_DIRTY, set PTE_RDONLY), pte_mkdirty (set PTE_DIRTY, clear PTE_RDONLY
    /// when writable).
    case mkold, mkyoung, mkclean, mkdirty
}
