import Testing
@testable import VMSA

/// A block's output address is its field [47:n], n = log2 of the block size
/// (Arm ARM D8.3), plus the LPA/LPA2 high bits. Set bits in [n-1:12] are
/// RES0 (bit 16 is nT, FEAT_BBM), reported, and never part of the address.
@Suite("Block output addresses and their RES0 bits")
struct BlockOutputAddressTests {
    let k4 = try! DescriptorFormat(granule: .k4)

    @Test("a 4K level-1 block with bit 21 set: OA 0x40000000, RES0 0x200000, and back to the same word")
    func level1Block() {
        let raw: UInt64 = 0x0000_0000_4020_0705
        let f = DescriptorFields(decoding: raw, level: .one, format: k4)
        #expect(f.kind == .block)
        #expect(f.outputAddress == 0x4000_0000)
        #expect(f.res0 == 0x20_0000)
        #expect(f.attrIndx == 1 && f.sh == .innerShareable && f.af)
        #expect(Descriptor(rawValue: raw).problems(at: .one, format: k4) == [.res0BitsSet(0x20_0000)])
        #expect(f.encode(format: k4) == raw)
    }

    @Test("a 64K level-2 block with bit 16 set: nT, not RES0")
    func ntIsNotRes0() throws {
        let k64 = try DescriptorFormat(granule: .k64)
        let raw: UInt64 = 0x0000_0000_2001_0401
        let f = DescriptorFields(decoding: raw, level: .two, format: k64)
        #expect(f.kind == .block)
        #expect(f.nT)
        #expect(f.res0 == 0)
        #expect(f.outputAddress == 0x2000_0000)
        #expect(Descriptor(rawValue: raw).problems(at: .two, format: k64).isEmpty)
        #expect(f.encode(format: k64) == raw)
    }

    @Test("a 64K level-2 block: bit 17 is RES0, [15:12] are OA[51:48]")
    func k64HighBits() throws {
        let k64 = try DescriptorFormat(granule: .k64, paBits: 52)
        let raw: UInt64 = 0x0000_0000_2002_F401
        let f = DescriptorFields(decoding: raw, level: .two, format: k64)
        #expect(f.outputAddress == 0x000F_0000_2000_0000)
        #expect(f.res0 == 0x2_0000)
        #expect(!f.nT)
        #expect(Descriptor(rawValue: raw).problems(at: .two, format: k64) == [.res0BitsSet(0x2_0000)])
        #expect(f.encode(format: k64) == raw)
    }

    /// Every legal block level of every granule, without DS.
    static let blockLevels: [(Granule, Level)] = Granule.allCases.flatMap { g in
        [Level.zero, .one, .two].filter { g.isBlockLegal(at: $0, ds: false) }.map { (g, $0) }
    }

    @Test("every bit below a block's OA field but nT (and 64K's OA[51:48]) is RES0", arguments: blockLevels)
    func belowTheField(granule: Granule, level: Level) throws {
        let format = try DescriptorFormat(granule: granule, paBits: granule == .k64 ? 52 : 48)
        let n = granule.shift(at: level)
        let below = BitField(n - 1, 12).mask
        let oaHigh: UInt64 = granule == .k64 ? 0xF000 : 0
        let raw = 0x0000_8000_0000_0000 | below | Descriptor.TypeBits.block
        let f = DescriptorFields(decoding: raw, level: level, format: format)
        #expect(f.res0 == below & ~(1 << 16) & ~oaHigh, "\(Hex.format(f.res0))")
        #expect(f.outputAddress == 0x0000_8000_0000_0000 | (granule == .k64 ? 0xF << 48 : 0))
        #expect(f.nT)
        #expect(f.encode(format: format) == raw)
        #expect(Descriptor(rawValue: raw).problems(at: level, format: format) == [.res0BitsSet(f.res0)])
    }

    @Test("the OA field is named as the Arm ARM names it", arguments: [
        (Granule.k4, false, Level.one, "[47:30]"), (.k4, false, .two, "[47:21]"), (.k4, false, .three, "[47:12]"),
        (.k16, false, .two, "[47:25]"), (.k16, false, .three, "[47:14]"),
        (.k64, false, .one, "[47:42]"), (.k64, false, .two, "[47:29]"), (.k64, false, .three, "[47:16]"),
        (.k4, true, .zero, "[49:39]"), (.k16, true, .one, "[49:36]"),
    ])
    func fieldName(granule: Granule, ds: Bool, level: Level, name: String) throws {
        let format = try DescriptorFormat(granule: granule, ds: ds, paBits: ds ? 52 : 48)
        #expect(format.outputAddressField(at: level).description == name)
    }
}
