import Testing
@testable import VMSA

/// Stage-1 descriptors of the one-EL regimes (EL2, EL3) and the regime
/// facts; golden values from Linux KVM's hyp stage 1 (pgtable.c:
/// KVM_PTE_LEAF_ATTR_LO_S1_AP_RW is 1 << 6 without hVHE: AP[1] is RES1).
@Suite("Regimes")
struct RegimeTests {
    let format4K = try! DescriptorFormat(granule: .k4, paBits: 48)

    @Test("per regime: halves, nG, AP[1] RES1, execute-never layout")
    func facts() {
        #expect(TranslationRegimeKind.allCases.map(\.rawValue) == ["el10", "el20", "el2", "el3", "s2"])
        #expect(TranslationRegimeKind.allCases.map(\.hasTwoRanges) == [true, true, false, false, false])
        #expect(TranslationRegimeKind.allCases.map(\.hasNotGlobal) == [true, true, false, false, false])
        #expect(TranslationRegimeKind.allCases.map(\.apOneIsRES1) == [false, false, true, true, false])
        #expect(TranslationRegimeKind.allCases.map(\.executeNever)
                == [.privilegedAndUnprivileged, .privilegedAndUnprivileged, .single, .single, .stage2])
        #expect(TranslationRegimeKind.allCases.map(\.stage) == [1, 1, 1, 1, 2])
    }

    @Test("a KVM nVHE hyp page (PAGE_HYP: AP_RW=1<<6, SH IS, AF, XN) has no problems at EL2")
    func hypPage() {
        let raw: UInt64 = 0x0040_0000_4000_0743
        let f = DescriptorFields(decoding: raw, level: .three, format: format4K, regime: .el2)
        #expect(f.ap == .readWrite && f.xn && !f.pxn && !f.nG && f.res0 == 0)
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: format4K, regime: .el2).isEmpty)
        #expect(Descriptor(rawValue: raw).problems(at: .three, format: format4K, regime: .el3).isEmpty)
    }

    @Test("EL2/EL3: AP[1] clear, nG set, PXN set are problems; EL1&0 and EL2&0 have none of them")
    func singleELProblems() {
        let raw: UInt64 = 0x0020_0000_4000_0f43   // nG, PXN, AP[2:1]=0b01
        let apClear: UInt64 = 0x0040_0000_4000_0703
        #expect(Descriptor(rawValue: apClear).problems(at: .three, format: format4K, regime: .el2).map(\.description)
                == ["AP[1] [6] is clear, but it is RES1 in the EL2 translation regime"])
        let ng = Descriptor(rawValue: raw)
        #expect(ng.problems(at: .three, format: format4K, regime: .el3).map(\.description) == [
            "nG [11] is set, but it is RES0 in the EL3 translation regime",
            "PXN [53] is set, but it is RES0 in the EL3 translation regime",
        ])
        #expect(ng.problems(at: .three, format: format4K, regime: .el20).isEmpty)
        #expect(Descriptor(rawValue: apClear).problems(at: .three, format: format4K, regime: .el10).isEmpty)
        // The RES0 bits travel in res0, so the value round-trips.
        let f = DescriptorFields(decoding: raw, level: .three, format: format4K, regime: .el3)
        #expect(!f.nG && !f.pxn && f.res0 == 0x0020_0000_0000_0800)
        #expect(f.encode(format: format4K) == raw)
    }

    @Test("EL2 tables: PXNTable and APTable[0] are RES0; bit 60 is XNTable")
    func singleELTable() throws {
        let raw: UInt64 = 0x3800_0000_4000_0003   // PXNTable, UXNTable(XNTable), APTable=0b01
        let f = DescriptorFields(decoding: raw, level: .two, format: format4K, regime: .el2)
        #expect(f.uxnTable && !f.pxnTable && f.apTable == .noEffect && f.res0 == 0x2800_0000_0000_0000)
        try f.validate(level: .two, format: format4K, regime: .el2)
        #expect(f.encode(format: format4K) == raw)
        #expect(Descriptor(rawValue: raw).problems(at: .two, format: format4K, regime: .el2).map(\.description) == [
            "PXNTable [59] is set, but it is RES0 in the EL2 translation regime",
            "APTable[0] [61] is set, but it is RES0 in the EL2 translation regime",
        ])
    }

    @Test("EL2/EL3 raw → fields → raw is exact", arguments: allFormats)
    func roundTrip(format: DescriptorFormat) throws {
        var rng = SplitMix64(seed: UInt64(format.granule.rawValue * 17 + format.paBits))
        for regime in [TranslationRegimeKind.el2, .el3, .el20] {
            for level in format.granule.levels(ds: format.ds) {
                let lv = Level(rawValue: level)!
                for _ in 0..<5_000 {
                    let raw = rng.next()
                    let f = DescriptorFields(decoding: raw, level: lv, format: format, regime: regime)
                    try f.validate(level: lv, format: format, regime: regime)
                    if f.encode(format: format) != raw {
                        Issue.record("\(regime) \(format) \(lv): \(Hex.format(raw))")
                        return
                    }
                }
            }
        }
    }
}
