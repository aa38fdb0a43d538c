import VMSA

/// Why a memory dump (an ELF core or raw RAM files) was refused. Each
/// description is one sentence naming the field or file, its value, and
/// what was expected; the caller puts the dump's path in front.
public enum DumpError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file is shorter than an ELF header (sizeof(Elf64_Ehdr), 64 bytes).
    case truncatedHeader(size: Int)
    /// The file does not start with `\x7fELF`.
    case notELF
    /// `e_ident[EI_CLASS]` is not ELFCLASS64.
    case elfClass(UInt8)
    /// `e_ident[EI_DATA]` is not ELFDATA2LSB (little-endian).
    case elfData(UInt8)
    /// `e_ident[EI_VERSION]` is not EV_CURRENT.
    case elfVersion(UInt8)
    /// `e_type` is not ET_CORE.
    case notCore(type: UInt16)
    /// `e_machine` is not EM_AARCH64 (183).
    case machine(UInt16)
    /// `e_phentsize` is not sizeof(Elf64_Phdr), 56.
    case programHeaderSize(UInt16)
    /// The program header table (or, with PN_XNUM, section header 0) runs past the file.
    case programHeadersOutsideFile(offset: UInt64, count: UInt64, fileSize: UInt64)
    /// Section header 0, needed for the PN_XNUM count, runs past the file.
    case sectionHeaderOutsideFile(offset: UInt64, fileSize: UInt64)
    /// PT_LOAD `index`'s file bytes (`p_offset`, `p_filesz`) run past the file.
    case loadOutsideFile(index: Int, offset: UInt64, bytes: UInt64, fileSize: UInt64)
    /// PT_LOAD `index` has `p_filesz` greater than `p_memsz`.
    case fileSizeExceedsMemorySize(index: Int, fileBytes: UInt64, memoryBytes: UInt64)
    /// PT_LOAD `index`'s `p_paddr` or size is not a whole number of 8-byte words.
    case loadMisaligned(index: Int, paddr: UInt64, bytes: UInt64)
    /// Two PT_LOAD segments hold some PA each, and not as one identical copy.
    case loadsOverlap(first: Int, firstRange: ClosedRange<UInt64>, second: Int, secondRange: ClosedRange<UInt64>)
    /// The dump holds no memory: no PT_LOAD with file bytes, or no RAM file.
    case noMemory
    /// A RAM file that is empty or not a whole number of words.
    case ramSize(name: String, bytes: UInt64)
    /// A RAM file's base or size is not 8-byte aligned.
    case segmentMisaligned(name: String, base: UInt64, bytes: UInt64)
    /// A RAM file's range runs past 2^64.
    case beyondAddressSpace(name: String, base: UInt64, bytes: UInt64)
    /// Two RAM files cover some PA each.
    case segmentsOverlap(first: String, firstRange: ClosedRange<UInt64>, second: String, secondRange: ClosedRange<UInt64>)

    /// The error as one sentence naming the field or file, its value, and what was expected.
    public var description: String {
        func span(_ r: ClosedRange<UInt64>) -> String { "PA \(Hex.short(r.lowerBound))-\(Hex.short(r.upperBound))" }
        switch self {
        case .truncatedHeader(let size):
            return "ELF core is truncated: \(size) bytes is shorter than the \(ElfFormat.headerSize)-byte ELF64 header"
        case .notELF:
            return "not an ELF file: it does not start with \"\\x7fELF\""
        case .elfClass(let c):
            return "ELF e_ident[EI_CLASS] is \(c); expected \(ElfFormat.elfClass64) (ELFCLASS64)"
        case .elfData(let d):
            return "ELF e_ident[EI_DATA] is \(d); expected \(ElfFormat.elfData2LSB) (ELFDATA2LSB, little-endian)"
        case .elfVersion(let v):
            return "ELF e_ident[EI_VERSION] is \(v); expected \(ElfFormat.evCurrent) (EV_CURRENT)"
        case .notCore(let type):
            return "ELF e_type is \(type); expected \(ElfFormat.etCore) (ET_CORE, a core dump)"
        case .machine(let m):
            return "ELF e_machine is \(m); expected \(ElfFormat.emAArch64) (EM_AARCH64): this is not an arm64 core"
        case .programHeaderSize(let n):
            return "ELF e_phentsize is \(n); expected \(ElfFormat.programHeaderSize) (sizeof(Elf64_Phdr))"
        case .programHeadersOutsideFile(let offset, let count, let fileSize):
            return "ELF program header table (e_phoff \(Hex.short(offset)), \(count) entries) runs past the end of the \(Hex.short(fileSize))-byte file"
        case .sectionHeaderOutsideFile(let offset, let fileSize):
            return "ELF e_phnum is PN_XNUM but section header 0 (e_shoff \(Hex.short(offset))) runs past the end of the \(Hex.short(fileSize))-byte file"
        case .loadOutsideFile(let index, let offset, let bytes, let fileSize):
            return "ELF program header \(index) (PT_LOAD): p_offset \(Hex.short(offset)) with p_filesz \(Hex.short(bytes)) runs past the end of the \(Hex.short(fileSize))-byte file"
        case .fileSizeExceedsMemorySize(let index, let fileBytes, let memoryBytes):
            return "ELF program header \(index) (PT_LOAD): p_filesz \(Hex.short(fileBytes)) is larger than p_memsz \(Hex.short(memoryBytes))"
        case .loadMisaligned(let index, let paddr, let bytes):
            return "ELF program header \(index) (PT_LOAD): p_paddr \(Hex.short(paddr)) and p_filesz \(Hex.short(bytes)) must be multiples of 8"
        case .loadsOverlap(let first, let firstRange, let second, let secondRange):
            return "ELF program headers \(first) and \(second) (PT_LOAD) overlap: \(span(firstRange)) and \(span(secondRange)) hold different bytes for the same memory"
        case .noMemory:
            return "ELF core holds no memory: no PT_LOAD segment has file bytes"
        case .ramSize(let name, let bytes):
            return "RAM file \(name) is \(bytes) bytes; expected a non-empty multiple of 8"
        case .segmentMisaligned(let name, let base, let bytes):
            return "\(name) at PA \(Hex.short(base)) for \(Hex.short(bytes)) bytes: expected a PA and size that are multiples of 8"
        case .beyondAddressSpace(let name, let base, let bytes):
            return "\(name) at PA \(Hex.short(base)) for \(Hex.short(bytes)) bytes reaches beyond the \(Granule.implementedPABits)-bit physical address space"
        case .segmentsOverlap(let first, let firstRange, let second, let secondRange):
            return "\(first) (\(span(firstRange))) and \(second) (\(span(secondRange))) overlap; expected disjoint memory"
        }
    }
}
