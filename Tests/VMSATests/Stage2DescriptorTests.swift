import Testing
@testable import VMSA

/// Stage-2 descriptors against the values Linux/KVM writes
/// (arch/arm64/kvm/hyp/pgtable.c, kvm_pgtable.h, memory.h MT_S2_*).
@Suite("Stage-2 descriptors")
struct Stage2DescriptorTests {
    let format4K = try! DescriptorFormat(granule: .k4, paBits: 48)
    /// KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR, _S2AP_R, _S2AP_W, _SH, _AF and
    /// KVM_PTE_LEAF_ATTR_HI_S2_XN, as masks.
    let kvmMemAttr: UInt64 = 0x3c, kvmS2APR: UInt64 = 1 << 6, kvmS2APW: UInt64 = 1 << 7
    let kvmSH: UInt64 = 0x300, kvmAF: UInt64 = 1 << 10, kvmXN: UInt64 = 0x0060_0000_0000_0000

    @Test("the field positions are KVM's")
    func positions() {
        typealias B = Stage2Fields.Bits
        #expect(B.memAttr.mask == kvmMemAttr)
        #expect(B.s2ap.mask == kvmS2APR | kvmS2APW)
        #expect(Descriptor.Bits.sh.mask == kvmSH && Descriptor.Bits.af.mask == kvmAF)
        #expect(B.xn.mask == kvmXN)
        #expect(Descriptor.Bits.software.mask == 0x0780_0000_0000_0000)   // KVM_PTE_LEAF_ATTR_HI_SW GENMASK(58, 55)
        #expect(B.tableRes0.mask == 0xf800_0000_0000_0000)
    }

    @Test("a KVM normal-memory page (MT_S2_NORMAL=0xf, RW, inner shareable, AF) decodes field by field")
    func kvmNormalPage() {
        let raw: UInt64 = 0x4000_0000 | 0xf << 2 | kvmS2APR | kvmS2APW | 3 << 8 | kvmAF | 0b11
        #expect(raw == 0x4000_07ff)
        let f = Stage2Fields(decoding: raw, level: .three, format: format4K)
        #expect(f.kind == .page && f.outputAddress == 0x4000_0000)
        #expect(f.memAttr == 0xf && f.s2ap == .readWrite && f.sh == .innerShareable && f.af)
        #expect(f.xn == .executable && !f.dbm && !f.contiguous && f.software == 0 && f.res0 == 0)
        #expect(f.memoryAttributes(Stage2Features()) == .normal(outer: .writeBack, inner: .writeBack))
        #expect(f.encode(format: format4K) == raw)
        #expect(Descriptor(rawValue: raw).stage2Problems(at: .three, format: format4K, features: Stage2Features()).isEmpty)
    }

    @Test("MemAttr in both readings (Arm ARM D8.6.5, D8.6.6; Linux MT_S2_* and MT_S2_FWB_*)",
          arguments: [
            (UInt8(0x1), false, Stage2MemoryAttributes.device(.nGnRE)),            // MT_S2_DEVICE_nGnRE
            (0x5, false, .normal(outer: .nonCacheable, inner: .nonCacheable)),      // MT_S2_NORMAL_NC
            (0xf, false, .normal(outer: .writeBack, inner: .writeBack)),            // MT_S2_NORMAL
            (0xe, false, .normal(outer: .writeBack, inner: .writeThrough)),
            (0x0, false, .device(.nGnRnE)),
            (0x4, false, .reserved),                                                // inner 00 with outer NC
            (0x1, true, .device(.nGnRE)),                                           // MT_S2_FWB_DEVICE_nGnRE
            (0x5, true, .normalNonCacheable),                                       // MT_S2_FWB_NORMAL_NC
            (0x6, true, .forceWriteBack),                                           // MT_S2_FWB_NORMAL
            (0x7, true, .stage1Attributes),
            (0x4, true, .reserved),
            (0xe, true, .reserved),                                                 // MemAttr[3] is RES0
          ])
    func memAttr(value: UInt8, fwb: Bool, expected: Stage2MemoryAttributes) {
        #expect(Stage2MemoryAttributes(memAttr: value, fwb: fwb) == expected)
    }

    @Test("XN[1:0]: KVM_PTE_LEAF_ATTR_HI_S2_XN_PXN=1, _XN=2, _UXN=3; without FEAT_XNX only XN[1] counts")
    func executeNever() {
        #expect(Stage2ExecuteNever.el1ExecuteNever.rawValue == 1 && Stage2ExecuteNever.executeNever.rawValue == 2)
        #expect(Stage2ExecuteNever.el0ExecuteNever.rawValue == 3)
        #expect(Stage2ExecuteNever.el1ExecuteNever.allowsExecution(el0: true, xnx: true))
        #expect(!Stage2ExecuteNever.el1ExecuteNever.allowsExecution(el0: false, xnx: true))
        #expect(Stage2ExecuteNever.el0ExecuteNever.allowsExecution(el0: false, xnx: true))
        #expect(!Stage2ExecuteNever.el0ExecuteNever.allowsExecution(el0: true, xnx: true))
        #expect(Stage2ExecuteNever.el1ExecuteNever.allowsExecution(el0: false, xnx: false))
        #expect(!Stage2ExecuteNever.el0ExecuteNever.allowsExecution(el0: false, xnx: false))
        // XN[0] set without FEAT_XNX is a RES0 problem, not a field lost.
        let raw: UInt64 = 0x0020_0000_4000_07ff
        let problems = Descriptor(rawValue: raw).stage2Problems(at: .three, format: format4K, features: Stage2Features())
        #expect(problems == [.fieldRes0(name: "XN[0]", bits: BitField(bit: 53), context: "without FEAT_XNX")])
        #expect(Descriptor(rawValue: raw).stage2Problems(at: .three, format: format4K, features: Stage2Features(xnx: true)).isEmpty)
        #expect(problems.first?.description == "XN[0] [53] is set, but it is RES0 without FEAT_XNX")
    }

    @Test("FWB problems: MemAttr[3] is RES0, 0b100 is reserved")
    func fwbProblems() {
        let fwb = Stage2Features(fwb: true)
        let high = Descriptor(rawValue: 0x4000_0000 | 0xe << 2 | 0x7c3)
        #expect(high.stage2Problems(at: .three, format: format4K, features: fwb).map(\.description)
                == ["MemAttr[3] [5] is set, but it is RES0 with HCR_EL2.FWB=1"])
        let reserved = Descriptor(rawValue: 0x4000_0000 | 0x4 << 2 | 0x7c3)
        #expect(reserved.stage2Problems(at: .three, format: format4K, features: fwb).map(\.description)
                == ["MemAttr[3:0]=0b0100 is a reserved encoding in the HCR_EL2.FWB=1 reading"])
    }

    @Test("a stage-2 table has no APTable/XNTable/PXNTable/NSTable: [63:59] are RES0")
    func table() {
        let raw: UInt64 = 0x8000_0000_4000_0003
        let f = Stage2Fields(decoding: raw, level: .one, format: format4K)
        #expect(f.kind == .table && f.nextTable == 0x4000_0000 && f.res0 == 0x8000_0000_0000_0000)
        #expect(f.encode(format: format4K) == raw)
        #expect(Descriptor(rawValue: raw).stage2Problems(at: .one, format: format4K, features: Stage2Features())
                == [.res0BitsSet(0x8000_0000_0000_0000)])
    }

    @Test("stage-2 raw → fields → raw is exact, and decoded fields validate", arguments: allFormats)
    func roundTrip(format: DescriptorFormat) throws {
        var rng = SplitMix64(seed: UInt64(format.granule.rawValue * 31 + format.paBits))
        for level in format.granule.levels(ds: format.ds) {
            let lv = Level(rawValue: level)!
            for _ in 0..<20_000 {
                let raw = rng.next()
                let f = Stage2Fields(decoding: raw, level: lv, format: format)
                try f.validate(level: lv, format: format)
                let back = f.encode(format: format)
                if back != raw {
                    Issue.record("\(format) \(lv): \(Hex.format(raw)) → \(Hex.format(back))")
                    return
                }
            }
        }
    }
}

@Suite("Stage-2 52-bit output addresses")
struct Stage2WideAddressTests {
    @Test("64K with a 52-bit PA keeps OA[51:48] in [15:12]; 4K with DS=1 keeps OA[51:50] in [9:8] and has no SH")
    func wide() throws {
        let f64 = try DescriptorFormat(granule: .k64, paBits: 52)
        let raw64: UInt64 = 0x0000_0000_4001_57ff   // OA[47:16]=0x4001, OA[51:48]=5 in [15:12]
        let p64 = Stage2Fields(decoding: raw64, level: .three, format: f64)
        #expect(p64.outputAddress == 0x0005_0000_4001_0000)
        #expect(p64.encode(format: f64) == raw64)
        let ds = try DescriptorFormat(granule: .k4, ds: true, paBits: 52)
        let rawDS: UInt64 = 0x0003_0000_4000_07ff   // OA[49:48]=3 in place, OA[51:50]=3 in [9:8], S2AP RW, AF
        let pDS = Stage2Fields(decoding: rawDS, level: .three, format: ds)
        #expect(pDS.outputAddress == 0x000f_0000_4000_0000 && pDS.s2ap == .readWrite && pDS.af && pDS.memAttr == 0xf)
        #expect(pDS.sh == .nonShareable)   // no SH field with DS=1: VTCR_EL2.SH0 applies
        #expect(pDS.encode(format: ds) == rawDS)
        #expect(Descriptor(rawValue: rawDS).stage2Problems(at: .three, format: ds, features: Stage2Features()).isEmpty)
    }
}
