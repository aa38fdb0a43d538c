import Testing
import VMSA
@testable import VMSATables

@Suite("Hand-patched images")
struct SealTests {
    /// One 4K page at VA 0x400000 in a 39-bit TTBR0 half.
    static func onePage() throws -> TableBuilder {
        let config = RegimeConfiguration(tablesBase: 0x4000_0000, mair: MAIR(rawValue: 0xff),
                                         ttbr0: HalfConfiguration(granule: .k4, vaBits: 39), ttbr1: nil)
        var builder = try TableBuilder(config)
        try builder.map(MappingRequest(va: VirtualAddress(0x40_0000), pa: PhysicalAddress(0x8000_0000), size: 0x1000))
        return builder
    }

    @Test("a patched image fails its checksum until it is re-sealed, then loads with the patch")
    func sealAfterPatch() throws {
        let builder = try Self.onePage()
        // Version 1 hashes the whole file, table memory included.
        var file = builder.image.serialized(version: 1)
        // Clear AF on the one page: the word at the last table's index 0.
        let leafOffset = file.count - 4096
        file[leafOffset + 1] &= ~UInt8(Descriptor.Bits.af.mask >> 8)
        #expect(throws: ImageError.self) { try TableImage.load(file) }
        TableImage.sealChecksum(&file)
        let image = try TableImage.load(file)
        #expect(image.translate(VirtualAddress(0x40_0000), access: .read, el: .el1)
                == .failure(TranslationFault(kind: .accessFlag, level: .three)))
    }

    @Test("a patched v2 header fails its checksum until it is re-sealed")
    func sealV2Header() throws {
        let builder = try Self.onePage()
        var file = builder.image.serialized()
        // MAIR_EL1 (offset 32) Attr0 from 0xff to 0x44.
        file[32] = 0x44
        #expect(throws: ImageError.self) { try TableImage.load(file) }
        TableImage.sealChecksum(&file)
        let image = try TableImage.load(file)
        #expect(image.mair.rawValue == 0x44)
    }
}
