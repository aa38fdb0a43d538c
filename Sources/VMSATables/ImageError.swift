import VMSA

/// Why an image file was rejected. Each description is one sentence naming
/// the bad value and what was expected.
public enum ImageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file is shorter than the image header.
    case truncatedHeader(size: Int)
    /// The file does not start with the magic `VMSAIMG\0`.
    case notAnImage
    /// A format version this library cannot read.
    case unsupportedVersion(UInt32)
    /// The header's size field is not the format's header size.
    case badHeaderSize(UInt32)
    /// `tablesSize` is not a multiple of 8 bytes.
    case tablesSizeNotWords(UInt64)
    /// Fewer bytes of table memory follow the header than `tablesSize` promises.
    case truncatedTables(expected: UInt64, actual: UInt64)
    /// More bytes follow the header than `tablesSize` says.
    case trailingBytes(expected: UInt64, actual: UInt64)
    /// A reserved header byte is not zero.
    case reservedBytesSet(offset: Int)
    /// The flags byte sets bits the version does not define (DS, PAN, partial).
    case unknownFlags(UInt8)
    /// The stored checksum does not match the contents: the file is corrupted.
    case checksumMismatch(stored: UInt64, computed: UInt64)
    /// TCR_EL1.IPS holds a reserved encoding (7).
    case reservedIPS(UInt64)
    /// A version-3 regime byte that names no regime.
    case unknownRegime(UInt8)
    /// A regime whose control register (TCR_EL2/EL3, VTCR_EL2) has reserved or inconsistent fields.
    case controlInvalid(TranslationRegimeKind, register: String, UInt64)
    /// A stage 2 under a regime other than EL1&0, or a stage-2 image that has one.
    case stage2Misplaced(TranslationRegimeKind)
    /// TCR_EL1 bits that are RES0 (no field defined there) are set.
    case tcrRes0(UInt64)
    /// The header's `paBits` disagrees with TCR_EL1.IPS.
    case paBitsMismatch(header: Int, tcr: Int)
    /// The header's DS flag disagrees with TCR_EL1.DS.
    case dsMismatch(header: Bool, tcr: Bool)
    /// `tablesBase` is not 4 KiB aligned.
    case tablesBaseMisaligned(UInt64)
    /// Table memory lies beyond the 52-bit physical address space.
    case tablesBeyondAddressSpace(base: UInt64, size: UInt64)
    /// TCR_EL1.TG0 or TG1 of a half holds a reserved encoding.
    case reservedGranule(TranslationTableBase, UInt64)
    /// A half's TxSZ gives an input size its granule does not support.
    case inputSizeOutOfRange(TranslationTableBase, bits: Int, granule: Granule, range: ClosedRange<Int>)
    /// A TTBR's base is not aligned to its start-level table (or concatenated tables).
    case rootMisaligned(TranslationTableBase, base: UInt64, alignment: UInt64)
    /// A TTBR's base is beyond the output address size.
    case rootBeyondOutputSize(TranslationTableBase, base: UInt64, bits: Int)
    /// A TTBR's base is outside the image's table memory.
    case rootOutside(TranslationTableBase, base: UInt64, tables: ClosedRange<UInt64>)
    /// A table descriptor points outside the image's table memory.
    case tablePointerOutside(TranslationTableBase, level: Level, entry: UInt64, target: UInt64, tables: ClosedRange<UInt64>)
    /// A table descriptor points beyond the output address size.
    case tablePointerBeyondOutputSize(TranslationTableBase, level: Level, entry: UInt64, target: UInt64, bits: Int)
    /// A table descriptor sets RES0 bits.
    case tableRes0(TranslationTableBase, level: Level, entry: UInt64, bits: UInt64)
    /// A table reached at two levels (a loop) or from both halves.
    case tableReused(address: UInt64, first: String, second: String)
    /// Two tables share memory.
    case tablesOverlap(UInt64, UInt64)
    /// A memory segment whose base or size is not a whole number of words, or is empty.
    case segmentMisaligned(base: UInt64, bytes: UInt64)
    /// Two memory segments overlap.
    case segmentsOverlap(UInt64, UInt64)
    /// The image holds no memory at all, so no table can be read.
    case noMemory
    /// A v2 segment table entry that points outside the file or at a misaligned offset.
    case segmentOutsideFile(index: Int, offset: UInt64, bytes: UInt64, fileSize: UInt64)
    /// More memory segments than the file can describe.
    case segmentCount(UInt64, fileSize: UInt64)

    /// The error as one sentence naming the bad value and what was expected.
    public var description: String {
        func span(_ r: ClosedRange<UInt64>) -> String { "\(Hex.short(r.lowerBound))-\(Hex.short(r.upperBound))" }
        switch self {
        case .truncatedHeader(let size):
            return "image is truncated: \(size) bytes is shorter than the \(ImageFormat.headerSize)-byte header"
        case .notAnImage:
            return "not a vmsa image: the file does not start with the magic \"VMSAIMG\\0\""
        case .unsupportedVersion(let v):
            return "image format version \(v) is not supported; expected \(ImageFormat.versions.lowerBound) to \(ImageFormat.versions.upperBound)"
        case .badHeaderSize(let n):
            return "image header size \(n) is wrong; expected \(ImageFormat.headerSize)"
        case .tablesSizeNotWords(let n):
            return "image tablesSize \(Hex.short(n)) is not a multiple of 8 bytes"
        case .truncatedTables(let expected, let actual):
            return "image is truncated: the header promises \(Hex.short(expected)) bytes of table memory but only \(Hex.short(actual)) follow"
        case .trailingBytes(let expected, let actual):
            return "image has \(Hex.short(actual)) bytes after the header where tablesSize says \(Hex.short(expected))"
        case .reservedBytesSet(let offset):
            return "image header byte \(offset) is reserved and must be zero"
        case .unknownFlags(let f):
            return "image flags \(Hex.short(UInt64(f))) set unknown bits; expected only bit 0 (DS) and, in version 2, bit 1 (PAN) and bit 2 (partial)"
        case .checksumMismatch(let stored, let computed):
            return "image checksum \(Hex.format(stored)) does not match the contents (\(Hex.format(computed))); the file is corrupted"
        case .tcrRes0(let bits):
            return "TCR_EL1 sets RES0 bits \(Hex.short(bits)); expected them zero"
        case .unknownRegime(let v):
            return "the image names regime \(v); expected 0 to \(ImageFormat.regimeCodes.count - 1) (\(ImageFormat.regimeCodes.map(\.rawValue).joined(separator: ", ")))"
        case .controlInvalid(let kind, let register, let v):
            return "\(register) \(Hex.format(v)) of \(kind) has reserved or inconsistent fields (see vmsa \(register == "VTCR_EL2" ? "vtcr" : "tcr --regime \(kind.rawValue)") decode)"
        case .stage2Misplaced(let kind):
            return "the image has a stage 2 under \(kind); expected one only under the EL1&0 regime"
        case .reservedIPS(let v):
            return "TCR_EL1.IPS \(v) is a reserved encoding; expected 0 to 6"
        case .paBitsMismatch(let header, let tcr):
            return "image header paBits \(header) disagrees with TCR_EL1.IPS (\(tcr) bits)"
        case .dsMismatch(let header, let tcr):
            return "image header DS flag \(header ? 1 : 0) disagrees with TCR_EL1.DS \(tcr ? 1 : 0)"
        case .tablesBaseMisaligned(let base):
            return "tablesBase \(Hex.short(base)) is not aligned to 4 KiB"
        case .tablesBeyondAddressSpace(let base, let size):
            return "table memory \(Hex.short(base)) + \(Hex.short(size)) lies beyond the 52-bit physical address space"
        case .reservedGranule(let t, let tg):
            return "\(t == .ttbr0 ? "TCR_EL1.TG0" : "TCR_EL1.TG1") \(tg) is a reserved encoding"
        case .inputSizeOutOfRange(let t, let bits, let g, let r):
            return "\(t) input size \(bits) bits (TxSZ \(64 - bits)) is not supported by the \(g) granule; expected \(r.lowerBound) to \(r.upperBound) bits"
        case .rootMisaligned(let t, let base, let alignment):
            return "\(t) base \(Hex.short(base)) is not aligned to its \(Hex.size(alignment)) start-level table"
        case .rootBeyondOutputSize(let t, let base, let bits):
            return "\(t) base \(Hex.short(base)) is beyond the \(bits)-bit output address size"
        case .rootOutside(let t, let base, let tables):
            return "\(t) base \(Hex.short(base)) is outside the table memory \(span(tables))"
        case .tablePointerOutside(let t, let level, let entry, let target, let tables):
            return "\(t) table descriptor at \(Hex.short(entry)) (\(level)) points to \(Hex.short(target)), outside the table memory \(span(tables))"
        case .tablePointerBeyondOutputSize(let t, let level, let entry, let target, let bits):
            return "\(t) table descriptor at \(Hex.short(entry)) (\(level)) points to \(Hex.short(target)), beyond the \(bits)-bit output address size"
        case .tableRes0(let t, let level, let entry, let bits):
            return "\(t) table descriptor at \(Hex.short(entry)) (\(level)) sets RES0 bits \(Hex.short(bits))"
        case .tableReused(let address, let first, let second):
            return "table at \(Hex.short(address)) is used as \(first) and as \(second); tables must not loop or be shared between levels or halves"
        case .tablesOverlap(let a, let b):
            return "table at \(Hex.short(a)) overlaps the table at \(Hex.short(b))"
        case .segmentMisaligned(let base, let bytes):
            return "memory segment at \(Hex.short(base)) of \(Hex.short(bytes)) bytes is not a non-empty whole number of 8-byte words at an 8-byte-aligned address"
        case .segmentsOverlap(let a, let b):
            return "memory segment at \(Hex.short(b)) overlaps the segment at \(Hex.short(a)); expected disjoint segments"
        case .noMemory:
            return "image holds no memory (tablesSize 0); expected at least the start-level tables"
        case .segmentOutsideFile(let i, let offset, let bytes, let size):
            return "memory segment \(i) claims \(Hex.short(bytes)) bytes at file offset \(Hex.short(offset)), outside the \(Hex.short(size))-byte file or not 8-byte aligned"
        case .segmentCount(let n, let size):
            return "image claims \(n) memory segments, more than its \(Hex.short(size))-byte file can describe"
        }
    }
}
