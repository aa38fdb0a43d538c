import Testing
@testable import VMSA

/// Linux arm64 protections (arch/arm64/include/asm/pgtable-prot.h, PFN 0),
/// decoded field by field and re-encoded to the same word.
@Suite("Golden descriptors")
struct DescriptorGoldenTests {
    let format = try! DescriptorFormat(granule: .k4)

    struct Expected: Sendable {
        var attrIndx: UInt8 = 0
        var ap: AccessPermissions
        var nG = false
        var dbm = false
        var pxn = true
        var uxn = true
    }

    static let linux: [(String, UInt64, Expected)] = [
        ("PAGE_KERNEL", 0x0068_0000_0000_0703, Expected(ap: .privilegedReadWrite, dbm: true)),
        ("PAGE_KERNEL_RO", 0x0060_0000_0000_0783, Expected(ap: .privilegedReadOnly)),
        ("PAGE_KERNEL_EXEC", 0x0048_0000_0000_0703, Expected(ap: .privilegedReadWrite, dbm: true, pxn: false)),
        ("PAGE_SHARED", 0x0068_0000_0000_0FC3, Expected(ap: .readOnly, nG: true, dbm: true)),
        ("PAGE_READONLY", 0x0060_0000_0000_0FC3, Expected(ap: .readOnly, nG: true)),
        ("PROT_DEVICE_nGnRE", 0x0068_0000_0000_0713, Expected(attrIndx: 4, ap: .privilegedReadWrite, dbm: true)),
    ]

    @Test("Linux protections decode field by field", arguments: linux)
    func linuxProtections(name: String, raw: UInt64, e: Expected) {
        let f = DescriptorFields(decoding: raw, level: .three, format: format)
        #expect(f.kind == .page, "\(name)")
        #expect(f.outputAddress == 0)
        #expect(f.attrIndx == e.attrIndx)
        #expect(f.ns == false)
        #expect(f.ap == e.ap, "\(name)")
        #expect(f.sh == .innerShareable)
        #expect(f.af == true)
        #expect(f.nG == e.nG, "\(name)")
        #expect(f.gp == false)
        #expect(f.dbm == e.dbm, "\(name)")
        #expect(f.contiguous == false)
        #expect(f.pxn == e.pxn, "\(name)")
        #expect(f.uxn == e.uxn, "\(name)")
        #expect(f.software == 0)
        #expect(f.pbha == 0)
        #expect(f.ignored == 0 && f.res0 == 0)
        #expect(f.encode(format: format) == raw, "\(name): \(Hex.format(f.encode(format: format))) != \(Hex.format(raw))")
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: format).isEmpty)
    }

    @Test("a Linux PMD block: PAGE_SHARED at 2 MiB, 0x41400000")
    func pmdBlock() {
        let raw: UInt64 = 0x0068_0000_4140_0FC1
        let f = DescriptorFields(decoding: raw, level: .two, format: format)
        #expect(f.kind == .block)
        #expect(f.outputAddress == 0x4140_0000)
        #expect(f.ap == .readOnly)
        #expect(f.encode(format: format) == raw)
        #expect(Descriptor(rawValue: raw).problems(at: .two, format: format).isEmpty)
    }

    @Test("a table descriptor with every table attribute set")
    func table() {
        // NSTable | APTable=0b11 | UXNTable | PXNTable, next table at 0x40100000.
        let raw: UInt64 = 0xF800_0000_4010_0003
        let f = DescriptorFields(decoding: raw, level: .one, format: format)
        #expect(f.kind == .table)
        #expect(f.nextTable == 0x4010_0000)
        #expect(f.pxnTable && f.uxnTable && f.nsTable)
        #expect(f.apTable == .readOnlyNoEL0)
        #expect(f.encode(format: format) == raw)
    }

    @Test("64K with FEAT_LPA: OA[51:48] in bits [15:12]")
    func lpa64K() throws {
        let f52 = try DescriptorFormat(granule: .k64, paBits: 52)
        var f = DescriptorFields(kind: .page)
        f.outputAddress = 0x000F_1234_5678_0000
        f.af = true
        let raw = f.encode(format: f52)
        #expect(raw == 0x0000_1234_5678_F403)
        #expect(DescriptorFields(decoding: raw, level: .three, format: f52).outputAddress == 0x000F_1234_5678_0000)
        // With a 48-bit PA those bits are an address beyond the PA size.
        let f48 = try DescriptorFormat(granule: .k64, paBits: 48)
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: f48)
                == [.addressBeyondPASize(0x000F_1234_5678_0000, paBits: 48, isTable: false)])
    }

    @Test("4K/16K with DS=1: OA[51:50] in bits [9:8], OA[49:48] in place, no SH", arguments: [Granule.k4, .k16])
    func lpa2(granule: Granule) throws {
        let fmt = try DescriptorFormat(granule: granule, ds: true, paBits: 52)
        var f = DescriptorFields(kind: .page)
        f.outputAddress = 0x000E_0000_4000_0000 | 0x3_0000_0000_0000
        f.af = true
        f.sh = .innerShareable  // ignored: the field does not exist with DS=1
        let raw = f.encode(format: fmt)
        #expect(raw == 0x0003_0000_4000_0000 | 0b11 << 8 | 1 << 10 | 0b11)
        let back = DescriptorFields(decoding: raw, level: .three, format: fmt)
        #expect(back.outputAddress == 0x000F_0000_4000_0000)
        #expect(back.sh == .nonShareable)
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: fmt).isEmpty)
    }

    @Test("problems are all reported, not just the first")
    func allProblems() {
        // A 4K level-0 block (illegal without DS) with RES0 bit 48 set and
        // bits set below its OA field [47:39], which are RES0 too.
        let raw: UInt64 = 0x0001_0000_4140_0401
        let problems = Descriptor(rawValue: raw).problems(at: .zero, format: format)
        #expect(problems == [
            .blockNotLegal(.zero, format),
            .res0BitsSet(0x0001_0000_4140_0000),
        ])
        #expect(problems.map(\.description) == [
            "a block is not legal at level 0 with the 4K granule, 48-bit PA",
            "RES0 bits set: 0x1000041400000",
        ])
        #expect(Descriptor(rawValue: raw).outputAddress(at: .zero, format: format) == 0)
    }

    @Test("0b01 at level 3 is reserved")
    func reserved() {
        let raw: UInt64 = 0x0068_0000_4000_0701
        #expect(Descriptor(rawValue: raw).kind(at: .three) == .reserved)
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: format) == [.reservedEncoding(.three)])
        let f = DescriptorFields(decoding: raw, level: .three, format: format)
        #expect(f.encode(format: format) == raw)
    }

    @Test("an output address beyond a 40-bit PA")
    func beyondPA() throws {
        let fmt = try DescriptorFormat(granule: .k4, paBits: 40)
        let raw: UInt64 = 0x0000_0100_0000_0703
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: fmt)
                == [.addressBeyondPASize(0x100_0000_0000, paBits: 40, isTable: false)])
    }

    @Test("validate names the field that does not fit")
    func validate() {
        var f = DescriptorFields(kind: .page)
        f.attrIndx = 8
        #expect(throws: VMSAError.fieldOutOfRange(name: "attrIndx", value: 8, max: 7)) {
            try f.validate(level: .three, format: format)
        }
        f.attrIndx = 0
        f.outputAddress = 0x4000_0800
        #expect(throws: VMSAError.addressNotEncodable(name: "output address", value: 0x4000_0800, format: format)) {
            try f.validate(level: .three, format: format)
        }
        f.outputAddress = 0x4000_0000
        #expect(throws: VMSAError.kindNotAllowed(.page, .two)) { try f.validate(level: .two, format: format) }
    }
}
