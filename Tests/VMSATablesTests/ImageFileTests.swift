import Testing
import VMSA
@testable import VMSATables

@Suite struct ImageFileTests {
    static func sample() throws -> TableImage {
        var b = try TableBuilder(configuration(ttbr1: .k4, ttbr0: .k64))
        try b.map(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000), pa: PhysicalAddress(0x4000_0000), size: 0x20_0000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        try b.map(MappingRequest(va: VirtualAddress(0x1_0000), pa: PhysicalAddress(0x8000_0000), size: 0x1_0000))
        return b.image
    }

    /// Rewrites the checksum so that a deliberately changed file gets past it.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        let sum = out.withUnsafeBytes { ImageFormat.checksum($0) }
        for i in 0..<8 { out[ImageFormat.checksumOffset + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i))) }
        return out
    }

    static func word(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    /// Version 1, still read: contiguous memory after the header.
    @Test func headerLayoutV1() throws {
        let image = try Self.sample()
        let file = image.serialized(version: 1)
        #expect(Array(file[0..<8]) == Array("VMSAIMG\0".utf8))
        #expect(Self.word(file, 8) & 0xffff_ffff == 1)
        #expect(Self.word(file, 8) >> 32 == 128)
        #expect(Self.word(file, 16) == 0x4010_0000)
        #expect(Self.word(file, 24) == image.tablesSize)
        #expect(Self.word(file, 32) == image.tcr.rawValue)
        #expect(Self.word(file, 40) == testMAIR.rawValue)
        #expect(Self.word(file, 48) == 0x4011_0000)
        #expect(Self.word(file, 56) == 0x4010_0000)
        #expect(file[64] == 48 && file[65] == 0)
        #expect(file.count == 128 + Int(image.tablesSize))
        #expect(Array(file[128...]) == image.tableBytes())
        // Table memory is little-endian: the first word is TTBR1's L0[0].
        #expect(Self.word(file, 128) == image.word(atPhysicalAddress: 0x4010_0000))
        let loaded = try TableImage.load(file)
        #expect(loaded == image)
    }

    @Test func truncatedAndCorruptedV1() throws {
        let file = try Self.sample().serialized(version: 1)
        #expect(throws: ImageError.truncatedHeader(size: 100)) { try TableImage.load(Array(file[0..<100])) }
        #expect(throws: ImageError.truncatedTables(expected: UInt64(file.count - 128), actual: UInt64(file.count - 128 - 8))) {
            try TableImage.load(Array(file.dropLast(8)))
        }
        #expect(throws: ImageError.trailingBytes(expected: UInt64(file.count - 128), actual: UInt64(file.count - 128 + 1))) {
            try TableImage.load(file + [0])
        }
        var flipped = file
        flipped[200] ^= 0x40
        #expect(throws: ImageError.checksumMismatch(stored: Self.word(file, 72), computed: flipped.withUnsafeBytes { ImageFormat.checksum($0) })) {
            try TableImage.load(flipped)
        }
        var magic = file
        magic[0] = UInt8(ascii: "X")
        #expect(throws: ImageError.notAnImage) { try TableImage.load(magic) }
        var version = file
        version[8] = 4
        #expect(throws: ImageError.unsupportedVersion(4)) { try TableImage.load(version) }
        var reserved = file
        reserved[100] = 1
        #expect(throws: ImageError.reservedBytesSet(offset: 100)) { try TableImage.load(Self.resealed(reserved)) }
        var pa = file
        pa[64] = 40
        #expect(throws: ImageError.paBitsMismatch(header: 40, tcr: 48)) { try TableImage.load(Self.resealed(pa)) }
        var flags = file
        flags[65] = 1
        #expect(throws: ImageError.dsMismatch(header: true, tcr: false)) { try TableImage.load(Self.resealed(flags)) }
    }

    /// Version 2, what vmsa writes: header, segment table, segment bytes.
    @Test func headerLayoutV2() throws {
        var image = try Self.sample()
        image.state = CPUState(sctlr: 0x30d0_1805, pan: true)
        let file = image.serialized()
        #expect(Array(file[0..<8]) == Array("VMSAIMG\0".utf8))
        #expect(Self.word(file, 8) & 0xffff_ffff == 2)
        #expect(Self.word(file, 8) >> 32 == 128)
        #expect(Self.word(file, 16) == 1)   // one segment: the builder's arena
        #expect(Self.word(file, 24) == image.tcr.rawValue)
        #expect(Self.word(file, 32) == testMAIR.rawValue)
        #expect(Self.word(file, 40) == 0x4011_0000)
        #expect(Self.word(file, 48) == 0x4010_0000)
        #expect(Self.word(file, 56) == 0x30d0_1805)
        #expect(file[64] == 48 && file[65] == 0b10)
        // Segment table: PA, bytes, file offset; the bytes follow at once.
        #expect(Self.word(file, 128) == 0x4010_0000)
        #expect(Self.word(file, 136) == image.tablesSize)
        #expect(Self.word(file, 144) == 152)
        #expect(file.count == 152 + Int(image.tablesSize))
        #expect(Array(file[152...]) == image.tableBytes())
        let loaded = try TableImage.load(file)
        #expect(loaded == image)
        #expect(loaded.state.pan && loaded.state.sctlr == 0x30d0_1805)
    }

    @Test func v2HeaderAndSegmentTableAreChecked() throws {
        let file = try Self.sample().serialized()
        var ttbr = file
        ttbr[40] ^= 0x10
        #expect(throws: ImageError.checksumMismatch(stored: Self.word(file, 72), computed: ttbr.withUnsafeBytes { ImageFormat.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<152])) })) {
            try TableImage.load(ttbr)
        }
        var count = file
        count[16] = 0xff
        count[17] = 0xff
        #expect(throws: ImageError.segmentCount(0xffff, fileSize: UInt64(file.count))) { try TableImage.load(count) }
        var beyond = file
        beyond[136 + 2] ^= 0x10   // segment size grows past the file
        TableImage.sealChecksum(&beyond)
        #expect(throws: ImageError.segmentOutsideFile(index: 0, offset: 152, bytes: Self.word(beyond, 136), fileSize: UInt64(file.count))) {
            try TableImage.load(beyond)
        }
        var odd = file
        odd[128] |= 4   // a PA that is not a whole word
        TableImage.sealChecksum(&odd)
        #expect(throws: ImageError.segmentMisaligned(base: 0x4010_0004, bytes: Self.word(file, 136))) { try TableImage.load(odd) }
        var short = file
        short.removeLast(8)
        TableImage.sealChecksum(&short)
        #expect(throws: ImageError.segmentOutsideFile(index: 0, offset: 152, bytes: Self.word(file, 136), fileSize: UInt64(short.count))) {
            try TableImage.load(short)
        }
    }

    @Test func tcrRes0BitsAreRefused() throws {
        for bit in [6, 35, 62, 63] {
            var image = try Self.sample()
            image.tcr = TCR(rawValue: image.tcr.rawValue | 1 << UInt64(bit))
            #expect(throws: ImageError.tcrRes0(1 << UInt64(bit))) { try TableImage.load(image.serialized()) }
            #expect(throws: ImageError.tcrRes0(1 << UInt64(bit))) { try TableImage.load(image.serialized(version: 1)) }
        }
    }

    @Test func emptyMemoryIsRefused() throws {
        let empty = TableImage(tablesBase: 0x4000_0000, tcr: try Self.sample().tcr, mair: testMAIR, ttbr0: TTBR(rawValue: 0x4000_0000),
                               ttbr1: TTBR(rawValue: 0x4000_0000), words: [])
        #expect(throws: ImageError.noMemory) { try TableImage.load(empty.serialized()) }
        #expect(throws: ImageError.noMemory) { try TableImage.load(empty.serialized(version: 1)) }
        // Walks of an image with no memory read nothing: the root is not captured.
        #expect(empty.translate(VirtualAddress(0x1000), access: .read, el: .el1) == .failure(.notCaptured(0x4000_0000, level: .one)))
    }

    /// Sparse images: two segments, a table in each; convert keeps only the
    /// reachable pages and the walk is unchanged.
    @Test func sparseSegmentsAndConvert() throws {
        let image = try Self.sample()
        let reached = image.reachable()
        #expect(reached.capturedBytes < image.capturedBytes)
        #expect(reached.memorySegments.map(\.base.rawValue) == reached.reachablePages().map(\.base))
        for va: UInt64 in [0xffff_0000_0000_1000, 0x1_0000, 0x1_2345, 0x2_0000] {
            #expect(reached.translate(VirtualAddress(va), access: .read, el: .el1) == image.translate(VirtualAddress(va), access: .read, el: .el1))
        }
        #expect(Array(reached.walk(.ttbr0)) == Array(image.walk(.ttbr0)))
        #expect(Array(reached.walk(.ttbr1)) == Array(image.walk(.ttbr1)))
        let reloaded = try TableImage.load(reached.serialized())
        #expect(reloaded == reached)
        // With data: the pages the leaves map, where the image holds them.
        // TTBR1 maps PA 0x40000000-0x401fffff, where all of this image's
        // table memory sits, so every held byte is kept.
        #expect(image.reachable(data: true).capturedBytes == image.capturedBytes)
        var withData = try TableImage(regime: image.regime, segments: image.memorySegments.map { s in
            (s.base.rawValue, (0..<Int(s.bytes / 8)).map { image.word(atPhysicalAddress: s.base.rawValue + UInt64($0) * 8)! })
        } + [(0x8000_0000, [UInt64](repeating: 0xdead, count: 0x2_0000 / 8))])
        // TTBR0 maps VA 0x10000 to PA 0x80000000, 64 KiB: those pages of the added segment are kept, the rest not.
        let kept = withData.reachable(data: true)
        #expect(kept.capturedBytes == image.capturedBytes + 0x1_0000)
        #expect(kept.word(atPhysicalAddress: 0x8000_fff8) == 0xdead && kept.word(atPhysicalAddress: 0x8001_0000) == nil)
        withData = withData.reachable()
        #expect(withData == reached)
        // Overlapping or misaligned segments are refused.
        #expect(throws: ImageError.segmentsOverlap(0x1000, 0x1008)) {
            try TableImage(regime: image.regime, segments: [(0x1000, [1, 2]), (0x1008, [3])])
        }
        #expect(throws: ImageError.segmentMisaligned(base: 0x1004, bytes: 8)) {
            try TableImage(regime: image.regime, segments: [(0x1004, [1])])
        }
    }

    /// A table the memory does not hold is its own outcome, in translate
    /// and in the range walk, never an invalid descriptor.
    @Test func uncapturedTableIsItsOwnOutcome() throws {
        let image = try Self.sample()
        // Keep TTBR1's root and nothing under it.
        let root = image.half(.ttbr1)!.rootAddress
        let rootWords = (0..<512).map { image.word(atPhysicalAddress: root + UInt64($0) * 8)! }
        let sparse = try TableImage(regime: image.regime, segments: [(root, rootWords)])
        let next = image.half(.ttbr1)!.address(of: rootWords[0])
        #expect(sparse.translate(VirtualAddress(0xffff_0000_0000_1000), access: .read, el: .el1) == .failure(.notCaptured(next, level: .one)))
        let items = Array(sparse.walk(.ttbr1, range: 0xffff_0000_0000_0000...0xffff_0000_3fff_ffff))
        #expect(items.count == 1)
        #expect(items.first?.fault == .notCaptured(next, level: .one))
        #expect(items.first?.size == 1 << 39 || items.first?.size == 0x4000_0000)
        #expect(throws: ImageError.self) { try TableImage.load(sparse.serialized()) }
    }

    @Test func badTablesAreRejected() throws {
        let good = try Self.sample()
        let tables = good.tablesBase...(good.tablesBase + good.tablesSize - 1)
        // TTBR1 L0[0] pointing past the end of table memory.
        var outside = good
        outside.setWord(0x4100_0003, atPhysicalAddress: 0x4010_0000)
        #expect(throws: ImageError.tablePointerOutside(.ttbr1, level: .zero, entry: 0x4010_0000, target: 0x4100_0000, tables: tables)) {
            try TableImage.load(outside.serialized())
        }
        // A loop: the L1 table points back at the L0 table.
        var loop = good
        loop.setWord(0x4010_0003, atPhysicalAddress: 0x4012_0008)
        #expect(throws: ImageError.tableReused(address: 0x4010_0000, first: "a TTBR1_EL1 level 0 table", second: "a TTBR1_EL1 level 2 table")) {
            try TableImage.load(loop.serialized())
        }
        // Misaligned TTBR0 base.
        var misaligned = good
        misaligned.ttbr0 = TTBR(rawValue: 0x4011_0100)
        #expect(throws: ImageError.rootMisaligned(.ttbr0, base: 0x4011_0100, alignment: 512)) {
            try TableImage.load(misaligned.serialized())
        }
        // RES0 bits [51:50] in a table descriptor.
        var res0 = good
        res0.setWord(0x4012_0003 | 1 << 50, atPhysicalAddress: 0x4010_0000)
        #expect(throws: ImageError.tableRes0(.ttbr1, level: .zero, entry: 0x4010_0000, bits: 1 << 50)) {
            try TableImage.load(res0.serialized())
        }
        // A root outside table memory.
        var root = good
        root.ttbr1 = TTBR(rawValue: 0x5000_0000)
        #expect(throws: ImageError.rootOutside(.ttbr1, base: 0x5000_0000, tables: tables)) { try TableImage.load(root.serialized()) }
        // Reserved granule encoding.
        var tg = good
        tg.tcr[TCR.Field.tg1] = 0
        #expect(throws: ImageError.reservedGranule(.ttbr1, 0)) { try TableImage.load(tg.serialized()) }
        // Every error is one sentence.
        for e: ImageError in [.notAnImage, .truncatedHeader(size: 3), .checksumMismatch(stored: 1, computed: 2)] {
            #expect(!e.description.contains("\n"))
        }
    }

    /// A 52-bit TTBR base keeps BADDR[51:48] in [5:2] and reloads.
    @Test func fiftyTwoBitBaseRoundTrips() throws {
        let base: UInt64 = 0x8_0000_4000_0000
        var b = try TableBuilder(configuration(ttbr1: nil, ttbr0: .k64, vaBits0: 52, paBits: 52, tablesBase: base))
        try b.map(MappingRequest(va: VirtualAddress(0xf_0000_0000_0000), pa: PhysicalAddress(0xf_0000_0000_0000), size: 0x1_0000))
        let image = b.image
        #expect(image.ttbr0.rawValue == 0x0000_4000_0000 | 0x8 << 2)
        #expect(image.half(.ttbr0)!.rootAddress == base)
        let loaded = try TableImage.load(image.serialized())
        #expect(loaded == image)
        #expect(loaded.translate(VirtualAddress(0xf_0000_0000_0042), access: .read, el: .el1).map(\.pa) == .success(PhysicalAddress(0xf_0000_0000_0042)))
    }
}
