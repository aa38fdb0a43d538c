import VMSA

extension TableImage {
    /// Reads an image file (see `ImageFormat`), validating the header, the
    /// checksum, the registers, and every table reachable from TTBR0 and
    /// TTBR1: each lies wholly inside table memory, aligned to its granule,
    /// below the output address size, with no RES0 bits in table
    /// descriptors, and is used at one level of one half only (so walks
    /// cannot loop). Leaf descriptors are not judged: a block at an illegal
    /// level or an AF=0 page is content that faults, not a broken file.
    public static func load(_ bytes: [UInt8]) throws(ImageError) -> TableImage {
        let result = bytes.withUnsafeBytes { raw -> Result<TableImage, ImageError> in
            do throws(ImageError) { return .success(try load(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The same, reading from raw bytes (for example a file's contents) with
    /// one copy into table memory.
    public static func load(_ bytes: UnsafeRawBufferPointer) throws(ImageError) -> TableImage {
        let header = ImageFormat.headerSize
        guard bytes.count >= header else { throw .truncatedHeader(size: bytes.count) }
        guard bytes[0..<ImageFormat.magic.count].elementsEqual(ImageFormat.magic) else { throw .notAnImage }
        func read64(_ offset: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            return v
        }
        func read32(_ offset: Int) -> UInt32 { UInt32(truncatingIfNeeded: read64(offset)) }
        let version = read32(ImageFormat.versionOffset)
        guard version == ImageFormat.version else { throw .unsupportedVersion(version) }
        let headerSize = read32(ImageFormat.headerSizeOffset)
        guard headerSize == UInt32(header) else { throw .badHeaderSize(headerSize) }
        let tablesSize = read64(ImageFormat.tablesSizeOffset)
        guard tablesSize % 8 == 0 else { throw .tablesSizeNotWords(tablesSize) }
        let actual = UInt64(bytes.count - header)
        if actual < tablesSize { throw .truncatedTables(expected: tablesSize, actual: actual) }
        if actual > tablesSize { throw .trailingBytes(expected: tablesSize, actual: actual) }
        for range in ImageFormat.reservedRanges {
            if let i = range.first(where: { bytes[$0] != 0 }) { throw .reservedBytesSet(offset: i) }
        }
        let flags = bytes[ImageFormat.flagsOffset]
        guard flags & ~ImageFormat.dsFlag == 0 else { throw .unknownFlags(flags) }
        let stored = read64(ImageFormat.checksumOffset)
        let computed = ImageFormat.checksum(bytes)
        guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }

        let tcr = TCR(rawValue: read64(ImageFormat.tcrOffset))
        guard let ips = tcr.physicalAddressSize else { throw .reservedIPS(tcr[TCR.Field.ips]) }
        let paBits = Int(bytes[ImageFormat.paBitsOffset])
        guard paBits == ips.bits else { throw .paBitsMismatch(header: paBits, tcr: ips.bits) }
        let dsFlag = flags & ImageFormat.dsFlag != 0
        guard dsFlag == tcr.ds else { throw .dsMismatch(header: dsFlag, tcr: tcr.ds) }
        let base = read64(ImageFormat.tablesBaseOffset)
        guard base & (Granule.k4.pageSize - 1) == 0 else { throw .tablesBaseMisaligned(base) }
        let paLimit: UInt64 = 1 << 52
        guard base < paLimit, tablesSize <= paLimit - base else { throw .tablesBeyondAddressSpace(base: base, size: tablesSize) }

        let memory = TableMemory(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[header...]))
        let image = TableImage(tablesBase: base, tcr: tcr, mair: MAIR(rawValue: read64(ImageFormat.mairOffset)),
                               ttbr0: TTBR(rawValue: read64(ImageFormat.ttbr0Offset)),
                               ttbr1: TTBR(rawValue: read64(ImageFormat.ttbr1Offset)), memory: memory)
        try image.validateTables()
        return image
    }

    /// Checks the registers of each enabled half and every table reachable
    /// from it (see `load`).
    public func validateTables() throws(ImageError) {
        let tables = tablesBase...(tablesBase &+ tablesSize &- 1)
        func inside(_ address: UInt64, _ bytes: UInt64) -> Bool {
            tablesSize > 0 && address >= tablesBase && bytes <= tablesSize && address &- tablesBase <= tablesSize &- bytes
        }
        // Table address → (half, level, bytes).
        var seen: [UInt64: (TranslationTableBase, Level, UInt64)] = [:]
        for t in TranslationTableBase.allCases where !tcr.walksDisabled(t) {
            guard let granule = tcr.granule(t) else {
                throw .reservedGranule(t, tcr[t == .ttbr0 ? TCR.Field.tg0 : TCR.Field.tg1])
            }
            let ds = tcr.ds && granule != .k64
            let range = Granule.minInputBits...granule.maxInputBits(ds: ds, lva: true)
            guard range.contains(tcr.inputBits(t)) else {
                throw .inputSizeOutOfRange(t, bits: tcr.inputBits(t), granule: granule, range: range)
            }
            guard let h = half(t) else { continue }
            let register = t == .ttbr0 ? ttbr0 : ttbr1
            let rawBase = register.baseAddress(fiftyTwoBit: h.fiftyTwoBitBase) & ~TTBR.Field.cnp.bits.mask
            let rootBytes = UInt64(h.rootEntries) * 8
            let alignment = max(rootBytes, h.fiftyTwoBitBase ? TTBR.alignment52 : 1)
            guard rawBase & (alignment - 1) == 0 else { throw .rootMisaligned(t, base: rawBase, alignment: alignment) }
            guard !h.baseAddressFault else { throw .rootBeyondOutputSize(t, base: rawBase, bits: h.outputBits) }
            guard inside(h.rootAddress, rootBytes) else { throw .rootOutside(t, base: h.rootAddress, tables: tables) }

            // Depth-first over the tables of this half.
            var stack: [(UInt64, Level)] = [(h.rootAddress, h.startLevel)]
            while let (table, level) = stack.popLast() {
                let bytes = level == h.startLevel ? rootBytes : h.granule.pageSize
                if let (otherHalf, otherLevel, _) = seen[table] {
                    if otherHalf == t && otherLevel == level { continue }
                    throw .tableReused(address: table, first: "a \(otherHalf) \(otherLevel) table",
                                       second: "a \(t) \(level) table")
                }
                seen[table] = (t, level, bytes)
                guard !level.isLast else { continue }
                let entries = h.entries(at: level)
                let first = Int((table - tablesBase) / 8)
                for i in 0..<entries {
                    let raw = memory.words[first + i]
                    guard raw & 0b11 == 0b11 else { continue }
                    let entry = table + UInt64(i) * 8
                    let res0 = raw & h.format.tableRes0Mask
                    guard res0 == 0 else { throw .tableRes0(t, level: level, entry: entry, bits: res0) }
                    let next = h.address(of: raw)
                    guard next >> UInt64(h.outputBits) == 0 else {
                        throw .tablePointerBeyondOutputSize(t, level: level, entry: entry, target: next, bits: h.outputBits)
                    }
                    guard inside(next, h.granule.pageSize) else {
                        throw .tablePointerOutside(t, level: level, entry: entry, target: next, tables: tables)
                    }
                    stack.append((next, level.next))
                }
            }
        }
        // Tables of different granules must not overlap.
        let spans = seen.map { ($0.key, $0.value.2) }.sorted { $0.0 < $1.0 }
        for (a, b) in zip(spans, spans.dropFirst()) where a.0 + a.1 > b.0 {
            throw .tablesOverlap(a.0, b.0)
        }
    }
}
