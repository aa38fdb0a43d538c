import VMSA
import VMSATables

/// How the mirror finds the native table an operation writes.
@usableFromInline package enum MirrorLookup: String, Sendable {
    /// From the Linux page-table page to the native section it feeds (one
    /// array read).
    case direct
    /// Walking the native table from its root for every operation (the
    /// comparison the benchmark makes).
    case rootWalk
}

/// The native table of one process: 16K or 64K granule, 48-bit VA, its own
/// flat arena, fed by every Linux-table operation.
///
/// Each Linux page-table page keeps a short list of the native tables it
/// feeds, so an operation never walks the native table from its root:
/// - a Linux PTE table (2M) feeds part of one native level-3 table
///   (32 of 8192 entries at 64K: 256 Linux PTE tables share one);
/// - a Linux PMD table (1G) feeds native level-3 tables through its 2M
///   leaves: two 512M tables at 64K, 32 tables of 32M at 16K;
/// - a Linux PUD table (512G) feeds native level-2 tables through its 1G
///   leaves: one at 64K, eight at 16K.
/// Lists fill lazily. Each native table counts its non-zero entries plus the
/// lists that name it, and is freed (its parent entry cleared) at zero.
///
/// A native page whose Linux entries cannot be expressed as one native entry
/// holds `inexpressibleMarker` (an invalid descriptor), and is counted.
///
/// Only `ProcessTables` changes a mirror, so that it follows the Linux
/// table; library users read it through `ProcessTables.mirror`.
public final class NativeMirror {
    /// The VA size of the native table: 48 bits (T0SZ = 16).
    @inlinable public static var inputBits: Int { 48 }
    /// Where the model places native table pages in physical memory.
    public static let defaultTablesBase: UInt64 = 3 << 45
    /// Invalid descriptor (bit 0 clear) whose ignored software bits mark a
    /// native page that cannot be expressed.
    @inlinable public static var inexpressibleMarker: UInt64 { Descriptor.Bits.software.mask }
    /// Entries in a Linux table's list.
    @inlinable static var slotsPerLinuxTable: Int { 32 }

    /// The native translation granule, TCR_EL1.TG0: 16K or 64K.
    public let granule: Granule
    /// The descriptor format of the native leaves: `granule`, DS=0, 48-bit PA.
    public let format: DescriptorFormat
    /// The level of the native root table for a 48-bit VA: 0 at 16K, 1 at 64K.
    public let startLevel: Level
    /// The memory holding the native tables, one `granule` page each.
    public let arena: TableArena
    /// The root table, which TTBR0_EL1 points at in native mode.
    @exclusivity(unchecked) public private(set) var root: TableHandle
    /// Linux PTEs per native page: 4 (16K) or 16 (64K).
    public let linuxPerPage: Int
    /// How an operation finds the native table it writes (see `MirrorLookup`).
    @exclusivity(unchecked) @usableFromInline package var lookup: MirrorLookup = .direct

    @exclusivity(unchecked) @usableFromInline var slots: UnsafeMutablePointer<Int32>
    @usableFromInline var slotCapacity: Int
    @exclusivity(unchecked) @usableFromInline var inexpressibleCount = 0
    /// Native pages currently marked inexpressible.
    public var inexpressiblePages: Int { inexpressibleCount }

    /// An empty native table of `granule` (16K or 64K; 4K traps), its arena capped at
    /// `tableLimit` tables placed from `tablesBase`.
    package init(granule: Granule, tableLimit: Int = 1 << 16, tablesBase: UInt64 = defaultTablesBase) {
        precondition(granule != .k4, "the native mirror is 16K or 64K")
        self.granule = granule
        format = try! DescriptorFormat(granule: granule, ds: false, paBits: LinuxKernel.physicalAddressBits)
        startLevel = granule.startLevel(inputBits: Self.inputBits)
        arena = TableArena(granule: granule, base: tablesBase, limit: tableLimit)
        root = arena.allocate()!
        linuxPerPage = 1 << (granule.pageShift - LinuxKernel.granule.pageShift)
        let levels = Level.allLevels.map { Level(uncheckedRawValue: $0) }
        let start = startLevel
        levelShifts = .allocate(capacity: levels.count)
        levelMasks = .allocate(capacity: levels.count)
        for (i, l) in levels.enumerated() {
            levelShifts[i] = l < start ? 0 : UInt64(granule.shift(at: l))
            levelMasks[i] = l < start ? 0 : (1 << UInt64(granule.indexBits(at: l, inputBits: Self.inputBits))) - 1
        }
        outputAddressMask = format.outputAddressField.mask
        mirrorUnit = max(granule.pageSize, LinuxKernel.granule.pageSize * UInt64(LinuxKernel.contPTEs))
        pageShift = UInt64(granule.pageShift)
        pageSize = granule.pageSize
        pageIndexMask = UInt64(granule.entriesPerTable - 1)
        slotCapacity = 64
        slots = .allocate(capacity: slotCapacity * Self.slotsPerLinuxTable)
        slots.initialize(repeating: -1, count: slotCapacity * Self.slotsPerLinuxTable)
    }

    deinit {
        slots.deallocate()
        levelShifts.deallocate()
        levelMasks.deallocate()
    }

    /// TTBR0_EL1 when the native table is the hardware table.
    public var ttbr0: TTBR { TTBR(baseAddress: arena.physicalAddress(of: root)) }
    /// TCR_EL1 when the native table is the hardware table (TG0 = 16K or 64K).
    public var tcr: TCR { ProcessTables.tcr(granule: granule, inputBits: Self.inputBits) }
    /// The regime the MMU walks this table under (TTBR1 walks disabled).
    public var regime: TranslationRegime { TranslationRegime(tcr: tcr, mair: LinuxKernel.mair, ttbr0: ttbr0, ttbr1: TTBR(rawValue: 0)) }
    /// Bytes of native table memory in use (`TableArena.liveBytes`).
    public var tableBytes: UInt64 { arena.liveBytes }

    // MARK: geometry

    /// Index shift and mask of each level (by `level + 1`), computed once.
    @usableFromInline let levelShifts: UnsafeMutablePointer<UInt64>
    @usableFromInline let levelMasks: UnsafeMutablePointer<UInt64>
    /// The output-address field of a native leaf: [47:pageShift]. Linux
    /// physical addresses are 48-bit, so 64K's OA[51:48] field [15:12] stays 0.
    @usableFromInline let outputAddressMask: UInt64
    /// 64K runs or native pages, whichever is larger: the unit a batch is
    /// mirrored in (contpte may rewrite a whole run).
    @usableFromInline let mirrorUnit: UInt64
    /// The native page's shift and size, and the mask of a page number's
    /// index in its level-3 table: read once per batch from here, not
    /// derived from the granule.
    @usableFromInline let pageShift: UInt64
    @usableFromInline let pageSize: UInt64
    @usableFromInline let pageIndexMask: UInt64

    /// The index of `va` in a native table at `level`: VA[shift + bits - 1:shift],
    /// the level's index field.
    @inlinable @inline(__always)
    package func index(of va: UInt64, at level: Level) -> Int {
        let l = level.rawValue &+ 1
        return Int((va &>> levelShifts[l]) & levelMasks[l])
    }

    /// The native level a Linux table at `linuxLevel` feeds: PTE and PMD
    /// tables feed level 3, PUD tables level 2.
    @inlinable func fedLevel(_ linuxLevel: Level) -> Level { linuxLevel.rawValue >= 2 ? .three : .two }

    /// Bytes one native table at `level` covers.
    @inlinable func tableSpan(_ level: Level) -> UInt64 {
        granule.entrySize(at: level) &* UInt64(granule.entriesPerTable)
    }

    /// List entries a Linux table at `linuxLevel` can need.
    @inlinable func slotCount(_ linuxLevel: Level) -> Int {
        let linuxSpan = LinuxPageTable.entrySize(at: linuxLevel) &* UInt64(LinuxPageTable.entries)
        return max(1, Int(linuxSpan / tableSpan(fedLevel(linuxLevel))))
    }

    /// Which list entry of a Linux table at `linuxLevel` covers `va`.
    @inlinable func slotIndex(_ linuxLevel: Level, _ va: UInt64) -> Int {
        Int((va / tableSpan(fedLevel(linuxLevel))) % UInt64(slotCount(linuxLevel)))
    }

    // MARK: entries and reference counts

    /// Writes one native entry, keeping the table's count of non-zero
    /// entries and the inexpressible-page count; frees the table at zero.
    @inlinable @inline(__always)
    func store(_ t: TableHandle, _ i: Int, _ new: UInt64) {
        let p = arena.words(of: t) + i
        let old = p.pointee
        p.pointee = new
        if (old == Self.inexpressibleMarker) != (new == Self.inexpressibleMarker) {
            inexpressibleCount &+= new == Self.inexpressibleMarker ? 1 : -1
        }
        if (old == 0) != (new == 0) {
            if new != 0 { arena[referencesOf: t] &+= 1 } else { release(t) }
        }
    }

    /// Drops one reference; frees the table (clearing its parent entry) at zero.
    @usableFromInline
    func release(_ t: TableHandle) {
        arena[referencesOf: t] &-= 1
        guard arena[referencesOf: t] == 0, t != root else { return }
        let parent = arena.parent(of: t)
        arena.free(t)
        if let parent { store(parent.table, parent.index, 0) }
    }

    /// A table descriptor for native table `t`, with PXNTable as Linux sets
    /// it on user tables, so that the effective permissions match.
    @inlinable func tableDescriptor(_ t: TableHandle) -> UInt64 {
        format.inserting(address: arena.physicalAddress(of: t), into: Descriptor.TypeBits.tableOrPage)
            | Descriptor.Bits.pxnTable.mask
    }

    /// The native table at `level` covering `va`, walking from the root and
    /// creating missing tables.
    func ensureTable(_ va: UInt64, _ level: Level) throws(LinuxTableError) -> TableHandle {
        var t = root
        var l = startLevel
        while l < level {
            let i = index(of: va, at: l)
            let raw = arena[table: t, index: i]
            if LinuxPageTable.isTable(raw), let c = arena.table(atPhysicalAddress: format.address(of: raw)) {
                t = c
            } else {
                precondition(raw == 0, "a native block sits where a table is needed")
                guard let c = arena.allocate() else { throw .outOfDescriptorMemory(tables: arena.liveTables) }
                arena.setParent(of: c, table: t, index: i)
                store(t, i, tableDescriptor(c))
                t = c
            }
            l = l.next
        }
        return t
    }

    /// The native table at `level` covering `va`, found by walking the
    /// table descriptors from the root; nil if one is missing.
    @inlinable
    package func walkFromRoot(_ va: UInt64, to level: Level) -> TableHandle? {
        var t = root
        var l = startLevel
        while l < level {
            let raw = arena[table: t, index: index(of: va, at: l)]
            guard Descriptor(rawValue: raw).kind(at: l) == .table,
                  let c = arena.table(atPhysicalAddress: format.address(of: raw)) else { return nil }
            t = c
            l = l.next
        }
        return t
    }

    // MARK: the Linux-table lists

    @inlinable @inline(__always)
    func slot(_ linuxTable: TableHandle, _ k: Int) -> Int32 { slots[linuxTable.rawValue &* Self.slotsPerLinuxTable &+ k] }

    private func growSlots(to linuxTable: TableHandle) {
        var newCapacity = slotCapacity
        while newCapacity <= linuxTable.rawValue { newCapacity *= 2 }
        let n = Self.slotsPerLinuxTable
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity * n)
        p.moveInitialize(from: slots, count: slotCapacity * n)
        (p + slotCapacity * n).initialize(repeating: -1, count: (newCapacity - slotCapacity) * n)
        slots.deallocate()
        slots = p
        slotCapacity = newCapacity
    }

    /// The native table list entry `k` of a Linux table names, creating the
    /// table (by one walk from the root) the first time.
    func fedTable(_ linuxTable: TableHandle, _ linuxLevel: Level, _ va: UInt64) throws(LinuxTableError) -> TableHandle {
        if linuxTable.rawValue >= slotCapacity { growSlots(to: linuxTable) }
        let k = linuxTable.rawValue * Self.slotsPerLinuxTable + slotIndex(linuxLevel, va)
        if slots[k] >= 0 { return TableHandle(rawValue: Int(slots[k])) }
        let t = try ensureTable(va, fedLevel(linuxLevel))
        arena[referencesOf: t] += 1
        slots[k] = Int32(t.rawValue)
        return t
    }

    /// A new Linux PTE table: it names the native level-3 table its PMD
    /// table's list already names for this range, or a new one.
    package func attachPTETable(_ pteTable: TableHandle, parentPMDTable: TableHandle, va: UInt64) throws(LinuxTableError) {
        let t = try fedTable(parentPMDTable, .two, va)
        if pteTable.rawValue >= slotCapacity { growSlots(to: pteTable) }
        let k = pteTable.rawValue * Self.slotsPerLinuxTable
        precondition(slots[k] < 0, "PTE table attached twice")
        arena[referencesOf: t] += 1
        slots[k] = Int32(t.rawValue)
    }

    /// A Linux table is being freed: its list lets go of the native tables.
    /// A PTE table's native entries are cleared first (its mappings vanish
    /// with it, as after pmd_clear).
    package func detachLinuxTable(_ linuxTable: TableHandle, level: Level, va: UInt64) {
        guard linuxTable.rawValue < slotCapacity else { return }
        if level.isLast, slot(linuxTable, 0) >= 0 {
            let t = TableHandle(rawValue: Int(slot(linuxTable, 0)))
            let span = LinuxPageTable.entrySize(at: .two)
            let first = index(of: va & ~(span - 1), at: .three)
            for j in 0..<Int(span >> UInt64(granule.pageShift)) { store(t, first + j, 0) }
        }
        for k in 0..<Self.slotsPerLinuxTable {
            let s = slots[linuxTable.rawValue * Self.slotsPerLinuxTable + k]
            slots[linuxTable.rawValue * Self.slotsPerLinuxTable + k] = -1
            if s >= 0 { release(TableHandle(rawValue: Int(s))) }
        }
    }

    /// Discards every native table (the cache is reclaimed); `ProcessTables`
    /// rebuilds them from the Linux table on the next access.
    package func reclaim() {
        arena.freeAll()
        root = arena.allocate()!
        slots.update(repeating: -1, count: slotCapacity * Self.slotsPerLinuxTable)
        inexpressibleCount = 0
    }

    /// The mirror as new (an empty root, no list names a table), keeping its
    /// memory and its `lookup` setting.
    package func reset() {
        arena.reset()
        root = arena.allocate()!
        slots.update(repeating: -1, count: slotCapacity * Self.slotsPerLinuxTable)
        inexpressibleCount = 0
    }

    /// The native table an operation on Linux PTE table `pteTable` writes:
    /// its list entry, or (`rootWalk`) a walk from the native root.
    @inlinable @inline(__always)
    func pteSection(_ pteTable: TableHandle, _ va: UInt64) -> TableHandle {
        switch lookup {
        case .direct: return TableHandle(rawValue: Int(slots[pteTable.rawValue &* Self.slotsPerLinuxTable]))
        case .rootWalk: return walkFromRoot(va, to: LinuxKernel.pteLevel)!
        }
    }
}
