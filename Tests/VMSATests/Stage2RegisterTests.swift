import Testing
@testable import VMSA

/// VTCR_EL2, VTTBR_EL2, HCR_EL2, TCR_EL2 (non-VHE) and TCR_EL3 against
/// Linux's constants (kvm_arm.h, arch/arm64/tools/sysreg) and the Arm ARM
/// start-level rules (QEMU check_s2_mmu_setup as a cross-check).
@Suite("Stage-2 and EL2/EL3 registers")
struct Stage2RegisterTests {
    @Test("VTCR_EL2 field positions are Linux's")
    func vtcrPositions() {
        typealias F = VTCR.Field
        #expect(F.t0sz.bits.mask == 0x3f && F.sl0.bits.lsb == 6 && F.irgn0.bits.lsb == 8 && F.orgn0.bits.lsb == 10)
        #expect(F.sh0.bits.lsb == 12 && F.tg0.bits.lsb == 14 && F.ps.bits == BitField(18, 16))
        #expect(F.vs.bits.lsb == 19 && F.ha.bits.lsb == 21 && F.hd.bits.lsb == 22)
        #expect(F.ds.bits.lsb == 32 && F.sl2.bits.lsb == 33 && VTCR.res1Mask == 1 << 31)
    }

    /// kvm_get_vtcr for a 40-bit IPA with 4K pages on a 40-bit PA CPU:
    /// VTCR_EL2_COMMON_BITS (SH0 inner, ORGN0/IRGN0 WBWA, RES1) | PS=2 |
    /// SL0=1 (VTCR_EL2_TGRAN_SL0_BASE 2 - start level 1) | T0SZ=24: two
    /// concatenated level-1 tables.
    @Test("Linux's VTCR_EL2 for a 40-bit IPA 4K guest: start at level 1, 2 concatenated tables")
    func linuxVTCR() throws {
        let vtcr = VTCR(rawValue: 0x8002_3558)
        #expect(vtcr[VTCR.Field.t0sz] == 24 && vtcr[VTCR.Field.sl0] == 1 && vtcr[VTCR.Field.sh0] == 3)
        #expect(vtcr[VTCR.Field.irgn0] == 1 && vtcr[VTCR.Field.orgn0] == 1 && vtcr.granule == .k4)
        #expect(vtcr.physicalAddressSize == .bits40 && !vtcr.sixteenBitVMID)
        let g = try vtcr.geometry(paMax: 40)
        #expect(g.startLevel == .one && g.concatenatedTables == 2 && g.inputBits == 40)
        #expect(vtcr.problems(paMax: 40).isEmpty)
        #expect(VTCR(rawValue: 0x0002_3558).problems(paMax: 40) == [.res1BitsClear(0x8000_0000)])
    }

    @Test("start levels and concatenation per granule",
          arguments: [
            (Granule.k4, 24, 1, false, false, 40, 1, 2),     // Linux 40-bit IPA
            (.k4, 16, 2, false, false, 48, 0, 1),           // 48-bit IPA from level 0
            (.k4, 21, 1, false, false, 48, 1, 16),          // 43-bit IPA: 16 level-1 tables
            (.k4, 12, 0, true, true, 52, -1, 1),            // SL2=1: level -1 (FEAT_LPA2)
            (.k16, 24, 1, false, false, 40, 2, 16),         // 40-bit IPA, 16 level-2 tables
            (.k16, 16, 2, false, false, 48, 1, 2),
            (.k16, 12, 3, false, true, 52, 0, 1),           // SL0=3 with DS=1: level 0
            (.k64, 16, 2, false, false, 48, 1, 1),
            (.k64, 24, 1, false, false, 40, 2, 1),
          ])
    func startLevels(granule: Granule, t0sz: Int, sl0: Int, sl2: Bool, ds: Bool, paMax: Int, level: Int, tables: Int) throws {
        let g = try Stage2Geometry(granule: granule, t0sz: t0sz, sl0: sl0, sl2: sl2, ds: ds, paMax: paMax)
        #expect(g.startLevel.rawValue == level && g.concatenatedTables == tables)
    }

    @Test("illegal combinations are refused by name")
    func illegal() {
        func error(_ g: Granule, _ t0sz: Int, _ sl0: Int, sl2: Bool = false, ds: Bool = false, paMax: Int = 48) -> Stage2SetupError? {
            do { _ = try Stage2Geometry(granule: g, t0sz: t0sz, sl0: sl0, sl2: sl2, ds: ds, paMax: paMax); return nil }
            catch { return error }
        }
        #expect(error(.k4, 24, 0) == .inconsistentStartLevel(.k4, t0sz: 24, level: .two, supported: 22...34))
        #expect(error(.k4, 24, 0)?.description == "VTCR_EL2.T0SZ=24 (40-bit IPA) does not fit a 4K walk starting at level 2; expected 22 to 34 bits (1 to 16 concatenated tables)")
        #expect(error(.k4, 39, 3) == .reservedSL0(.k4, sl0: 3, needs: "FEAT_TTST"))
        #expect(error(.k64, 16, 3) == .reservedSL0(.k64, sl0: 3, needs: nil))
        #expect(error(.k16, 16, 3) == .reservedSL0(.k16, sl0: 3, needs: "DS=1"))
        #expect(error(.k16, 16, 0, sl2: true) == .sl2NeedsDS4K(.k16, ds: false))
        #expect(error(.k4, 12, 1, sl2: true, ds: true, paMax: 52) == .sl2WithSL0(1))
        #expect(error(.k4, 24, 2, paMax: 40) == .startLevelNeedsPA(.k4, sl0: 2, level: .zero, minPA: 44, paMax: 40))
        #expect(error(.k4, 16, 2, paMax: 44) == .inputBeyondPA(inputBits: 48, paMax: 44))
        #expect(error(.k4, 12, 2) == .inputSizeOutOfRange(.k4, t0sz: 12, supported: 25...48))
    }

    @Test("VTTBR_EL2: VMID 16-bit [63:48] with VS=1, 8-bit [55:48] otherwise; BADDR; CnP")
    func vttbr() {
        let v = VTTBR(rawValue: 0x0105_0000_4010_0001)
        #expect(v.vmid(sixteenBit: true) == 0x105 && v.vmid(sixteenBit: false) == 5 && v.cnp)
        #expect(v.baseAddress(fiftyTwoBit: false) == 0x4010_0000)
        #expect(v.problems(sixteenBitVMID: true).isEmpty)
        #expect(v.problems(sixteenBitVMID: false).map(\.description)
                == ["VMID[15:8] [63:56] is set, but it is RES0 with VTCR_EL2.VS=0 (8-bit VMIDs)"])
        #expect(VTTBR(baseAddress: 0x4010_0000, vmid: 0x105, cnp: true).rawValue == v.rawValue)
    }

    @Test("HCR_EL2: Linux HCR_HOST_VHE_FLAGS (RW | TGE | E2H) and HCR_VM")
    func hcr() {
        let host = HCR(rawValue: 0x0000_0004_8800_0000)
        #expect(host.e2h && host.tge && host[HCR.Field.rw] == 1 && !host.stage2Enabled && host.el2Regime == .el20)
        #expect(HCR(rawValue: 1).stage2Enabled && HCR(rawValue: 1).el2Regime == .el2)
        #expect(HCR.Field.fwb.bits.lsb == 46 && HCR.Field.ptw.bits.lsb == 2 && HCR.Field.dc.bits.lsb == 12)
        // Traps are not RES0: no problems for bits no field names.
        #expect(HCR(rawValue: 0xffff_ffff_ffff_ffff).reservedBitProblems.isEmpty)
    }

    @Test("TCR_EL2 (non-VHE) and TCR_EL3: Linux TCR_EL2_RES1, PS, TBI, HPD, DS")
    func singleRangeTCR() {
        #expect(TCREL2.res1Mask == 0x8080_0000)
        typealias F = SingleRangeTCRField
        #expect(F.ps.bits == BitField(18, 16) && F.tbi.bits.lsb == 20 && F.hpd.bits.lsb == 24 && F.ds.bits.lsb == 32)
        let tcr = TCREL2(rawValue: 0x8085_3510)   // RES1, PS=5 (48-bit), 4K, SH0 inner, WBWA, T0SZ=16
        #expect(tcr.granule == .k4 && tcr.inputBits == 48 && tcr.physicalAddressSize == .bits48)
        #expect(tcr.problems.isEmpty)
        #expect(TCREL3(rawValue: 0x0005_3510).problems == [.res1BitsClear(0x8080_0000)])
        #expect(TCREL3(rawValue: 0x8085_3510 | 1 << 40).problems == [.res0BitsSet(1 << 40)])
    }
}
