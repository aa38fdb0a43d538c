import VMSA

/// The image file: a 128-byte little-endian header followed by table memory.
///
/// | offset | bytes | field |
/// |---|---|---|
/// | 0 | 8 | magic `"VMSAIMG\0"` |
/// | 8 | 4 | format version, 1 |
/// | 12 | 4 | header size in bytes, 128 |
/// | 16 | 8 | tablesBase: PA of the first byte of table memory |
/// | 24 | 8 | tablesSize: bytes of table memory (a multiple of 8) |
/// | 32 | 8 | TCR_EL1 |
/// | 40 | 8 | MAIR_EL1 |
/// | 48 | 8 | TTBR0_EL1 |
/// | 56 | 8 | TTBR1_EL1 |
/// | 64 | 1 | paBits: TCR_EL1.IPS in bits (must agree with TCR_EL1) |
/// | 65 | 1 | flags: bit 0 = TCR_EL1.DS (must agree); other bits zero |
/// | 66 | 6 | zero |
/// | 72 | 8 | checksum: 64-bit FNV-1a over the whole file, this field read as zero |
/// | 80 | 48 | zero |
/// | 128 | tablesSize | table memory as it sits from tablesBase |
public enum ImageFormat {
    public static let magic: [UInt8] = Array("VMSAIMG\0".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 128

    // Field offsets.
    static let versionOffset = 8
    static let headerSizeOffset = 12
    static let tablesBaseOffset = 16
    static let tablesSizeOffset = 24
    static let tcrOffset = 32
    static let mairOffset = 40
    static let ttbr0Offset = 48
    static let ttbr1Offset = 56
    static let paBitsOffset = 64
    static let flagsOffset = 65
    static let checksumOffset = 72
    /// Bytes that must be zero: [66, 72) and [80, 128).
    static let reservedRanges = [66..<72, 80..<128]
    /// Flags byte, bit 0: TCR_EL1.DS.
    static let dsFlag: UInt8 = 1

    static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// 64-bit FNV-1a of `bytes`, with the 8 checksum bytes taken as zero.
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
}

extension TableImage {
    /// The image file (see `ImageFormat`): `serializedHeader()` followed by
    /// `tableBytes()`.
    public func serialized() -> [UInt8] {
        serializedHeader() + tableBytes()
    }

    /// The 128-byte header of the image file, checksum included. Write it
    /// followed by the table memory (`withUnsafeTableBytes`) to stream a
    /// large image without another copy of it.
    public func serializedHeader() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ImageFormat.headerSize)
        out.withUnsafeMutableBytes { raw in
            func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
                raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
            }
            for (i, b) in ImageFormat.magic.enumerated() { raw[i] = b }
            put(ImageFormat.version, at: ImageFormat.versionOffset)
            put(UInt32(ImageFormat.headerSize), at: ImageFormat.headerSizeOffset)
            put(tablesBase, at: ImageFormat.tablesBaseOffset)
            put(tablesSize, at: ImageFormat.tablesSizeOffset)
            put(tcr.rawValue, at: ImageFormat.tcrOffset)
            put(mair.rawValue, at: ImageFormat.mairOffset)
            put(ttbr0.rawValue, at: ImageFormat.ttbr0Offset)
            put(ttbr1.rawValue, at: ImageFormat.ttbr1Offset)
            put(UInt8(tcr.physicalAddressSize?.bits ?? 0), at: ImageFormat.paBitsOffset)
            put(tcr.ds ? ImageFormat.dsFlag : 0, at: ImageFormat.flagsOffset)
            var sum = ImageFormat.checksum(header: UnsafeRawBufferPointer(raw), seed: ImageFormat.fnvOffsetBasis)
            withUnsafeTableBytes { sum = ImageFormat.fnv($0, seed: sum) }
            put(sum, at: ImageFormat.checksumOffset)
        }
        return out
    }

    /// Calls `body` with table memory as little-endian bytes; without a copy
    /// on a little-endian host.
    public func withUnsafeTableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        #if _endian(little)
        return try body(UnsafeRawBufferPointer(start: wordPointer, count: wordCount * 8))
        #else
        return try tableBytes().withUnsafeBytes(body)
        #endif
    }
}

extension TableImage {
    /// Recomputes the checksum of an image file's bytes in place, for a file
    /// edited by hand (a patched descriptor, a planted fault). Does nothing to
    /// a buffer too short to hold the header; `load` still checks the rest.
    public static func sealChecksum(_ bytes: inout [UInt8]) {
        guard bytes.count >= ImageFormat.headerSize else { return }
        let sum = bytes.withUnsafeBytes { ImageFormat.checksum($0) }
        for i in 0..<8 { bytes[ImageFormat.checksumOffset + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
    }
}
