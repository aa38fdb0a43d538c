import VMSA
import VMSATables

/// One process under per-process page size: its 4K Linux table (the state)
/// and the native 16K/64K mirror every operation is copied into.
///
/// The hardware table (TTBR0_EL1) is the native one while every native page
/// can be expressed; once an operation leaves a page that cannot, the
/// process falls back to its Linux table (TTBR0 with TG0 = 4K, contpte runs
/// folded) and stays there until no such page is left. The native table is
/// a cache: `reclaimNative()` frees it and the next operation or check
/// rebuilds it from the Linux table.
public final class ProcessTables {
    /// Which table TTBR0_EL1 points at: the native 16K/64K mirror (`native`), or the
    /// 4K Linux table (`fallback`) while some native page cannot be expressed.
    public enum Mode: String, Sendable {
        /// TTBR0_EL1 points at the native table.
        case native
        /// TTBR0_EL1 points at the Linux table.
        case fallback
    }

    /// The 4K Linux page table: the process's state, every operation applied to it first.
    public let linux: LinuxPageTable
    /// The native 16K/64K table every operation is copied into.
    public let mirror: NativeMirror
    // Touched on every operation; nothing else accesses them concurrently.
    /// Whether the hardware table is the native mirror or the Linux table.
    @exclusivity(unchecked) public private(set) var mode: Mode = .native
    /// Operations applied, those mirrored as native entries, and those that could not be.
    @exclusivity(unchecked) public private(set) var operations = 0
    /// Operations mirrored as native entries.
    @exclusivity(unchecked) public private(set) var translated = 0
    /// Operations the mirror could not express as native entries (each gives a `MirrorWarning`).
    @exclusivity(unchecked) public private(set) var fallbacks = 0
    /// Whether the native cache was reclaimed and awaits its rebuild.
    @exclusivity(unchecked) public private(set) var nativeReclaimed = false

    /// An empty process: a Linux table of `vaBits` (48 or 39) and a `granule` mirror
    /// (16K or 64K), each arena capped at its table limit. Throws for an
    /// unsupported `vaBits`.
    public init(native granule: Granule, vaBits: Int = 48, linuxTableLimit: Int = 1 << 22,
                nativeTableLimit: Int = 1 << 16) throws(LinuxTableError) {
        linux = try LinuxPageTable(vaBits: vaBits, tableLimit: linuxTableLimit)
        mirror = NativeMirror(granule: granule, tableLimit: nativeTableLimit)
    }

    /// TCR_EL1 as arm64 Linux programs TTBR0's half: `granule`, T0SZ,
    /// Inner Shareable write-back walks, 48-bit IPS, HA and HD (hardware
    /// Access flag and dirty state), TTBR1 walks disabled.
    public static func tcr(granule: Granule, inputBits: Int) -> TCR {
        var tcr = TCR(rawValue: 0)
        tcr.configure(.ttbr0, granule: granule, inputBits: inputBits)
        tcr[TCR.Field.sh0] = Shareability.innerShareable.rawValue
        tcr[TCR.Field.irgn0] = 0b01
        tcr[TCR.Field.orgn0] = 0b01
        tcr[TCR.Field.ips] = PhysicalAddressSize(bits: LinuxKernel.physicalAddressBits)!.rawValue
        tcr[TCR.Field.ha] = 1
        tcr[TCR.Field.hd] = 1
        tcr[TCR.Field.epd1] = 1
        return tcr
    }

    /// The active hardware registers: the native table's, or the Linux table's in fallback.
    public var activeTCR: TCR { mode == .native ? mirror.tcr : linux.tcr }
    /// TTBR0_EL1 of the active table: the native mirror's, or the Linux table's in fallback.
    public var activeTTBR0: TTBR { mode == .native ? mirror.ttbr0 : linux.ttbr0 }
    /// The active regime: the native table's, or the Linux table's in fallback.
    public var activeRegime: TranslationRegime { mode == .native ? mirror.regime : linux.regime }
    /// The memory the active table lives in.
    public var activeMemory: TableArena { mode == .native ? mirror.arena : linux.arena }

    // MARK: bookkeeping

    private func finish(_ op: String, _ va: UInt64, _ nr: Int, _ result: (reason: FallbackReason, page: UInt64)?) -> MirrorWarning? {
        operations += 1
        let before = mode
        mode = mirror.inexpressiblePages == 0 ? .native : .fallback
        guard let result else {
            translated += 1
            return nil
        }
        fallbacks += 1
        return MirrorWarning(op: op, address: VirtualAddress(va), count: nr, reason: result.reason, nativePage: VirtualAddress(result.page),
                             enteredFallback: before == .native && mode == .fallback)
    }

    /// Frees the native tables; they are rebuilt on the next access.
    public func reclaimNative() {
        mirror.reclaim()
        nativeReclaimed = true
    }

    /// Rebuilds a reclaimed native table from the Linux table (the next access).
    public func ensureNative() throws(LinuxTableError) {
        guard nativeReclaimed else { return }
        nativeReclaimed = false
        try rebuild(linux.root, linux.startLevel, 0)
        mode = mirror.inexpressiblePages == 0 ? .native : .fallback
    }

    private func rebuild(_ t: TableHandle, _ level: Level, _ base: UInt64) throws(LinuxTableError) {
        let size = LinuxPageTable.entrySize(at: level)
        for i in 0..<LinuxPageTable.entries {
            let raw = linux.entry(t, i).rawValue
            guard raw != 0 else { continue }
            let va = base + UInt64(i) * size
            if LinuxPageTable.isTable(raw), let c = linux.child(t, i) {
                if level.next.isLast {
                    try mirror.attachPTETable(c, parentPMDTable: t, va: va)
                    _ = mirror.mirrorWholePTETable(linux, pteTable: c, va: va)
                } else {
                    try rebuild(c, level.next, va)
                }
            } else if level.rawValue >= 1, LinuxPTE(raw).isValid {
                try mirror.mirrorLeaf(LinuxPTE(raw), linuxTable: t, linuxLevel: level, va: va)
            }
        }
    }

    /// The process as new (empty tables, native mode, no operations), keeping
    /// the memory of its tables: what a new `ProcessTables` of the same
    /// granule and limits is, without allocating one.
    public func reset() {
        linux.reset()
        mirror.reset()
        mode = .native
        operations = 0
        translated = 0
        fallbacks = 0
        nativeReclaimed = false
    }

    // MARK: walking and allocating Linux tables

    /// The Linux table at `level` covering `va`, allocating the tables on
    /// the way (pud_alloc, pmd_alloc, pte_alloc) when `allocate`.
    private func table(_ op: String, at level: Level, for va: UInt64, allocate: Bool) throws(LinuxTableError) -> TableHandle? {
        var t = linux.root
        var l = linux.startLevel
        while l < level {
            let i = LinuxPageTable.index(of: va, at: l)
            if let c = linux.child(t, i) {
                t = c
            } else if linux.entry(t, i).rawValue != 0 {
                throw .leafInTheWay(op: op, va: va, level: l)
            } else {
                guard allocate else { return nil }
                let c = try linux.allocateTable()
                linux.link(t, i, to: c)
                if l.next.isLast { try mirror.attachPTETable(c, parentPMDTable: t, va: va) }
                t = c
            }
            l = l.next
        }
        return t
    }

    /// Frees Linux table `t` at `level` and everything below it (free_pgtables),
    /// clearing what it mapped from the native table.
    private func freeSubtree(_ t: TableHandle, _ level: Level, _ base: UInt64) throws(LinuxTableError) {
        let size = LinuxPageTable.entrySize(at: level)
        if !level.isLast {
            for i in 0..<LinuxPageTable.entries {
                let raw = linux.entry(t, i).rawValue
                guard raw != 0 else { continue }
                let va = base + UInt64(i) * size
                if let c = linux.child(t, i) {
                    try freeSubtree(c, level.next, va)
                } else if LinuxPTE(raw).isValid {
                    try mirror.mirrorLeaf(LinuxPTE(0), linuxTable: t, linuxLevel: level, va: va)
                }
            }
        }
        mirror.detachLinuxTable(t, level: level, va: base)
        linux.arena.free(t)
    }

    /// Clears slot `i` of table `t` at `level`, freeing a table it points to.
    private func clearSlot(_ t: TableHandle, _ i: Int, _ level: Level, _ va: UInt64) throws(LinuxTableError) {
        if let c = linux.child(t, i) {
            try freeSubtree(c, level.next, va & ~(LinuxPageTable.entrySize(at: level) - 1))
        } else if LinuxPTE(linux.entry(t, i).rawValue).isValid {
            try mirror.mirrorLeaf(LinuxPTE(0), linuxTable: t, linuxLevel: level, va: va)
        }
        linux.setEntry(t, i, LinuxPTE(0))
    }

    // MARK: checks

    private func checkAddress(_ op: String, _ va: UInt64, alignment: UInt64) throws(LinuxTableError) {
        guard linux.contains(va) else { throw .addressOutOfRange(op: op, va: va, vaBits: linux.vaBits) }
        guard va & (alignment - 1) == 0 else { throw .misalignedAddress(op: op, va: va, alignment: alignment) }
    }

    private func checkBatch(_ op: String, _ va: UInt64, _ nr: Int) throws(LinuxTableError) {
        try checkAddress(op, va, alignment: LinuxKernel.granule.pageSize)
        guard (1...LinuxPageTable.entries).contains(nr) else { throw .countOutOfRange(op: op, nr: nr) }
        let fits = LinuxPageTable.entries - LinuxPageTable.index(of: va, at: .three)
        guard nr <= fits else { throw .countPastTable(op: op, va: va, nr: nr, fits: fits) }
    }

    /// Rejects a present value that is not a well-formed leaf at `level`.
    private func checkLeaf(_ op: String, _ value: LinuxPTE, level: Level) throws(LinuxTableError) {
        guard value.isValid else { return }
        let d = Descriptor(rawValue: value.rawValue)
        if d.kind(at: level) == .table {
            throw .badEntry(op: op, pte: value.rawValue, problem: "it is a table descriptor; expected a block (type 0b01)")
        }
        if let problem = d.problems(at: level, format: LinuxKernel.format).first {
            throw .badEntry(op: op, pte: value.rawValue, problem: problem.description)
        }
    }

    // MARK: PTE batches

    /// The Linux PTE table for a batch: allocated when `allocate`, nil when absent.
    package func pteTable(for va: UInt64, allocate: Bool, op: String = "pte_alloc") throws(LinuxTableError) -> TableHandle? {
        try ensureNative()
        return try table(op, at: .three, for: va, allocate: allocate)
    }

    /// set_ptes(addr, pte, nr).
    public func setPTEs(_ address: VirtualAddress, _ pte: LinuxPTE, nr: Int) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        let op = "set_ptes"
        try checkBatch(op, va, nr)
        guard pte.isPresent else { throw .notPresent(op: op, pte: pte.rawValue) }
        try checkLeaf(op, pte, level: .three)
        guard pte.pfn + UInt64(nr - 1) <= LinuxPTEBits.address.maxValue else {
            throw .badEntry(op: op, pte: pte.rawValue, problem: "\(nr) pages from its PFN run past the 48-bit physical address space")
        }
        let t = try pteTable(for: va, allocate: true, op: op)!
        return setPTEs(inPTETable: t, va, pte, nr: nr)
    }

    /// set_ptes on a PTE table already found (the kernel's `ptep`), for
    /// callers that resolved it once: no checks, no walk.
    package func setPTEs(inPTETable t: TableHandle, _ va: UInt64, _ pte: LinuxPTE, nr: Int) -> MirrorWarning? {
        precondition(!nativeReclaimed, "call ensureNative() after a reclaim before using a resolved PTE table")
        linux.setPTEs(t, LinuxPageTable.index(of: va, at: LinuxKernel.pteLevel), pte, nr)
        guard let result = mirror.mirrorPTEs(linux, pteTable: t, va: va, nr: nr, uniform: pte) else {
            // Translated: the common case, kept inline.
            operations &+= 1
            translated &+= 1
            mode = mirror.inexpressibleCount == 0 ? .native : .fallback
            return nil
        }
        return finishBatch("set_ptes", va, nr, result)
    }

    func finishBatch(_ op: String, _ va: UInt64, _ nr: Int, _ result: (reason: FallbackReason, page: UInt64)) -> MirrorWarning? {
        finish(op, va, nr, result)
    }

    /// Runs a batch on an existing PTE table and mirrors it; no table, nothing to do.
    private func batch(_ op: String, _ va: UInt64, _ nr: Int, _ body: (TableHandle, Int) -> Void) throws(LinuxTableError) -> MirrorWarning? {
        try checkBatch(op, va, nr)
        guard let t = try pteTable(for: va, allocate: false, op: op) else { return finish(op, va, nr, nil) }
        body(t, LinuxPageTable.index(of: va, at: .three))
        return finish(op, va, nr, mirror.mirrorPTEs(linux, pteTable: t, va: va, nr: nr))
    }

    /// get_and_clear_full_ptes (clear_ptes in traces).
    public func clearPTEs(_ address: VirtualAddress, nr: Int) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try batch("clear_ptes", va, nr) { t, i in linux.getAndClearPTEs(t, i, nr) }
    }

    /// ptep_modify_prot_start/commit over nr entries (modify_prot in traces).
    public func modifyProt(_ address: VirtualAddress, nr: Int, prot: UInt64) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try batch("modify_prot", va, nr) { t, i in linux.modifyProt(t, i, nr, prot) }
    }

    /// wrprotect_ptes.
    public func wrprotect(_ address: VirtualAddress, nr: Int) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try batch("wrprotect", va, nr) { t, i in linux.wrprotectPTEs(t, i, nr) }
    }

    /// mkold / mkyoung / mkclean / mkdirty over nr entries.
    public func changeYoungDirty(_ change: YoungDirtyChange, _ address: VirtualAddress, nr: Int) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try batch(change.rawValue, va, nr) { t, i in linux.changeYoungDirty(t, i, nr, change) }
    }

    /// Swap-out of nr pages: swap entries with consecutive offsets.
    public func setSwap(_ address: VirtualAddress, nr: Int, entry: SwapEntry) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        let op = "set_swap"
        try checkBatch(op, va, nr)
        guard entry.isEncodable, entry.type != 0 || entry.offset != 0,
              LinuxPTEBits.swapOffset.fits(entry.offset + UInt64(nr - 1)) else {
            throw .badSwapEntry(op: op, type: entry.type, offset: entry.offset)
        }
        let t = try pteTable(for: va, allocate: true, op: op)!
        linux.setSwapEntries(t, LinuxPageTable.index(of: va, at: .three), entry, nr)
        return finish(op, va, nr, mirror.mirrorPTEs(linux, pteTable: t, va: va, nr: nr))
    }

    // MARK: huge-page leaves

    private func setLeaf(_ op: String, _ va: UInt64, _ value: LinuxPTE, level: Level) throws(LinuxTableError) -> MirrorWarning? {
        try ensureNative()
        let size = LinuxPageTable.entrySize(at: level)
        try checkAddress(op, va, alignment: size)
        try checkLeaf(op, value, level: level)
        guard level >= linux.startLevel else { throw .addressOutOfRange(op: op, va: va, vaBits: linux.vaBits) }
        let t = try table(op, at: level, for: va, allocate: true)!
        let i = LinuxPageTable.index(of: va, at: level)
        try clearSlot(t, i, level, va)
        linux.setEntry(t, i, value)
        if value.isValid { try mirror.mirrorLeaf(value, linuxTable: t, linuxLevel: level, va: va) }
        return finish(op, va, 1, nil)
    }

    private func clearLeaf(_ op: String, _ va: UInt64, level: Level) throws(LinuxTableError) -> MirrorWarning? {
        try ensureNative()
        try checkAddress(op, va, alignment: LinuxPageTable.entrySize(at: level))
        if let t = try table(op, at: level, for: va, allocate: false) {
            try clearSlot(t, LinuxPageTable.index(of: va, at: level), level, va)
        }
        return finish(op, va, 1, nil)
    }

    /// set_pmd_at: a 2M leaf (or a non-present PMD value) replacing whatever
    /// the PMD slot held (a PTE table is freed, as after a collapse).
    public func setPMD(_ address: VirtualAddress, _ value: LinuxPTE) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try setLeaf("set_pmd", va, value, level: .two)
    }

    /// set_pud_at: a 1G leaf.
    public func setPUD(_ address: VirtualAddress, _ value: LinuxPTE) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        return try setLeaf("set_pud", va, value, level: .one)
    }

    /// pmdp_huge_get_and_clear (a PTE table there is freed).
    public func clearPMD(_ address: VirtualAddress) throws(LinuxTableError) -> MirrorWarning? { try clearLeaf("clear_pmd", address.rawValue, level: .two) }

    /// pudp_huge_get_and_clear (a PMD table there is freed).
    public func clearPUD(_ address: VirtualAddress) throws(LinuxTableError) -> MirrorWarning? { try clearLeaf("clear_pud", address.rawValue, level: .one) }

    // MARK: page-table pages

    /// pte_alloc: the PTE table covering va.
    public func allocPTE(_ address: VirtualAddress) throws(LinuxTableError) -> MirrorWarning? {
        let va = address.rawValue
        try checkAddress("alloc_pte", va, alignment: LinuxKernel.granule.pageSize)
        _ = try pteTable(for: va, allocate: true, op: "alloc_pte")
        return finish("alloc_pte", va, 1, nil)
    }

    /// Frees the table below the `level` slot covering va (pmd_clear +
    /// pte_free for level 2, pud_clear + pmd_free for level 1).
    private func freeTable(_ op: String, _ va: UInt64, level: Level) throws(LinuxTableError) -> MirrorWarning? {
        try ensureNative()
        try checkAddress(op, va, alignment: LinuxKernel.granule.pageSize)
        if level >= linux.startLevel, let t = try table(op, at: level, for: va, allocate: false) {
            let i = LinuxPageTable.index(of: va, at: level)
            if linux.child(t, i) != nil { try clearSlot(t, i, level, va) }
        }
        return finish(op, va, 1, nil)
    }

    /// Frees the PTE table covering va.
    public func freePTE(_ address: VirtualAddress) throws(LinuxTableError) -> MirrorWarning? { try freeTable("free_pte", address.rawValue, level: .two) }

    /// Frees the PMD table covering va (and the PTE tables below it).
    public func freePMD(_ address: VirtualAddress) throws(LinuxTableError) -> MirrorWarning? { try freeTable("free_pmd", address.rawValue, level: .one) }

    /// The `reclaim` operation: drop the native cache.
    public func reclaim() -> MirrorWarning? {
        reclaimNative()
        return finish("reclaim", 0, 1, nil)
    }
}
