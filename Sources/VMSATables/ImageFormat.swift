import VMSA

/// The image file, little-endian throughout. Version 2 (what vmsa writes) is
/// sparse: a 128-byte header, a segment table, then each segment's bytes.
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 8 | magic `"VMSAIMG\0"` |
/// | 8 | 4 | format version, 2 |
/// | 12 | 4 | header size in bytes, 128 |
/// | 16 | 8 | segment count N |
/// | 24 | 8 | TCR_EL1 |
/// | 32 | 8 | MAIR_EL1 |
/// | 40 | 8 | TTBR0_EL1 |
/// | 48 | 8 | TTBR1_EL1 |
/// | 56 | 8 | SCTLR_EL1 (0 when unknown) |
/// | 64 | 1 | paBits: TCR_EL1.IPS in bits (must agree with TCR_EL1) |
/// | 65 | 1 | flags: bit 0 TCR_EL1.DS (must agree), bit 1 PSTATE.PAN, bit 2 partial (a dump lacking some reachable table); others zero |
/// | 66 | 6 | zero |
/// | 72 | 8 | checksum: 64-bit FNV-1a over the header (this field read as zero) and the segment table |
/// | 80 | 48 | zero |
/// | 128 | 24 N | segment table, in PA order: PA, bytes, file offset (each 8 bytes) |
/// | … | | segment bytes, 8-byte aligned, in table order, not overlapping |
///
/// Segments hold memory as it sits at their PA; their PAs and sizes are
/// multiples of 8 and they do not overlap. The checksum covers what is read
/// on every load (header and segment table) but not the segment bytes, so a
/// load maps the file and touches only the pages its walks read; the tables
/// themselves are checked by `validateTables`.
///
/// Version 3 is version 2 for the other regimes and for two stages, written
/// only when the image needs it (so that EL1&0 images stay readable by
/// older vmsa): byte 66 is the regime (0 el10, 1 el20, 2 el2, 3 el3, 4 s2;
/// the register fields at 24-48 then hold its own control, MAIR and base
/// registers, and paBits and DS follow its control register), flags bit 3
/// says a stage 2 follows the EL1&0 regime, with VTCR_EL2 at 80, VTTBR_EL2
/// at 88 and HCR_EL2 at 96. Bytes [67, 72) and [104, 128) are zero.
///
/// Version 1 (still read): the same magic, version 1, then tablesBase at
/// 16, tablesSize at 24, TCR_EL1 32, MAIR_EL1 40, TTBR0_EL1 48, TTBR1_EL1 56,
/// paBits 64, flags 65 (bit 0 DS), checksum 72 over the whole file, and
/// tablesSize bytes of contiguous memory from tablesBase at offset 128.
public enum ImageFormat {
    /// The 8 bytes at offset 0: `"VMSAIMG\0"`.
    public static let magic: [UInt8] = Array("VMSAIMG\0".utf8)
    /// The version vmsa writes.
    public static let version: UInt32 = 2
    /// The versions vmsa reads: 1 (contiguous), 2 (sparse) and 3 (another regime or a stage 2).
    public static let versions: ClosedRange<UInt32> = 1...3
    /// The version of images of another regime or with a stage 2.
    public static let regimeVersion: UInt32 = 3
    /// Bytes of the header, and the offset of the segment table (version 1: of the tables).
    public static let headerSize = 128
    /// Bytes of one segment table entry.
    public static let segmentEntrySize = 24

    // Field offsets shared by both versions.
    static let versionOffset = 8
    static let headerSizeOffset = 12
    static let paBitsOffset = 64
    static let flagsOffset = 65
    static let checksumOffset = 72
    /// Bytes that must be zero: [66, 72) and [80, 128).
    static let reservedRanges = [66..<72, 80..<128]
    /// The same in version 3.
    static let v3ReservedRanges = [67..<72, 104..<128]
    static func reservedRanges(version: UInt32) -> [Range<Int>] { version == regimeVersion ? v3ReservedRanges : reservedRanges }
    /// Flags byte, bit 0: TCR_EL1.DS; bit 1 (v2): PSTATE.PAN; bit 2 (v2):
    /// the memory lacks some reachable table (`TableImage.isPartial`).
    static let dsFlag: UInt8 = 1
    static let panFlag: UInt8 = 2
    static let partialFlag: UInt8 = 4
    /// Flags bit 3 (v3): a stage 2 follows.
    static let stage2Flag: UInt8 = 8

    // Version 3.
    static let regimeOffset = 66
    static let vtcrOffset = 80
    static let vttbrOffset = 88
    static let hcrOffset = 96
    /// Regime codes, in order.
    public static let regimeCodes: [TranslationRegimeKind] = [.el10, .el20, .el2, .el3, .s2]

    // Version 2.
    static let segmentCountOffset = 16
    static let tcrOffset = 24
    static let mairOffset = 32
    static let ttbr0Offset = 40
    static let ttbr1Offset = 48
    static let sctlrOffset = 56

    // Version 1.
    static let v1TablesBaseOffset = 16
    static let v1TablesSizeOffset = 24
    static let v1TCROffset = 32
    static let v1MAIROffset = 40
    static let v1TTBR0Offset = 48
    static let v1TTBR1Offset = 56

    static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// 64-bit FNV-1a of `bytes` (v1: the whole file; v2: header and segment
    /// table), with the 8 checksum bytes taken as zero.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let header = min(bytes.count, headerSize)
        let h = checksum(header: UnsafeRawBufferPointer(rebasing: bytes[0..<header]), seed: fnvOffsetBasis)
        return fnv(UnsafeRawBufferPointer(rebasing: bytes[header...]), seed: h)
    }

    /// FNV-1a over the header with the checksum bytes as zero, continuing from `seed`.
    static func checksum(header: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed
        for i in 0..<header.count {
            let inChecksum = i >= checksumOffset && i < checksumOffset + 8
            h = (h ^ UInt64(inChecksum ? 0 : header[i])) &* fnvPrime
        }
        return h
    }

    /// FNV-1a over `bytes`, continuing from `seed`.
    static func fnv(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* fnvPrime }
        return h
    }

    /// Bytes `version`'s checksum covers in a file of `fileSize` bytes with
    /// `segments` segments.
    static func checkedBytes(version: UInt32, segments: UInt64, fileSize: Int) -> Int {
        version == 1 ? fileSize : min(fileSize, headerSize + Int(segments) * segmentEntrySize)
    }
}

extension TableImage {
    /// The image file in the current version (see `ImageFormat`).
    public func serialized() -> [UInt8] { serialized(version: ImageFormat.version) }

    /// Whether the image needs version 3: another regime than EL1&0, or a stage 2.
    public var needsRegimeVersion: Bool { regime.kind != .el10 || stage2 != nil }

    /// The image file in `version` 1 or 2 (3 when `needsRegimeVersion`). Version 1 holds contiguous memory
    /// from `tablesBase` (zeros between segments).
    public func serialized(version: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ImageFormat.headerSize + Int(version == 1 ? tablesSize : capturedBytes) + segments.count * ImageFormat.segmentEntrySize)
        writeFile(version: version) { out.append(contentsOf: $0) }
        return out
    }

    /// Streams the image file in `version` to `write`, the table memory
    /// straight from where it sits (no copy of a large image).
    public func writeFile(version requested: UInt32 = ImageFormat.version, _ write: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let version = needsRegimeVersion ? ImageFormat.regimeVersion : requested
        var head = [UInt8](repeating: 0, count: ImageFormat.headerSize)
        let table = version == 1 ? [] : segmentTable()
        head.withUnsafeMutableBytes { raw in
            func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
                raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
            }
            for (i, b) in ImageFormat.magic.enumerated() { raw[i] = b }
            put(version, at: ImageFormat.versionOffset)
            put(UInt32(ImageFormat.headerSize), at: ImageFormat.headerSizeOffset)
            put(UInt8(regime.paBits ?? 0), at: ImageFormat.paBitsOffset)
            var flags: UInt8 = regime.ds ? ImageFormat.dsFlag : 0
            if version == ImageFormat.regimeVersion {
                put(UInt8(ImageFormat.regimeCodes.firstIndex(of: regime.kind)!), at: ImageFormat.regimeOffset)
                if let stage2 {
                    flags |= ImageFormat.stage2Flag
                    put(stage2.tcr.rawValue, at: ImageFormat.vtcrOffset)
                    put(stage2.ttbr0.rawValue, at: ImageFormat.vttbrOffset)
                    put(hcr.rawValue, at: ImageFormat.hcrOffset)
                }
            }
            if version == 1 {
                put(tablesBase, at: ImageFormat.v1TablesBaseOffset)
                put(tablesSize, at: ImageFormat.v1TablesSizeOffset)
                put(tcr.rawValue, at: ImageFormat.v1TCROffset)
                put(mair.rawValue, at: ImageFormat.v1MAIROffset)
                put(ttbr0.rawValue, at: ImageFormat.v1TTBR0Offset)
                put(ttbr1.rawValue, at: ImageFormat.v1TTBR1Offset)
            } else {
                put(UInt64(segments.count), at: ImageFormat.segmentCountOffset)
                put(tcr.rawValue, at: ImageFormat.tcrOffset)
                put(mair.rawValue, at: ImageFormat.mairOffset)
                put(ttbr0.rawValue, at: ImageFormat.ttbr0Offset)
                put(ttbr1.rawValue, at: ImageFormat.ttbr1Offset)
                put(state.sctlr, at: ImageFormat.sctlrOffset)
                if state.pan { flags |= ImageFormat.panFlag }
                if isPartial { flags |= ImageFormat.partialFlag }
            }
            put(flags, at: ImageFormat.flagsOffset)
            var sum = ImageFormat.checksum(header: UnsafeRawBufferPointer(raw), seed: ImageFormat.fnvOffsetBasis)
            if version == 1 {
                forEachRawChunk { sum = ImageFormat.fnv($0, seed: sum) }
            } else {
                table.withUnsafeBytes { sum = ImageFormat.fnv($0, seed: sum) }
            }
            put(sum, at: ImageFormat.checksumOffset)
        }
        try head.withUnsafeBytes(write)
        if version == 1 {
            try forEachRawChunk(write)
        } else {
            try table.withUnsafeBytes(write)
            for s in segments { try Self.withLittleEndian(s.memory, write) }
        }
    }

    /// The v2 segment table: each segment's PA, bytes and file offset, the
    /// data packed after the table in order.
    func segmentTable() -> [UInt8] {
        var out: [UInt8] = []
        var offset = UInt64(ImageFormat.headerSize + segments.count * ImageFormat.segmentEntrySize)
        for s in segments {
            for v in [s.base, s.bytes, offset] { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
            offset &+= s.bytes
        }
        return out
    }

    /// Calls `body` with memory from `tablesBase` for `tablesSize` bytes, in
    /// pieces: each segment as it sits, zeros between them (`dump --format raw`).
    public func forEachRawChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let zeros = [UInt8](repeating: 0, count: 1 << 16)
        var at = tablesBase
        for s in segments {
            var gap = s.base &- at
            while gap > 0 {
                let n = Int(min(gap, UInt64(zeros.count)))
                try zeros.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                gap -= UInt64(n)
            }
            try Self.withLittleEndian(s.memory, body)
            at = s.base &+ s.bytes
        }
    }

    /// Calls `body` with the raw bytes of memory from `tablesBase`, contiguous.
    public func withUnsafeTableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        #if _endian(little)
        if segments.count <= 1 { return try body(UnsafeRawBufferPointer(start: window.start, count: Int(window.count) * 8)) }
        #endif
        var flat: [UInt8] = []
        flat.reserveCapacity(Int(tablesSize))
        forEachRawChunk { flat.append(contentsOf: $0) }
        return try flat.withUnsafeBytes(body)
    }

    /// `memory`'s words as little-endian bytes; without a copy on a little-endian host.
    static func withLittleEndian(_ memory: TableMemory, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        #if _endian(little)
        try body(UnsafeRawBufferPointer(start: memory.words, count: memory.count * 8))
        #else
        let bytes = (0..<memory.count).flatMap { i in withUnsafeBytes(of: memory.words[i].littleEndian) { Array($0) } }
        try bytes.withUnsafeBytes(body)
        #endif
    }
}

extension TableImage {
    /// Recomputes the checksum of an image file's bytes in place, for a file
    /// edited by hand (a patched descriptor, a planted fault). Does nothing to
    /// a buffer too short to hold the header; `load` still checks the rest.
    public static func sealChecksum(_ bytes: inout [UInt8]) {
        guard bytes.count >= ImageFormat.headerSize else { return }
        let fields = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: ImageFormat.versionOffset, as: UInt32.self).littleEndian,
             raw.loadUnaligned(fromByteOffset: ImageFormat.segmentCountOffset, as: UInt64.self).littleEndian)
        }
        let n = ImageFormat.checkedBytes(version: fields.0, segments: min(fields.1, UInt64(bytes.count)), fileSize: bytes.count)
        let sum = bytes.withUnsafeBytes { ImageFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        for i in 0..<8 { bytes[ImageFormat.checksumOffset + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
    }
}
