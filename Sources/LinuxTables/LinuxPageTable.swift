import VMSA
import VMSATables

/// The Linux page table of one process: 4K granule, 48-bit VA (PGD, PUD,
/// PMD, PTE at levels 0-3) or 39-bit VA (PGD at level 1, PMD, PTE), every
/// table one 4K page of a flat `TableArena`. Entries are arm64 Linux
/// v6.12 values; table descriptors are PMD_TYPE_TABLE | PMD_TABLE_PXN as
/// pmd_populate/pud_populate write them for user tables.
///
/// This type holds the state and the walk; the batch operations named after
/// the kernel's live in extensions, and `ProcessTables` pairs them with the
/// native mirror. Only `ProcessTables` changes the table, so that the mirror
/// follows every change; library users read it through `ProcessTables.linux`.
public final class LinuxPageTable {
    /// The Linux granule: 4K (CONFIG_ARM64_4K_PAGES).
    @inlinable public static var granule: Granule { LinuxKernel.granule }
    /// Entries per table: 512 (PTRS_PER_PTE, PTRS_PER_PMD, PTRS_PER_PUD, PTRS_PER_PGD).
    @inlinable public static var entries: Int { LinuxKernel.entriesPerTable }
    /// Where the model places Linux table pages in physical memory.
    public static let defaultTablesBase: UInt64 = 1 << 46

    /// The user VA size, VA_BITS: 48 or 39.
    public let vaBits: Int
    /// The level of the PGD: 0 with 48-bit VA, 1 with 39-bit VA.
    public let startLevel: Level
    /// The memory holding the tables, one 4K page each.
    public let arena: TableArena
    /// The PGD (start-level table).
    public let root: TableHandle

    /// An empty process table: a zeroed PGD of `vaBits` (48 or 39), as pgd_alloc
    /// returns it, its arena capped at `tableLimit` tables from `tablesBase`.
    package init(vaBits: Int = 48, tableLimit: Int = 1 << 22, tablesBase: UInt64 = defaultTablesBase) throws(LinuxTableError) {
        guard LinuxKernel.supportedVABits.contains(vaBits) else { throw .unsupportedVABits(vaBits) }
        self.vaBits = vaBits
        startLevel = Self.granule.startLevel(inputBits: vaBits)
        arena = TableArena(granule: Self.granule, base: tablesBase, limit: tableLimit)
        root = arena.allocate()!
    }

    /// Frees every table and allocates an empty PGD: the table as new.
    package func reset() {
        arena.reset()
        // A reset arena hands out what a new one does: the PGD comes back as table `root`.
        precondition(arena.allocate() == root, "a reset arena did not give the PGD back first")
    }

    /// TTBR0_EL1 when this table is the hardware table (fallback).
    public var ttbr0: TTBR { TTBR(baseAddress: arena.physicalAddress(of: root)) }

    /// TCR_EL1 when this table is the hardware table: TG0 = 4K, T0SZ = 64 - vaBits,
    /// 48-bit IPS, hardware Access flag and dirty state (HA, HD) as arm64 Linux
    /// enables them, TTBR1 walks disabled (the kernel half is not modelled).
    public var tcr: TCR { ProcessTables.tcr(granule: Self.granule, inputBits: vaBits) }
    /// The regime the MMU walks this table under (TTBR1 walks disabled).
    public var regime: TranslationRegime { TranslationRegime(tcr: tcr, mair: LinuxKernel.mair, ttbr0: ttbr0, ttbr1: TTBR(rawValue: 0)) }

    // MARK: geometry

    /// Index of `va` in a table at `level`.
    @inlinable @inline(__always)
    package static func index(of va: UInt64, at level: Level) -> Int {
        Int((va &>> UInt64(granule.shift(at: level))) & UInt64(entries &- 1))
    }

    /// Bytes one entry at `level` maps: 4K (PTE), 2M (PMD), 1G (PUD), 512G (PGD).
    @inlinable public static func entrySize(at level: Level) -> UInt64 { granule.entrySize(at: level) }

    /// Whether `va` is a user address of this table.
    @inlinable package func contains(_ va: UInt64) -> Bool { va &>> UInt64(vaBits) == 0 }

    // MARK: entries and tables

    /// The entry at `index` of table `table`, as a Linux pte/pmd/pud value.
    @inlinable @inline(__always)
    public func entry(_ table: TableHandle, _ index: Int) -> LinuxPTE { LinuxPTE(arena[table: table, index: index]) }

    /// Writes `pte` at `index` of table `table`, as set_pte/set_pmd/set_pud do.
    @inlinable @inline(__always)
    package func setEntry(_ table: TableHandle, _ index: Int, _ pte: LinuxPTE) { arena[table: table, index: index] = pte.rawValue }

    /// The table descriptor pmd_populate/pud_populate/p4d_populate write for
    /// a user table at `pa`: type 0b11 and PXNTable.
    @inlinable public static func tableDescriptor(_ pa: UInt64) -> UInt64 {
        LinuxKernel.format.inserting(address: pa, into: Descriptor.TypeBits.tableOrPage) | Descriptor.Bits.pxnTable.mask
    }

    /// Whether the value in a slot above level 3 points at a table (pmd_table).
    @inlinable @inline(__always)
    public static func isTable(_ raw: UInt64) -> Bool { raw & Descriptor.Bits.type.mask == Descriptor.TypeBits.tableOrPage }

    /// The table the slot points at, if it holds a table descriptor.
    @inlinable
    public func child(_ table: TableHandle, _ index: Int) -> TableHandle? {
        let raw = arena[table: table, index: index]
        guard Self.isTable(raw) else { return nil }
        return arena.table(atPhysicalAddress: LinuxKernel.format.address(of: raw))
    }

    /// A new zeroed table page.
    package func allocateTable() throws(LinuxTableError) -> TableHandle {
        guard let t = arena.allocate() else { throw .outOfDescriptorMemory(tables: arena.liveTables) }
        return t
    }

    /// Points slot `index` of `table` at `child` (pmd_populate and friends).
    package func link(_ table: TableHandle, _ index: Int, to child: TableHandle) {
        arena[table: table, index: index] = Self.tableDescriptor(arena.physicalAddress(of: child))
        arena.setParent(of: child, table: table, index: index)
    }

    /// The table at `level` that covers `va`, without allocating; nil when a
    /// table on the way is missing or a leaf sits above `level`.
    package func table(at level: Level, for va: UInt64) -> TableHandle? {
        var t = root
        var l = startLevel
        while l < level {
            guard let c = child(t, Self.index(of: va, at: l)) else { return nil }
            t = c
            l = l.next
        }
        return t
    }

    /// The leaf slot that maps `va` (as a page walk finds it): the table,
    /// index and level of the first entry that is not a table descriptor.
    package func slot(for va: UInt64) -> (table: TableHandle, index: Int, level: Level) {
        var t = root
        var l = startLevel
        while true {
            let i = Self.index(of: va, at: l)
            if l.isLast { return (t, i, l) }
            guard let c = child(t, i) else { return (t, i, l) }
            t = c
            l = l.next
        }
    }

    /// What the page walk finds at `va`, typed, with its level.
    public func lookup(_ va: VirtualAddress) -> (entry: LinuxEntry, level: Level) {
        let s = slot(for: va.rawValue)
        return (LinuxEntry(entry(s.table, s.index)), s.level)
    }

    /// Bytes of table memory the Linux table uses.
    public var tableBytes: UInt64 { arena.liveBytes }
}
