import Testing
@testable import VMSA

@Suite("Registers")
struct RegisterTests {
    /// TCR_EL1 as a Linux arm64 kernel programs it (seen in kernel oops
    /// register dumps): 4K granules both halves, 48-bit VAs, IPS 44-bit,
    /// inner/outer WBWA inner-shareable walks, A1, AS (16-bit ASIDs), TBI0,
    /// NFD1 (KASLR).
    @Test("a Linux TCR_EL1 decodes field by field")
    func linuxTCR() {
        let tcr = TCR(rawValue: 0x0040_0034_B550_3510)
        typealias F = TCR.Field
        #expect(tcr[F.t0sz] == 16 && tcr[F.t1sz] == 16)
        #expect(tcr[F.irgn0] == 1 && tcr[F.orgn0] == 1 && tcr[F.sh0] == 3)
        #expect(tcr[F.irgn1] == 1 && tcr[F.orgn1] == 1 && tcr[F.sh1] == 3)
        #expect(tcr[F.tg0] == 0b00 && tcr[F.tg1] == 0b10)
        #expect(tcr.granule(.ttbr0) == .k4 && tcr.granule(.ttbr1) == .k4)
        #expect(tcr[F.a1] == 1 && tcr[F.epd0] == 0 && tcr[F.epd1] == 0)
        #expect(tcr.physicalAddressSize == .bits44)
        #expect(tcr[F.as] == 1 && tcr[F.tbi0] == 1 && tcr[F.tbi1] == 0)
        #expect(tcr[F.nfd1] == 1 && tcr[F.ha] == 0 && tcr[F.ds] == 0)
        #expect(tcr.rawValue & TCR.unnamedMask == 0)
        #expect(tcr.inputBits(.ttbr0) == 48 && tcr.inputBits(.ttbr1) == 48)
    }

    @Test("another Linux TCR_EL1: IPS 40-bit, TBI1, TBID1, HA")
    func linuxTCRWithTags() {
        let tcr = TCR(rawValue: 0x0050_00F2_B550_3510)
        #expect(tcr.physicalAddressSize == .bits40)
        #expect(tcr.topByteIgnored(.ttbr0) && tcr.topByteIgnored(.ttbr1))
        #expect(tcr.hardwareAccessFlag)
        #expect(tcr[TCR.Field.tbid1] == 1 && tcr[TCR.Field.nfd1] == 1)
    }

    @Test("configure writes TG0 and TG1 in their own encodings")
    func configure() {
        var tcr = TCR(rawValue: 0)
        tcr.configure(.ttbr0, granule: .k64, inputBits: 48)
        tcr.configure(.ttbr1, granule: .k4, inputBits: 48)
        #expect(tcr.rawValue == (0b01 << 14 | 16) | (0b10 << 30 | 16 << 16))
        #expect(tcr.granule(.ttbr0) == .k64 && tcr.granule(.ttbr1) == .k4)
    }

    @Test("MAIR FEAT_XS encodings are named, not reserved (Arm ARM MAIR_EL1.Attr<n>)",
          arguments: [
            (UInt8(0x01), "Device-nGnRnE, XS=0 (FEAT_XS)", true, UInt8?(0x00)),
            (0x05, "Device-nGnRE, XS=0 (FEAT_XS)", true, 0x04),
            (0x09, "Device-nGRE, XS=0 (FEAT_XS)", true, 0x08),
            (0x0d, "Device-GRE, XS=0 (FEAT_XS)", true, 0x0c),
            (0x40, "Normal, Inner/Outer Non-cacheable, XS=0 (FEAT_XS)", true, 0x44),
            (0xa0, "Normal, Inner/Outer Write-Through Non-transient R/no W-allocate, XS=0 (FEAT_XS)", true, 0xaa),
            (0xf0, "Normal, Tagged (FEAT_MTE2), Inner/Outer Write-Back Non-transient R/W-allocate", true, nil),
            (0x00, "Device-nGnRnE", true, nil),
            (0x02, "UNPREDICTABLE Device encoding (0b0000dd1x)", false, nil),
            (0x0f, "UNPREDICTABLE Device encoding (0b0000dd1x)", false, nil),
            (0x10, "UNPREDICTABLE Normal encoding (Inner 0b0000)", false, nil),
            (0xb0, "UNPREDICTABLE Normal encoding (Inner 0b0000)", false, nil),
          ])
    func mairXS(byte: UInt8, meaning: String, defined: Bool, xsOne: UInt8?) {
        let a = MemoryAttribute(rawValue: byte)
        #expect(a.meaning == meaning)
        #expect(a.isDefined == defined)
        #expect(a.withXSOne?.rawValue == xsOne)
        #expect(a.isXSZero == (xsOne != nil))
        #expect(a.isNonCacheable == (byte == 0x40))
    }

    @Test("a Linux MAIR_EL1: MT_NORMAL, MT_NORMAL_TAGGED (before MTE), MT_NORMAL_NC, MT_DEVICE_nGnRnE, MT_DEVICE_nGnRE")
    func linuxMAIR() {
        let mair = MAIR(rawValue: 0x0000_0004_0044_FFFF)
        #expect(mair.attributes.map(\.rawValue) == [0xff, 0xff, 0x44, 0x00, 0x04, 0, 0, 0])
        #expect(mair[0].name == "normal-wb")
        #expect(mair[2].name == "normal-nc")
        #expect(mair[3].meaning == "Device-nGnRnE")
        #expect(mair[4].meaning == "Device-nGnRE")
        #expect(mair[0].meaning == "Normal, Inner/Outer Write-Back Non-transient R/W-allocate")
        let rebuilt = MAIR(attributes: ["normal-wb", "normal-wb", "normal-nc", "device-nGnRnE", "device-nGnRE"]
            .map { MemoryAttribute(name: $0)! })
        #expect(rebuilt.rawValue == 0x0000_0004_0044_FFFF)
        // Linux's names follow AttrIndx: Attr1 is MT_NORMAL_TAGGED whether it
        // holds 0xff (before MTE) or 0xf0.
        #expect((0..<MAIR.attributeCount).map(MAIR.linuxMemoryType) == [
            "MT_NORMAL", "MT_NORMAL_TAGGED", "MT_NORMAL_NC", "MT_DEVICE_nGnRnE", "MT_DEVICE_nGnRE", nil, nil, nil,
        ])
    }

    @Test("attribute meanings for unusual bytes")
    func attributeMeanings() {
        // 0x01 and 0x40 are FEAT_XS encodings (see mairXS); 0x03 and 0x30 are not.
        #expect(MemoryAttribute(rawValue: 0x03).meaning == "UNPREDICTABLE Device encoding (0b0000dd1x)")
        #expect(MemoryAttribute(rawValue: 0x30).meaning == "UNPREDICTABLE Normal encoding (Inner 0b0000)")
        #expect(MemoryAttribute(rawValue: 0x4f).meaning
                == "Normal, Outer Non-cacheable, Inner Write-Back Non-transient R/W-allocate")
        #expect(!MemoryAttribute(rawValue: 0x03).isDefined)
        #expect(MemoryAttribute(rawValue: 0xf0).isDefined)
    }

    @Test("TTBR: 48-bit base, ASID and CnP")
    func ttbr48() {
        let t = TTBR(baseAddress: 0x4010_0000, asid: 0x1234, cnp: true)
        #expect(t.rawValue == 0x1234_0000_4010_0001)
        #expect(t.baseAddress(fiftyTwoBit: false) == 0x4010_0000)
        #expect(t.asid == 0x1234 && t.cnp)
    }

    @Test("TTBR: 52-bit base keeps BADDR[51:48] in [5:2] (Linux phys_to_ttbr)")
    func ttbr52() {
        let base: UInt64 = 0x000A_0000_4010_0000
        let t = TTBR(baseAddress: base, fiftyTwoBit: true)
        // phys_to_ttbr(x) = (x | (x >> 46)) & GENMASK(47, 2)
        #expect(t.rawValue == (base | (base >> 46)) & 0x0000_FFFF_FFFF_FFFC)
        #expect(t.rawValue == 0x0000_0000_4010_0028)
        #expect(t.baseAddress(fiftyTwoBit: true) == base)
    }

    @Test("VA selection: VA[55] picks the half, the bits above the range must match")
    func select() {
        var tcr = TCR(rawValue: 0)
        tcr.configure(.ttbr0, granule: .k64, inputBits: 48)
        tcr.configure(.ttbr1, granule: .k4, inputBits: 48)
        #expect(tcr.select(VirtualAddress(0x0000_7FFF_FFFF_F000)) == .ttbr0)
        #expect(tcr.select(VirtualAddress(0xFFFF_8000_0000_0000)) == .ttbr1)
        #expect(tcr.select(VirtualAddress(0x0001_0000_0000_0000)) == nil)
        #expect(tcr.select(VirtualAddress(0xFFFE_FFFF_FFFF_FFFF)) == nil)
        // A tagged pointer faults without TBI0 and is accepted with it.
        #expect(tcr.select(VirtualAddress(0x5A00_0000_0000_1000)) == nil)
        tcr[TCR.Field.tbi0] = 1
        #expect(tcr.select(VirtualAddress(0x5A00_0000_0000_1000)) == .ttbr0)
        // TBI1 off: a TTBR1 address with a changed top byte still faults.
        #expect(tcr.select(VirtualAddress(0x5AFF_8000_0000_0000)) == nil)
        #expect(tcr.vaRange(.ttbr0) == 0...0x0000_FFFF_FFFF_FFFF)
        #expect(tcr.vaRange(.ttbr1) == 0xFFFF_0000_0000_0000...UInt64.max)
    }

    @Test("bit fields: masks and inserts come from [msb:lsb]")
    func bitField() {
        let f = BitField(62, 59)
        #expect(f.mask == 0x7800_0000_0000_0000)
        #expect(f.extract(0xFFFF_FFFF_FFFF_FFFF) == 15)
        #expect(f.inserting(0b1010, into: 0) == 0x5000_0000_0000_0000)
        #expect(BitField(63, 0).mask == UInt64.max)
        #expect(f.description == "[62:59]")
        #expect(BitField(bit: 5).description == "[5]")
    }

    @Test("TCR_EL1 RES0 bits are those no field defines: 6, 35, 62, 63")
    func tcrRES0Mask() {
        #expect(TCR.res0Mask == 0xc000_0008_0000_0040)
    }

    @Test("TCR_EL1 problems: every one, in field order, with its values")
    func tcrProblems() {
        // Linux's TCR_EL1 (4K/4K, 48-bit, IPS=44 bits) has none.
        #expect(TCR(rawValue: 0x0040_0034_b550_3510).problems == [])
        // T1SZ=0 with TG1=4K, TG0 reserved (0b11), IPS=0b111, bit 63 set.
        let bad = TCR(rawValue: 0x8000_0007_8000_c010)
        #expect(bad.problems == [
            .reservedGranule(.ttbr0),
            .inputSizeOutOfRange(.ttbr1, txsz: 0, granule: .k4, supported: 25...48),
            .reservedPhysicalAddressSize,
            .res0BitsSet(0x8000_0000_0000_0000),
        ])
        #expect(bad.problems.map(\.description) == [
            "TG0 holds a reserved encoding",
            "T1SZ=0 gives a 64-bit input range, which the 4K granule does not support (expected 25 to 48 bits): every access faults at level 0",
            "IPS holds a reserved encoding",
            "RES0 bits set: 0x8000000000000000",
        ])
        // A disabled half (EPD0=1) is never walked: its TG0 and T0SZ are no problem.
        #expect(TCR(rawValue: 0x0000_0005_8010_c0bf).problems == [])
        // 64K supports 52 bits (FEAT_LVA), 4K only with DS=1.
        #expect(TCR(rawValue: 0x0000_0006_c00c_400c).problems == [])
        #expect(TCR(rawValue: 0x0000_0006_800c_000c).problems.count == 2)
        #expect(TCR(rawValue: 0x0800_0006_800c_000c).problems == [])
    }

    @Test("hex parsing rejects what is not a 64-bit value")
    func hexParse() {
        #expect(Hex.parse("0x0068_0000_0000_0703") == 0x0068_0000_0000_0703)
        // Bare digits are hex: the way oopses, od and devmem print raw words.
        #expect(Hex.parse("4096") == 0x4096)
        #expect(Hex.parse("0068000000000703") == 0x0068_0000_0000_0703)
        #expect(Hex.parse("0X1F") == 0x1f)
        #expect(Hex.parse("ffff_0000") == 0xffff_0000)
        #expect(Hex.parse("0x") == nil)
        #expect(Hex.parse("0x1_0000_0000_0000_0000") == nil)
        #expect(Hex.parse("zz") == nil)
        #expect(Hex.parse("+5") == nil)
        #expect(Hex.parse("-5") == nil)
    }

    @Test("numbers (counts, small fields) are decimal unless they say 0x")
    func numberParse() {
        #expect(Hex.parseNumber("16") == 16)
        #expect(Hex.parseNumber("0x10") == 16)
        #expect(Hex.parseNumber("1_000") == 1000)
        #expect(Hex.parseNumber("1f") == nil)
        #expect(Hex.parseNumber("-1") == nil)
        #expect(Hex.parseNumber("") == nil)
    }
}
