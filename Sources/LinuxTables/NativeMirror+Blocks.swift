import VMSA

/// Linux huge-page leaves as native entries. A 2M PMD leaf becomes a
/// contiguous run of native pages (32 x 64K, 128 x 16K); a 1G PUD leaf
/// becomes native level-2 blocks (2 x 512M at 64K) or a contiguous run of
/// blocks where the granule allows (32 x 32M at 16K). Linux keeps these
/// leaves aligned, so they are always expressible.
extension NativeMirror {
    /// Writes the native entries for the leaf (or hole) `value` at PMD
    /// (`linuxLevel` 2) or PUD (`linuxLevel` 1) slot covering `va`, through
    /// the list of Linux table `linuxTable`. Non-present values leave the
    /// range invalid.
    package func mirrorLeaf(_ value: LinuxPTE, linuxTable: TableHandle, linuxLevel: Level, va: UInt64) throws(LinuxTableError) {
        let size = LinuxPageTable.entrySize(at: linuxLevel)
        let start = va & ~(size - 1)
        let level = fedLevel(linuxLevel)
        let t = try fedTable(linuxTable, linuxLevel, start)
        let entrySize = granule.entrySize(at: level)
        let n = Int(size / entrySize)
        let first = index(of: start, at: level)
        guard value.isValid else {
            for j in 0..<n { store(t, first + j, 0) }
            return
        }
        let type = level.isLast ? Descriptor.TypeBits.tableOrPage : Descriptor.TypeBits.block
        let contiguous = granule.contiguousCount(at: level) == n
        let pa = value.physicalAddress & ~(size - 1)
        for j in 0..<n {
            precondition(!LinuxPageTable.isTable(arena[table: t, index: first + j]) || level.isLast,
                         "a native table sits where a 1G leaf goes")
            var w = nativeWord(value.rawValue, pa: pa + UInt64(j) * entrySize, type: type,
                               young: value.isYoung, dirty: value.isDirty)
            if contiguous { w |= Descriptor.Bits.contiguous.mask }
            store(t, first + j, w)
        }
    }
}
