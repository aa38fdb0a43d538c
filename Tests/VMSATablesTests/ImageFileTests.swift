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

    @Test func headerLayout() throws {
        let image = try Self.sample()
        let file = image.serialized()
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

    @Test func truncatedAndCorrupted() throws {
        let file = try Self.sample().serialized()
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
        version[8] = 2
        #expect(throws: ImageError.unsupportedVersion(2)) { try TableImage.load(version) }
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
