#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An ELF64 little-endian core file's memory: its PT_LOAD segments by
/// physical address (`p_paddr`), as QEMU's `dump-guest-memory` (one
/// segment per RAM block, p_paddr the block's base) and a kdump vmcore
/// write them. Only `e_machine` EM_AARCH64 is accepted: a core of another
/// architecture holds no arm64 tables, so reading one is a mistake worth
/// naming. Notes (NT_PRSTATUS…) are not read: they hold no system registers.
public struct ElfCore {
    /// One PT_LOAD segment that holds file bytes.
    public struct Load: Hashable, Sendable {
        /// Its index in the program header table.
        public let index: Int
        /// `p_paddr`: the guest PA of the segment's first byte.
        public let physicalAddress: UInt64
        /// `p_offset`: where its bytes start in the file.
        public let fileOffset: UInt64
        /// `p_filesz`: the bytes the file holds. Memory beyond it up to
        /// `p_memsz` is zero-fill the file does not hold: not captured.
        public let fileBytes: UInt64

        var range: ClosedRange<UInt64> { physicalAddress...(physicalAddress &+ fileBytes &- 1) }
    }

    /// The segments holding memory, sorted by physical address, disjoint.
    public let loads: [Load]

    /// Reads the ELF header and program headers of `bytes` (the whole file).
    ///
    /// A segment whose memory lies wholly inside another's with the same
    /// bytes is dropped: a kdump vmcore has one for the kernel image beside
    /// the one for the RAM that holds it. Any other overlap is refused.
    public init(_ bytes: UnsafeRawBufferPointer) throws(DumpError) {
        let fileSize = UInt64(bytes.count)
        switch ElfHeaderProblem.of(bytes, types: [ElfFormat.etCore]) {
        case nil: break
        case .truncated(let size)?: throw .truncatedHeader(size: size)
        case .notELF?: throw .notELF
        case .elfClass(let c)?: throw .elfClass(c)
        case .elfData(let d)?: throw .elfData(d)
        case .elfVersion(let v)?: throw .elfVersion(v)
        case .type(let t)?: throw .notCore(type: t)
        case .machine(let m)?: throw .machine(m)
        }
        func read16(_ at: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        func read32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func read64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        let entrySize = read16(ElfFormat.ePhentsize)
        guard Int(entrySize) == ElfFormat.programHeaderSize else { throw .programHeaderSize(entrySize) }

        let phoff = read64(ElfFormat.ePhoff)
        var count = UInt64(read16(ElfFormat.ePhnum))
        if count == UInt64(ElfFormat.pnXNum) {
            let shoff = read64(ElfFormat.eShoff)
            guard shoff <= fileSize, UInt64(ElfFormat.sectionHeaderSize) <= fileSize - shoff else {
                throw .sectionHeaderOutsideFile(offset: shoff, fileSize: fileSize)
            }
            count = UInt64(read32(Int(shoff) + ElfFormat.shInfo))
        }
        // count < 2^32, so the table size cannot overflow.
        guard phoff <= fileSize, count * UInt64(ElfFormat.programHeaderSize) <= fileSize - phoff else {
            throw .programHeadersOutsideFile(offset: phoff, count: count, fileSize: fileSize)
        }

        var found: [Load] = []
        for index in 0..<Int(count) {
            let entry = Int(phoff) + index * ElfFormat.programHeaderSize
            guard read32(entry + ElfFormat.pType) == ElfFormat.ptLoad else { continue }
            let offset = read64(entry + ElfFormat.pOffset), paddr = read64(entry + ElfFormat.pPaddr)
            let filesz = read64(entry + ElfFormat.pFilesz), memsz = read64(entry + ElfFormat.pMemsz)
            guard filesz <= memsz else { throw .fileSizeExceedsMemorySize(index: index, fileBytes: filesz, memoryBytes: memsz) }
            guard filesz > 0 else { continue }
            guard offset <= fileSize, filesz <= fileSize - offset else {
                throw .loadOutsideFile(index: index, offset: offset, bytes: filesz, fileSize: fileSize)
            }
            guard paddr % DescriptorLayout.bytes == 0, filesz % DescriptorLayout.bytes == 0 else {
                throw .loadMisaligned(index: index, paddr: paddr, bytes: filesz)
            }
            guard paddr < ImageSegment.physicalAddressLimit, filesz <= ImageSegment.physicalAddressLimit - paddr else {
                throw .beyondAddressSpace(name: "ELF program header \(index) (PT_LOAD)", base: paddr, bytes: filesz)
            }
            found.append(Load(index: index, physicalAddress: paddr, fileOffset: offset, fileBytes: filesz))
        }
        // By PA, the larger first where two start together, so a contained
        // segment always follows the one containing it.
        found.sort { ($0.physicalAddress, ~$0.fileBytes) < ($1.physicalAddress, ~$1.fileBytes) }
        var kept: [Load] = []
        for load in found {
            if let last = kept.last, load.physicalAddress <= last.range.upperBound {
                guard load.range.upperBound <= last.range.upperBound,
                      Self.sameBytes(bytes, load, inside: last) else {
                    throw .loadsOverlap(first: last.index, firstRange: last.range, second: load.index, secondRange: load.range)
                }
                continue
            }
            kept.append(load)
        }
        guard !kept.isEmpty else { throw .noMemory }
        loads = kept
    }

    /// Whether `inner`'s file bytes equal the part of `outer` at the same PA.
    private static func sameBytes(_ bytes: UnsafeRawBufferPointer, _ inner: Load, inside outer: Load) -> Bool {
        let at = outer.fileOffset + (inner.physicalAddress - outer.physicalAddress)
        return memcmp(bytes.baseAddress! + Int(at), bytes.baseAddress! + Int(inner.fileOffset), Int(inner.fileBytes)) == 0
    }

    /// The core's memory as dump segments: views of `file`, named in
    /// errors as "`name` program header N".
    public static func segments(of file: MappedFile, name: String) throws(DumpError) -> [DumpSegment] {
        try ElfCore(UnsafeRawBufferPointer(file.bytes)).loads.map {
            DumpSegment(name: "\(name) program header \($0.index)", base: $0.physicalAddress,
                        file: file, offset: Int($0.fileOffset), bytes: $0.fileBytes)
        }
    }
}
