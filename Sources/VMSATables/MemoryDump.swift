import VMSA

/// One run of a dump's RAM: `bytes` bytes at physical address `base`, held
/// at `offset` in a mapped file (an ELF core's PT_LOAD, a raw RAM file).
public struct DumpSegment: Sendable {
    /// What errors call it: "core.elf program header 1", "ram.bin".
    public let name: String
    /// The PA of the run's first byte.
    public let base: UInt64
    /// The mapped file that holds the run.
    public let file: MappedFile
    /// Where the run starts in `file`.
    public let offset: Int
    /// The run's length, a whole number of 8-byte words.
    public let bytes: UInt64

    /// `offset + bytes` must lie inside `file` (a reader's own check).
    public init(name: String, base: UInt64, file: MappedFile, offset: Int, bytes: UInt64) {
        precondition(offset >= 0 && bytes <= UInt64(file.bytes.count) && UInt64(offset) <= UInt64(file.bytes.count) - bytes,
                     "dump segment beyond its file")
        self.name = name
        self.base = base
        self.file = file
        self.offset = offset
        self.bytes = bytes
    }

    /// A whole raw RAM file (`pmemsave`, a memory-backend file) placed at `base`.
    public static func ram(_ file: MappedFile, at base: UInt64, name: String) throws(DumpError) -> DumpSegment {
        let bytes = UInt64(file.bytes.count)
        guard bytes > 0, bytes % DescriptorLayout.bytes == 0 else { throw .ramSize(name: name, bytes: bytes) }
        return DumpSegment(name: name, base: base, file: file, offset: 0, bytes: bytes)
    }

    var range: ClosedRange<UInt64> { base...(base &+ bytes &- 1) }
}

extension TableImage {
    /// An image over a dump's RAM: each segment a view of its mapped file,
    /// so RAM is read only where a walk touches it and never copied. Refuses
    /// segments that are misaligned, beyond the PA space or overlapping,
    /// naming both. Walks through a table outside the dump end `notCaptured`.
    public init(regime: TranslationRegime, state: CPUState = CPUState(), dump: [DumpSegment]) throws(DumpError) {
        var built: [ImageSegment] = []
        var previous: DumpSegment?
        for s in dump.sorted(by: { $0.base < $1.base }) {
            guard s.base % DescriptorLayout.bytes == 0, s.bytes > 0, s.bytes % DescriptorLayout.bytes == 0 else {
                throw .segmentMisaligned(name: s.name, base: s.base, bytes: s.bytes)
            }
            guard s.base < ImageSegment.physicalAddressLimit, s.bytes <= ImageSegment.physicalAddressLimit - s.base else {
                throw .beyondAddressSpace(name: s.name, base: s.base, bytes: s.bytes)
            }
            if let p = previous, p.range.upperBound >= s.base {
                throw .segmentsOverlap(first: p.name, firstRange: p.range, second: s.name, secondRange: s.range)
            }
            built.append(ImageSegment(base: s.base, memory: Self.memory(of: s)))
            previous = s
        }
        self.init(regime: regime, state: state, segments: built)
    }

    /// A segment's words: a view of the mapping where the host is
    /// little-endian and the offset word-aligned, else a copy.
    private static func memory(of s: DumpSegment) -> TableMemory {
        let count = Int(s.bytes / DescriptorLayout.bytes)
        #if _endian(little)
        if s.offset % MemoryLayout<UInt64>.alignment == 0 {
            return TableMemory(viewing: s.file, byteOffset: s.offset, count: count)
        }
        #endif
        return TableMemory(littleEndian: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(s.file.bytes)[s.offset..<(s.offset + Int(s.bytes))]))
    }
}
