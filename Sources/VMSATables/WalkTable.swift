import VMSA

/// One table as the walk core reads it: where it is, what it maps, the
/// hierarchical bits of the tables above it, and its entries, each with the
/// role `classify` gives it. The dumps, image validation, the
/// contiguous-run check and the conformance walk traces descend through
/// these, so they judge every entry by the same rules as `translate`.
///
/// The entries are read in place: a `WalkTable` is valid while the memory
/// it came from is alive and unchanged.
public struct WalkTable {
    /// The VA range the table belongs to: TTBR0_EL1 or TTBR1_EL1.
    public let ttbr: TranslationTableBase
    /// Physical address of entry 0.
    public let address: UInt64
    /// The lookup level of the table, -1 to 3.
    public let level: Level
    /// VA of entry 0.
    public let baseVA: UInt64
    /// The table descriptors above this table, OR-ed (PXNTable, UXNTable,
    /// APTable and NSTable in their descriptor positions).
    public let tableBits: UInt64
    /// Entries in this table (the start level may have fewer).
    public let count: Int
    @usableFromInline let words: UnsafePointer<UInt64>
    @usableFromInline let w: WalkParameters
    @usableFromInline let mair: UInt64
    @usableFromInline let outerShareable: UInt8

    /// Bytes one entry maps.
    public var entrySize: UInt64 { 1 &<< UInt64(w.startShift &- (level.rawValue &- w.startLevel) &* w.bitsPerLevel) }

    /// The raw descriptor at `index`.
    @inlinable public subscript(index: Int) -> UInt64 {
        precondition(index >= 0 && index < count, "entry index out of range")
        return words[index]
    }

    /// What entry `index` is to the walk.
    public func role(_ index: Int) -> EntryRole { w.classify(self[index], level: level.rawValue, entrySize: entrySize) }

    /// The first VA entry `index` maps.
    public func va(of index: Int) -> UInt64 { baseVA &+ UInt64(index) &* entrySize }

    /// Physical address of entry `index`.
    public func entryAddress(_ index: Int) -> UInt64 { address &+ UInt64(index) &* DescriptorLayout.bytes }

    /// The index of the entry that maps `va`.
    public func index(of va: UInt64) -> Int {
        Int(truncatingIfNeeded: ((va &- baseVA) / entrySize) & UInt64(count &- 1))
    }

    /// The output address field of `raw` as this half lays it out.
    public func outputAddress(of raw: UInt64) -> UInt64 { w.address(of: raw) }

    /// Every bit of the output address field.
    public var addressMask: UInt64 { w.addressMask }

    /// Entries in a contiguous run at this level (nil: none).
    public var contiguousCount: Int? { let n = w.contiguousCount(level: level.rawValue); return n > 0 ? n : nil }

    /// The one-line reading of leaf `index` in this table's regime: the
    /// stage-1 attributes after the tables above, or the stage-2 ones.
    public func leafSummary(_ index: Int) -> String {
        w.kind == .s2 ? TranslationRegime.stage2Attributes(self[index], walk: w).summary : leafAttributes(index).summary
    }

    /// Appends `leafSummary(index)` to `line`, without building it apart.
    func appendLeafSummary(_ index: Int, to line: inout String) {
        if w.kind == .s2 { line += TranslationRegime.stage2Attributes(self[index], walk: w).summary } else {
            leafAttributes(index).appendSummary(to: &line)
        }
    }

    /// The stage-2 attributes of leaf `index` of a stage-2 table.
    public func stage2Attributes(_ index: Int) -> Stage2LeafAttributes {
        TranslationRegime.stage2Attributes(self[index], walk: w)
    }

    /// The effective stage-1 attributes of the leaf at `index`: its own bits
    /// combined with `tableBits` (APTable, PXNTable, UXNTable) and its MAIR byte.
    public func leafAttributes(_ index: Int) -> LeafAttributes {
        TranslationRegime.leafAttributes(self[index], tableBits: tableBits, walk: w, mair: mair, outerShareable: outerShareable)
    }
}

extension TranslationRegime {
    /// The start-level table of one half: nil when the half's walks are
    /// disabled or its TTBR base is beyond the output size; `notCaptured`
    /// when the memory does not hold it.
    public func root<Memory: PhysicalMemory>(_ ttbr: TranslationTableBase, in memory: Memory) -> Result<WalkTable, TranslationFault>? {
        let w = walkParameters(ttbr)
        guard w.enabled, !w.baseAddressFault, let h = half(ttbr) else { return nil }
        let level = Level(uncheckedRawValue: w.startLevel)
        guard let words = memory.words(at: w.rootAddress, count: w.rootEntries) else {
            return .failure(.notCaptured(w.rootAddress, level: level))
        }
        return .success(WalkTable(ttbr: ttbr, address: w.rootAddress, level: level, baseVA: h.vaRange.lowerBound, tableBits: 0,
                                  count: w.rootEntries, words: words, w: w, mair: mair.rawValue,
                                  outerShareable: outerShareableAttributes))
    }

    /// The next-level table entry `index` of `table` points at, or nil when
    /// that entry is not a table descriptor the walk follows; `notCaptured`
    /// when the memory does not hold it.
    public func child<Memory: PhysicalMemory>(of table: WalkTable, at index: Int, in memory: Memory) -> Result<WalkTable, TranslationFault>? {
        guard case .table(let next) = table.role(index) else { return nil }
        let level = table.level.next
        guard let words = memory.words(at: next, count: table.w.tableEntries) else {
            return .failure(.notCaptured(next, level: level))
        }
        return .success(WalkTable(ttbr: table.ttbr, address: next, level: level, baseVA: table.va(of: index),
                                  tableBits: table.tableBits | table[index], count: table.w.tableEntries, words: words,
                                  w: table.w, mair: table.mair, outerShareable: table.outerShareable))
    }
}
