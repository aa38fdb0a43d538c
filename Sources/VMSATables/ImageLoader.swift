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
        try load(bytes, mapping: nil)
    }

    /// Loads a mapped image file. A version 2 image's segments stay in the
    /// mapping (pages are read when a walk touches them, and nothing but
    /// the header and segment table is hashed); a version 1 image is copied.
    public static func load(_ file: MappedFile) throws(ImageError) -> TableImage {
        try load(UnsafeRawBufferPointer(file.bytes), mapping: file)
    }

    static func load(_ bytes: UnsafeRawBufferPointer, mapping: MappedFile?) throws(ImageError) -> TableImage {
        let header = ImageFormat.headerSize
        guard bytes.count >= header else { throw .truncatedHeader(size: bytes.count) }
        guard bytes[0..<ImageFormat.magic.count].elementsEqual(ImageFormat.magic) else { throw .notAnImage }
        func read64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func read32(_ offset: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        let version = read32(ImageFormat.versionOffset)
        guard ImageFormat.versions.contains(version) else { throw .unsupportedVersion(version) }
        let headerSize = read32(ImageFormat.headerSizeOffset)
        guard headerSize == UInt32(header) else { throw .badHeaderSize(headerSize) }
        let v1 = version == 1
        // The size of what follows the header, checked before the checksum
        // so that the checksum never reads past the file.
        var segmentCount: UInt64 = 0
        var v1Size: UInt64 = 0
        if v1 {
            v1Size = read64(ImageFormat.v1TablesSizeOffset)
            guard v1Size % DescriptorLayout.bytes == 0 else { throw .tablesSizeNotWords(v1Size) }
            let actual = UInt64(bytes.count - header)
            if actual < v1Size { throw .truncatedTables(expected: v1Size, actual: actual) }
            if actual > v1Size { throw .trailingBytes(expected: v1Size, actual: actual) }
        } else {
            segmentCount = read64(ImageFormat.segmentCountOffset)
            guard segmentCount <= UInt64(bytes.count - header) / UInt64(ImageFormat.segmentEntrySize) else {
                throw .segmentCount(segmentCount, fileSize: UInt64(bytes.count))
            }
        }
        for range in ImageFormat.reservedRanges(version: version) {
            if let i = range.first(where: { bytes[$0] != 0 }) { throw .reservedBytesSet(offset: i) }
        }
        let flags = bytes[ImageFormat.flagsOffset]
        let v3 = version == ImageFormat.regimeVersion
        let known = v1 ? ImageFormat.dsFlag : ImageFormat.dsFlag | ImageFormat.panFlag | ImageFormat.partialFlag
            | (v3 ? ImageFormat.stage2Flag : 0)
        guard flags & ~known == 0 else { throw .unknownFlags(flags) }
        let stored = read64(ImageFormat.checksumOffset)
        let checked = ImageFormat.checkedBytes(version: version, segments: segmentCount, fileSize: bytes.count)
        let computed = ImageFormat.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<checked]))
        guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }

        let tcr = TCR(rawValue: read64(v1 ? ImageFormat.v1TCROffset : ImageFormat.tcrOffset))
        let code = v3 ? Int(bytes[ImageFormat.regimeOffset]) : 0
        guard code < ImageFormat.regimeCodes.count else { throw .unknownRegime(UInt8(code)) }
        let kind = ImageFormat.regimeCodes[code]
        let regime = TranslationRegime(
            kind: kind, tcr: tcr, mair: MAIR(rawValue: read64(v1 ? ImageFormat.v1MAIROffset : ImageFormat.mairOffset)),
            ttbr0: TTBR(rawValue: read64(v1 ? ImageFormat.v1TTBR0Offset : ImageFormat.ttbr0Offset)),
            ttbr1: TTBR(rawValue: read64(v1 ? ImageFormat.v1TTBR1Offset : ImageFormat.ttbr1Offset)))
        let paBitsOfRegime = try checkControl(regime)
        let paBits = Int(bytes[ImageFormat.paBitsOffset])
        guard paBits == paBitsOfRegime else { throw .paBitsMismatch(header: paBits, tcr: paBitsOfRegime) }
        let dsFlag = flags & ImageFormat.dsFlag != 0
        guard dsFlag == regime.ds else { throw .dsMismatch(header: dsFlag, tcr: regime.ds) }
        var stage2: TranslationRegime?
        var hcr = HCR(rawValue: 0)
        if flags & ImageFormat.stage2Flag != 0 {
            guard kind == .el10 else { throw .stage2Misplaced(kind) }
            let s2 = TranslationRegime(vtcr: VTCR(rawValue: read64(ImageFormat.vtcrOffset)), vttbr: VTTBR(rawValue: read64(ImageFormat.vttbrOffset)))
            _ = try checkControl(s2)
            stage2 = s2
            hcr = HCR(rawValue: read64(ImageFormat.hcrOffset))
        }

        var segments: [ImageSegment] = []
        var state = CPUState()
        if v1 {
            let base = read64(ImageFormat.v1TablesBaseOffset)
            guard base & (Granule.k4.pageSize - 1) == 0 else { throw .tablesBaseMisaligned(base) }
            guard base < ImageSegment.physicalAddressLimit, v1Size <= ImageSegment.physicalAddressLimit - base else {
                throw .tablesBeyondAddressSpace(base: base, size: v1Size)
            }
            if v1Size > 0 {
                segments = [ImageSegment(base: base, memory: TableMemory(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[header...])))]
            }
        } else {
            state = CPUState(sctlr: read64(ImageFormat.sctlrOffset), pan: flags & ImageFormat.panFlag != 0)
            var dataStart = UInt64(header) + segmentCount * UInt64(ImageFormat.segmentEntrySize)
            let fileSize = UInt64(bytes.count)
            for i in 0..<Int(segmentCount) {
                let entry = header + i * ImageFormat.segmentEntrySize
                let pa = read64(entry), size = read64(entry + 8), offset = read64(entry + 16)
                try ImageSegment.check(base: pa, bytes: size, after: segments.last)
                guard offset % DescriptorLayout.bytes == 0, offset >= dataStart, offset <= fileSize, size <= fileSize - offset else {
                    throw .segmentOutsideFile(index: i, offset: offset, bytes: size, fileSize: fileSize)
                }
                let count = Int(size / DescriptorLayout.bytes)
                let memory: TableMemory
                #if _endian(little)
                if let mapping { memory = TableMemory(viewing: mapping, byteOffset: Int(offset), count: count) } else {
                    memory = TableMemory(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset + size)]))
                }
                #else
                memory = TableMemory(littleEndian: UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset + size)]))
                #endif
                segments.append(ImageSegment(base: pa, memory: memory))
                dataStart = offset + size
            }
        }
        var image = TableImage(regime: regime, state: state, segments: segments)
        image.isPartial = flags & ImageFormat.partialFlag != 0
        image.stage2 = stage2
        image.hcr = hcr
        try image.validateTables()
        return image
    }

    /// Refuses a TCR_EL1 no image may hold (a reserved IPS, RES0 bits set);
    /// returns its physical address size. Every source of registers (an
    /// image file, an import) is checked here.
    public static func checkTCR(_ tcr: TCR) throws(ImageError) -> PhysicalAddressSize {
        guard let ips = tcr.physicalAddressSize else { throw .reservedIPS(tcr[TCR.Field.ips]) }
        let res0 = tcr.rawValue & TCR.res0Mask
        guard res0 == 0 else { throw .tcrRes0(res0) }
        return ips
    }

    /// Refuses a control register no image of its regime may hold and
    /// returns the output size it configures: TCR_EL1's checks for the
    /// TCR_EL1 layout, a usable geometry (`RegimeHalf`) for the others.
    package static func checkControl(_ regime: TranslationRegime) throws(ImageError) -> Int {
        switch regime.kind {
        case .el10, .el20:
            return try checkTCR(regime.tcr).bits
        case .el2, .el3, .s2:
            let name = regime.kind == .s2 ? VTCR.name : (regime.kind == .el2 ? TCREL2.name : TCREL3.name)
            guard regime.half0 != nil, let bits = regime.paBits else {
                throw .controlInvalid(regime.kind, register: name, regime.tcr.rawValue)
            }
            return bits
        }
    }

    /// Checks the registers of each enabled half and every table reachable
    /// from it (see `load`), descending through the walk core. A partial
    /// image may lack tables: their walks end `notCaptured`, so a table
    /// (or root) it does not hold is not followed rather than refused.
    public func validateTables() throws(ImageError) {
        guard !segments.isEmpty else { throw .noMemory }
        let held = tablesBase...(tablesBase &+ (tablesSize &- 1))
        guard let twoStage else {
            return try Self.validateTables(of: regime, in: self, partial: isPartial, held: held)
        }
        try Self.validateTables(of: twoStage.stage2, in: self, partial: isPartial, held: held)
        // Stage-1 tables a stage 2 does not map are planted faults (the walk
        // takes a stage-2 fault there), not missing memory.
        try Self.validateTables(of: regime, in: IntermediatePhysicalMemory(regime: twoStage, el: .el1, memory: self), partial: true, held: held)
    }

    /// `validateTables` for one regime whose tables `memory` holds.
    static func validateTables<Memory: PhysicalMemory>(of regime: TranslationRegime, in memory: Memory, partial isPartial: Bool,
                                                       held: ClosedRange<UInt64>) throws(ImageError) {
        let tcr = regime.tcr
        // Table address → (half, level, bytes).
        var seen: [UInt64: (TranslationTableBase, Level, UInt64)] = [:]
        for t in regime.ranges where !(regime.kind.hasTwoRanges && tcr.walksDisabled(t)) {
            if regime.kind.hasTwoRanges {
                guard let granule = tcr.granule(t) else {
                    throw .reservedGranule(t, tcr[t == .ttbr0 ? TCR.Field.tg0 : TCR.Field.tg1])
                }
                let ds = tcr.ds && granule != .k64
                let range = Granule.minInputBits...granule.maxInputBits(ds: ds, lva: true)
                guard range.contains(tcr.inputBits(t)) else {
                    throw .inputSizeOutOfRange(t, bits: tcr.inputBits(t), granule: granule, range: range)
                }
            }
            guard let h = regime.half(t) else { continue }
            let register = regime.register(t)
            let rawBase = register.baseAddress(fiftyTwoBit: h.fiftyTwoBitBase) & ~TTBR.Field.cnp.bits.mask
            let rootBytes = UInt64(h.rootEntries) * DescriptorLayout.bytes
            let alignment = max(rootBytes, h.fiftyTwoBitBase ? TTBR.alignment52 : 1)
            guard rawBase & (alignment - 1) == 0 else { throw .rootMisaligned(t, base: rawBase, alignment: alignment) }
            guard !h.baseAddressFault else { throw .rootBeyondOutputSize(t, base: rawBase, bits: h.outputBits) }
            guard case .success(let root)? = regime.root(t, in: memory) else {
                if isPartial { continue }
                throw .rootOutside(t, base: h.rootAddress, tables: held)
            }

            var stack = [root]
            while let table = stack.popLast() {
                let bytes = UInt64(table.count) * DescriptorLayout.bytes
                if let (otherHalf, otherLevel, _) = seen[table.address] {
                    if otherHalf == t && otherLevel == table.level { continue }
                    throw .tableReused(address: table.address, first: "a \(otherHalf) \(otherLevel) table",
                                       second: "a \(t) \(table.level) table")
                }
                seen[table.address] = (t, table.level, bytes)
                for i in 0..<table.count where !table.level.isLast {
                    let raw = table[i]
                    guard raw & Descriptor.Bits.type.mask == Descriptor.Bits.type.mask else { continue }
                    let entry = table.entryAddress(i)
                    let res0 = raw & (regime.kind == .s2 ? Stage2Fields.res0Mask(.table, at: table.level, format: h.format) : h.format.tableRes0Mask)
                    guard res0 == 0 else { throw .tableRes0(t, level: table.level, entry: entry, bits: res0) }
                    let target = table.outputAddress(of: raw)
                    switch regime.child(of: table, at: i, in: memory) {
                    case .success(let next)?: stack.append(next)
                    case .failure? where isPartial: continue
                    case .failure?: throw .tablePointerOutside(t, level: table.level, entry: entry, target: target, tables: held)
                    case nil: throw .tablePointerBeyondOutputSize(t, level: table.level, entry: entry, target: target, bits: h.outputBits)
                    }
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
