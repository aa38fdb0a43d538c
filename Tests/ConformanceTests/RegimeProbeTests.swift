import Conformance
import Testing
import VMSA
import VMSATables

/// The regime probe on QEMU 7.2 (`-M virt,secure=on,virtualization=on -cpu
/// max`), over hand-built tables whose PAR_EL1 answers are worked out below
/// from the Arm ARM. The descriptor and PAR spellings here are the test's own
/// (an independent opinion), not vmsa's.
@Suite struct RegimeProbeTests {
    // MARK: The test's spelling of the architecture

    /// Stage-1 descriptor fields (Arm ARM D8.3).
    enum S1 {
        static let table: UInt64 = 0b11, page: UInt64 = 0b11, block: UInt64 = 0b01
        static func attrIndx(_ i: UInt64) -> UInt64 { i << 2 }   // AttrIndx [4:2]
        static let ns: UInt64 = 1 << 5                           // NS [5]
        /// AP[2:1] [7:6]: 0b01 read/write at every EL (AP[1] is RES1 where
        /// there is one EL), 0b11 read-only, 0b00 no EL0 access.
        static let readWrite: UInt64 = 0b01 << 6, readOnly: UInt64 = 0b11 << 6, privilegedOnly: UInt64 = 0
        static let innerShareable: UInt64 = 0b11 << 8            // SH [9:8]
        static let af: UInt64 = 1 << 10                          // AF [10]
        /// A Normal (AttrIndx 0), Inner Shareable, accessed leaf.
        static let normal = attrIndx(0) | innerShareable | af
    }

    /// Stage-2 descriptor fields (Arm ARM D8.3, non-FWB).
    enum S2 {
        static let table: UInt64 = 0b11, page: UInt64 = 0b11, block: UInt64 = 0b01
        static let normalWriteBack: UInt64 = 0b1111 << 2          // MemAttr [5:2]: Outer and Inner Write-Back
        static let readOnly: UInt64 = 0b01 << 6, readWrite: UInt64 = 0b11 << 6  // S2AP [7:6]
        static let innerShareable: UInt64 = 0b11 << 8
        static let af: UInt64 = 1 << 10
        static let normal = normalWriteBack | innerShareable | af
    }

    /// MAIR: Attr0 Normal Write-Back RW-allocate, Attr1 Device-nGnRE.
    static let normalWB: UInt64 = 0xff, deviceNGnRE: UInt64 = 0x04
    static let mair = deviceNGnRE << 8 | normalWB

    /// PAR_EL1 [11] is RES1 in both formats.
    static let parRES1: UInt64 = 1 << 11
    /// PAR_EL1 on success: ATTR [63:56], PA [51:12], NS [9], SH [8:7].
    static func ok(_ pa: UInt64, attr: UInt64 = normalWB, sh: UInt64 = 0b11, ns: Bool = true) -> UInt64 {
        attr << 56 | pa | (ns ? 1 << 9 : 0) | sh << 7 | parRES1
    }
    /// PAR_EL1 on a fault: S [9], PTW [8], FST [6:1], F [0].
    static func fault(_ kind: FaultKind, _ level: Level, stage2: Bool = false, walk: Bool = false) -> UInt64 {
        (stage2 ? 1 << 9 : 0) | (walk ? 1 << 8 : 0) | UInt64(TranslationFault(kind: kind, level: level).statusCode) << 1 | 1 | parRES1
    }

    /// Where the tables go: free RAM below the probe.
    static let stage1Base: UInt64 = 0x4000_0000
    static let stage2Base: UInt64 = 0x4010_0000
    /// Output addresses: RAM above the tables (AT does not access them).
    static let out: UInt64 = 0x8000_0000

    /// Table memory built word by word.
    struct TableMemory {
        let base: UInt64
        var words: [UInt64]
        init(base: UInt64, size: UInt64) { self.base = base; words = Array(repeating: 0, count: Int(size / 8)) }
        /// Entry `index` of the table at `table`.
        mutating func set(_ table: UInt64, _ index: Int, _ value: UInt64) { words[Int((table - base) / 8) + index] = value }
        var segment: RegimeProbeInput.Segment { .init(base: base, words: words) }
    }

    // MARK: Registers

    static func singleRangeTCR(t0sz: UInt64, tg0: UInt64) -> UInt64 {
        var tcr = TCREL2(rawValue: TCREL2.res1Mask)
        tcr[SingleRangeTCRField.t0sz] = t0sz
        tcr[SingleRangeTCRField.tg0] = tg0
        tcr[SingleRangeTCRField.ps] = PhysicalAddressSize.bits40.rawValue
        return tcr.rawValue
    }
    /// TCR_EL1 layout (TCR_EL2 with E2H=1, TCR_EL1): both halves 4K, 39-bit VAs.
    static let twoRangeTCR4K: UInt64 = {
        var tcr = TCR(rawValue: 0)
        tcr[TCR.Field.t0sz] = 25
        tcr[TCR.Field.t1sz] = 25
        tcr[TCR.Field.tg0] = Granule.k4.tg0
        tcr[TCR.Field.tg1] = Granule.k4.tg1
        tcr[TCR.Field.ips] = PhysicalAddressSize.bits40.rawValue
        return tcr.rawValue
    }()
    static let sctlrM: UInt64 = 1 << 0

    // MARK: Stage-1 tables

    /// 4K, 39-bit VAs (start level 1): L1 at +0, L2 at +0x1000, L3 at
    /// +0x2000; a second L1 at +0x3000 for a TTBR1 half.
    ///   VA 0x0000      page  → out          RW
    ///   VA 0x1000      page  → out+0x1000   read-only
    ///   VA 0x2000      invalid L3 entry
    ///   VA 0x3000      page  → out+0x3000   RW, NS=1
    ///   VA 0x4000      page  → out+0x4000   no EL0 access
    ///   VA 0x20_0000   2M block → out+0x20_0000, Device-nGnRE, Non-shareable
    ///   VA 0x4000_0000 invalid L1 entry
    ///   VA 0x8000_0000 1G block, identity (covers the EL3 window at 0xb000_0000)
    ///   TTBR1 VA 0xffff_ff80_0000_0000: 1G block → 0x1_0000_0000, no EL0 access
    static func stage1Tables4K(mapWindow: Bool = true) -> TableMemory {
        let b = stage1Base, l2 = b + 0x1000, l3 = b + 0x2000, upper = b + 0x3000
        var m = TableMemory(base: b, size: 0x4000)
        m.set(b, 0, l2 | S1.table)
        if mapWindow { m.set(b, 2, out | S1.normal | S1.readWrite | S1.block) }
        m.set(l2, 0, l3 | S1.table)
        m.set(l2, 1, (out + 0x20_0000) | S1.attrIndx(1) | S1.af | S1.readWrite | S1.block)
        m.set(l3, 0, out | S1.normal | S1.readWrite | S1.page)
        m.set(l3, 1, (out + 0x1000) | S1.normal | S1.readOnly | S1.page)
        m.set(l3, 3, (out + 0x3000) | S1.normal | S1.readWrite | S1.ns | S1.page)
        m.set(l3, 4, (out + 0x4000) | S1.normal | S1.privilegedOnly | S1.page)
        m.set(upper, 0, 0x1_0000_0000 | S1.normal | S1.privilegedOnly | S1.block)
        return m
    }
    static let upperVA: UInt64 = 0xffff_ff80_0000_1234

    /// The one-EL regimes (EL2, EL3) over `stage1Tables4K`, for `read` and
    /// `write` AT instructions. `ns` is PAR.NS of a leaf without NS=1: the
    /// Non-secure EL2 regime always outputs Non-secure, EL3 as the descriptor says.
    static func oneELExpectations(read: AddressTranslationInstruction, write: AddressTranslationInstruction,
                                  ns: Bool) -> [UInt64: [AddressTranslationInstruction: UInt64]] {
        [
            0x0010: [read: ok(out, ns: ns), write: ok(out, ns: ns)],
            0x1008: [read: ok(out + 0x1000, ns: ns), write: fault(.permission, .three)],
            0x2000: [read: fault(.translation, .three), write: fault(.translation, .three)],
            0x3000: [read: ok(out + 0x3000), write: ok(out + 0x3000)],
            // QEMU 7.2 reports the descriptor's SH (Non-shareable) for Device
            // memory, where the Arm ARM has PAR.SH read Outer Shareable (0b10):
            // the known deviation the MMU leg calls deviceShareability.
            0x20_1234: [read: ok(out + 0x20_1000, attr: deviceNGnRE, sh: 0, ns: ns),
                        write: ok(out + 0x20_1000, attr: deviceNGnRE, sh: 0, ns: ns)],
            0x4000_0000: [read: fault(.translation, .one), write: fault(.translation, .one)],
            0x9234_5678: [read: ok(0x9234_5000, ns: ns), write: ok(0x9234_5000, ns: ns)],
        ]
    }

    /// Runs `inputs` in one boot and compares every record with `expected`
    /// (per input: VA → instruction → PAR_EL1), printing hex on a mismatch.
    static func check(_ inputs: [RegimeProbeInput], _ expected: [[UInt64: [AddressTranslationInstruction: UInt64]]]) throws {
        let runs = try RegimeProbe.run(inputs, toolchain: Fixtures.toolchain())
        #expect(runs.count == inputs.count)
        for (run, (input, want)) in zip(runs, zip(inputs, expected)) {
            #expect(run.map(\.va) == input.vas)
            for record in run {
                #expect(Set(record.results.keys) == Set(input.regime.instructions))
                for (at, par) in want[record.va] ?? [:] {
                    let got = record[at]?.rawValue ?? 0
                    #expect(got == par, "\(input.regime) VA \(Hex.format(record.va)) \(at): expected \(PhysicalAddressRegister(rawValue: par)), QEMU \(PhysicalAddressRegister(rawValue: got))")
                }
            }
        }
    }

    static func input(_ regime: RegimeProbeKind, tcr: UInt64, ttbr1: UInt64 = 0, sctlr: UInt64 = 0,
                      tables: TableMemory, _ expected: [UInt64: [AddressTranslationInstruction: UInt64]]) -> RegimeProbeInput {
        RegimeProbeInput(regime: regime, tcr: tcr, mair: mair, ttbr0: tables.base, ttbr1: ttbr1, sctlr: sctlr,
                         segments: [tables.segment], vas: expected.keys.sorted())
    }

    // MARK: EL2, EL3, EL2&0

    @Test func el2With4KPages() throws {
        let expected = Self.oneELExpectations(read: .s1e2r, write: .s1e2w, ns: true)
        try Self.check([Self.input(.el2, tcr: Self.singleRangeTCR(t0sz: 25, tg0: Granule.k4.tg0), tables: Self.stage1Tables4K(), expected)], [expected])
    }

    @Test func el3With4KPages() throws {
        let expected = Self.oneELExpectations(read: .s1e3r, write: .s1e3w, ns: false)
        try Self.check([Self.input(.el3, tcr: Self.singleRangeTCR(t0sz: 25, tg0: Granule.k4.tg0), tables: Self.stage1Tables4K(), expected)], [expected])
    }

    /// EL2&0: with E2H=TGE=1, AT S1E0* translate in EL2&0 from EL0 and
    /// AT S1E1R from EL2 (so it answers as S1E2R does).
    @Test func el20With4KPagesAndBothHalves() throws {
        let all = { (r: UInt64, w: UInt64, r0: UInt64, w0: UInt64) -> [AddressTranslationInstruction: UInt64] in
            [.s1e2r: r, .s1e2w: w, .s1e0r: r0, .s1e0w: w0, .s1e1r: r]
        }
        let pageFault = Self.fault(.permission, .three)
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x0010: all(Self.ok(Self.out), Self.ok(Self.out), Self.ok(Self.out), Self.ok(Self.out)),
            0x1008: all(Self.ok(Self.out + 0x1000), pageFault, Self.ok(Self.out + 0x1000), pageFault),
            0x2000: all(Self.fault(.translation, .three), Self.fault(.translation, .three),
                        Self.fault(.translation, .three), Self.fault(.translation, .three)),
            0x4000: all(Self.ok(Self.out + 0x4000), Self.ok(Self.out + 0x4000), pageFault, pageFault),
            0x4000_0000: all(Self.fault(.translation, .one), Self.fault(.translation, .one),
                             Self.fault(.translation, .one), Self.fault(.translation, .one)),
            // TTBR1_EL2: a 1G block without EL0 access.
            Self.upperVA: all(Self.ok(0x1_0000_1000), Self.ok(0x1_0000_1000),
                              Self.fault(.permission, .one), Self.fault(.permission, .one)),
        ]
        let tables = Self.stage1Tables4K()
        try Self.check([Self.input(.el20, tcr: Self.twoRangeTCR4K, ttbr1: tables.base + 0x3000, tables: tables, expected)], [expected])
    }

    /// 16K, 36-bit VAs: start level 2 (VA[35:25]), L3 at +0x4000.
    ///   VA 0x0000 page → out; 0x4000 read-only page; 0x8000 invalid L3;
    ///   0x200_0000 invalid L2; 0x400_0000 32M block → out+0x200_0000.
    @Test func el2With16KPages() throws {
        let b = Self.stage1Base, l3 = b + 0x4000
        var m = TableMemory(base: b, size: 0x8000)
        m.set(b, 0, l3 | S1.table)
        m.set(b, 2, (Self.out + 0x200_0000) | S1.normal | S1.readWrite | S1.block)
        m.set(l3, 0, Self.out | S1.normal | S1.readWrite | S1.page)
        m.set(l3, 1, (Self.out + 0x4000) | S1.normal | S1.readOnly | S1.page)
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x0010: [.s1e2r: Self.ok(Self.out), .s1e2w: Self.ok(Self.out)],
            0x4008: [.s1e2r: Self.ok(Self.out + 0x4000), .s1e2w: Self.fault(.permission, .three)],
            0x8000: [.s1e2r: Self.fault(.translation, .three), .s1e2w: Self.fault(.translation, .three)],
            0x200_0000: [.s1e2r: Self.fault(.translation, .two), .s1e2w: Self.fault(.translation, .two)],
            0x400_1234: [.s1e2r: Self.ok(Self.out + 0x200_1000), .s1e2w: Self.ok(Self.out + 0x200_1000)],
        ]
        try Self.check([Self.input(.el2, tcr: Self.singleRangeTCR(t0sz: 28, tg0: Granule.k16.tg0), tables: m, expected)], [expected])
    }

    /// 64K, 32-bit VAs: start level 2 (VA[31:29], 8 entries), L3 at +0x1_0000.
    ///   VA 0x0000 page → out; 0x1_0000 read-only page; 0x2_0000 invalid L3;
    ///   0x2000_0000 invalid L2; 0xa000_0000 512M block, identity (maps the EL3 window).
    @Test func el3With64KPages() throws {
        let b = Self.stage1Base, l3 = b + 0x1_0000
        var m = TableMemory(base: b, size: 0x2_0000)
        m.set(b, 0, l3 | S1.table)
        m.set(b, 5, 0xa000_0000 | S1.normal | S1.readWrite | S1.block)
        m.set(l3, 0, Self.out | S1.normal | S1.readWrite | S1.page)
        m.set(l3, 1, (Self.out + 0x1_0000) | S1.normal | S1.readOnly | S1.page)
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x0010: [.s1e3r: Self.ok(Self.out, ns: false), .s1e3w: Self.ok(Self.out, ns: false)],
            0x1_0008: [.s1e3r: Self.ok(Self.out + 0x1_0000, ns: false), .s1e3w: Self.fault(.permission, .three)],
            0x2_0000: [.s1e3r: Self.fault(.translation, .three), .s1e3w: Self.fault(.translation, .three)],
            0x2000_0000: [.s1e3r: Self.fault(.translation, .two), .s1e3w: Self.fault(.translation, .two)],
            0xb000_1234: [.s1e3r: Self.ok(0xb000_1000, ns: false), .s1e3w: Self.ok(0xb000_1000, ns: false)],
        ]
        try Self.check([Self.input(.el3, tcr: Self.singleRangeTCR(t0sz: 32, tg0: Granule.k64.tg0), tables: m, expected)], [expected])
    }

    /// EL3 tables that do not map the window: the probe refuses instead of
    /// enabling its MMU; L1[2] is invalid, so AT S1E2R of 0xb000_0000 gives a
    /// translation fault at level 1.
    @Test func el3RefusesTablesWithoutTheWindow() throws {
        let input = Self.input(.el3, tcr: Self.singleRangeTCR(t0sz: 25, tg0: Granule.k4.tg0),
                               tables: Self.stage1Tables4K(mapWindow: false), [0: [:]])
        let expected = ConformanceError.el3WindowUnmapped(par: PhysicalAddressRegister(rawValue: Self.fault(.translation, .one)))
        #expect(throws: expected) { try RegimeProbe.run(input, toolchain: Fixtures.toolchain()) }
        #expect(expected.description == "the EL3 tables do not map the EL3 window 0xb0000000-0xb0000fff to itself (PAR_EL1 0x000000000000080b: translation fault at level 1 (FSC 0x05))")
    }

    /// Runs in one boot do not see each other's tables: the second run has
    /// only the L1 table, and the L2 table the first run wrote is zero again.
    @Test func runsInOneBootStartFromCleanMemory() throws {
        let tcr = Self.singleRangeTCR(t0sz: 25, tg0: Granule.k4.tg0)
        let full = Self.stage1Tables4K()
        var l1Only = full
        l1Only.words = Array(full.words.prefix(512))
        let first = Self.input(.el2, tcr: tcr, tables: full, [0: [.s1e2r: Self.ok(Self.out)]])
        let second = Self.input(.el2, tcr: tcr, tables: l1Only, [0: [.s1e2r: Self.fault(.translation, .two)]])
        try Self.check([first, second], [[0: [.s1e2r: Self.ok(Self.out)]], [0: [.s1e2r: Self.fault(.translation, .two)]]])
    }

    // MARK: Stage 2

    /// VTCR_EL2: 4K, T0SZ=24 (40-bit IPA), SL0=1: start level 1, which
    /// resolves IPA[39:30], 1024 entries: two concatenated tables (8K aligned).
    static let vtcr: UInt64 = {
        var v = VTCR(rawValue: VTCR.res1Mask)
        v[VTCR.Field.t0sz] = 24
        v[VTCR.Field.sl0] = 1
        v[VTCR.Field.tg0] = Granule.k4.tg0
        v[VTCR.Field.ps] = PhysicalAddressSize.bits40.rawValue
        return v.rawValue
    }()
    /// Stage-2 output addresses.
    static let s2out: UInt64 = 0x9000_0000

    /// Stage 2 (root: two tables at +0, L2 at +0x2000, L3 at +0x3000):
    ///   IPA 0x4000_0000 1G block, identity (the stage-1 tables)
    ///   IPA 0x8000_0000 page → s2out; +0x1000 → s2out+0x1000; +0x2000 invalid L3;
    ///   +0x3000 → s2out+0x3000 read-only; +0x4000 → s2out+0x4000
    ///   IPA 0x8020_0000 invalid L2
    ///   IPA 0x96_0000_0000 (root index 600: entry 88 of the second table) 1G block → 0xc000_0000
    ///   IPA 0 to 0x3fff_ffff unmapped (root entry 0 invalid)
    /// With `stage1TablesDevice`, the identity block is Device-nGnRnE
    /// (MemAttr 0b0000) instead of Normal.
    static func stage2Tables(stage1TablesDevice: Bool = false) -> TableMemory {
        let b = stage2Base, l2 = b + 0x2000, l3 = b + 0x3000
        var m = TableMemory(base: b, size: 0x4000)
        let tablesMemory = stage1TablesDevice ? S2.innerShareable | S2.af : S2.normal
        m.set(b, 1, stage1Base | tablesMemory | S2.readWrite | S2.block)
        m.set(b, 2, l2 | S2.table)
        m.set(b, 600, 0xc000_0000 | S2.normal | S2.readWrite | S2.block)
        m.set(l2, 0, l3 | S2.table)
        for (i, ap) in [(0, S2.readWrite), (1, S2.readWrite), (3, S2.readOnly), (4, S2.readWrite)] {
            m.set(l3, i, (s2out + UInt64(i) * 0x1000) | S2.normal | ap | S2.page)
        }
        return m
    }
    static let concatenatedIPA: UInt64 = 0x96_0000_1234

    /// Stage 1 off (SCTLR_EL1.M=0): every VA is its IPA and only stage 2
    /// translates. Stage 1 off makes data Device-nGnRnE, which stays Device
    /// combined with stage 2 and reads as Outer Shareable (0b10); S1E1R
    /// answers the flat IPA, Device-nGnRnE as well.
    @Test func stage2AloneWithStage1Off() throws {
        let device: UInt64 = 0x00, outer: UInt64 = 0b10
        let all = { (r: UInt64, w: UInt64, ipa: UInt64) -> [AddressTranslationInstruction: UInt64] in
            [.s12e1r: r, .s12e1w: w, .s12e0r: r, .s12e0w: w, .s1e1r: ipa]
        }
        let s2Fault = { (kind: FaultKind, level: Level) in Self.fault(kind, level, stage2: true) }
        let ok = { (pa: UInt64) in Self.ok(pa, attr: device, sh: outer) }
        // QEMU 7.2 deviation "stage-1-off shareability": its
        // get_phys_addr_disabled makes Device data Non-shareable, where
        // AArch64.TranslateAddressS1Off has Outer Shareable (0b10), so the
        // stage-1-only result reads SH 0b00. (Combining two stages, QEMU
        // forces Device back to 0b10, which hides it above.)
        let flat = { (ipa: UInt64) in Self.ok(ipa, attr: device, sh: 0) }
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x8000_0010: all(ok(Self.s2out), ok(Self.s2out), flat(0x8000_0000)),
            0x8000_3008: all(ok(Self.s2out + 0x3000), s2Fault(.permission, .three), flat(0x8000_3000)),
            0x8000_2000: all(s2Fault(.translation, .three), s2Fault(.translation, .three), flat(0x8000_2000)),
            0x8020_0000: all(s2Fault(.translation, .two), s2Fault(.translation, .two), flat(0x8020_0000)),
            Self.concatenatedIPA: all(ok(0xc000_1000), ok(0xc000_1000), flat(0x96_0000_1000)),
            0x1000: all(s2Fault(.translation, .one), s2Fault(.translation, .one), flat(0x1000)),
        ]
        let s2 = Self.stage2Tables()
        let input = RegimeProbeInput(regime: .s12, sctlr: 0, vtcr: Self.vtcr, vttbr: s2.base,
                                     segments: [s2.segment], vas: expected.keys.sorted())
        try Self.check([input], [expected])
    }

    /// Stage 2 with 16K granules, T0SZ=24 (40-bit IPA) and SL0=0b01: start
    /// level 2, which resolves IPA[39:25], 2^15 entries: sixteen concatenated
    /// tables (the most the Arm ARM allows), 256K aligned. Stage 1 off.
    ///   IPA 0x8000_0000 (root index 0x40) → L3 table: page → s2out;
    ///     +0x4000 read-only page; +0x8000 invalid L3
    ///   IPA 0x4000_0000 (index 0x20) invalid L2
    ///   IPA 0xff_fe00_0000 (index 0x7fff, the last entry of the sixteenth
    ///     table) 32M block → 0x8200_0000
    @Test func stage2With16KGranulesAndSixteenConcatenatedTables() throws {
        let root: UInt64 = 0x4040_0000, rootSize: UInt64 = 16 * 0x4000, l3 = root + rootSize
        var s2 = TableMemory(base: root, size: rootSize + 0x4000)
        s2.set(root, 0x40, l3 | S2.table)
        s2.set(root, 0x7fff, 0x8200_0000 | S2.normal | S2.readWrite | S2.block)
        s2.set(l3, 0, Self.s2out | S2.normal | S2.readWrite | S2.page)
        s2.set(l3, 1, (Self.s2out + 0x4000) | S2.normal | S2.readOnly | S2.page)
        var vtcr = VTCR(rawValue: VTCR.res1Mask)
        vtcr[VTCR.Field.t0sz] = 24
        vtcr[VTCR.Field.sl0] = 1
        vtcr[VTCR.Field.tg0] = Granule.k16.tg0
        vtcr[VTCR.Field.ps] = PhysicalAddressSize.bits40.rawValue
        // Stage 1 off: Device-nGnRnE, Outer Shareable once combined (see stage2AloneWithStage1Off).
        let ok = { (pa: UInt64) in Self.ok(pa, attr: 0x00, sh: 0b10) }
        let s2Fault = { (kind: FaultKind, level: Level) in Self.fault(kind, level, stage2: true) }
        let both = { (r: UInt64, w: UInt64) -> [AddressTranslationInstruction: UInt64] in
            [.s12e1r: r, .s12e1w: w, .s12e0r: r, .s12e0w: w]
        }
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x8000_0010: both(ok(Self.s2out), ok(Self.s2out)),
            0x8000_4008: both(ok(Self.s2out + 0x4000), s2Fault(.permission, .three)),
            0x8000_8000: both(s2Fault(.translation, .three), s2Fault(.translation, .three)),
            0x4000_0000: both(s2Fault(.translation, .two), s2Fault(.translation, .two)),
            0xff_fe12_3456: both(ok(0x8212_3000), ok(0x8212_3000)),
        ]
        let input = RegimeProbeInput(regime: .s12, vtcr: vtcr.rawValue, vttbr: root, segments: [s2.segment], vas: expected.keys.sorted())
        try Self.check([input], [expected])
    }

    /// Both stages: `stage1Tables4K` at IPA = PA (stage 2's identity block),
    /// its outputs (IPA 0x8000_0000…) through stage 2. TTBR1_EL1 points at IPA
    /// 0x3000_0000, which stage 2 does not map: a stage-2 fault on the
    /// stage-1 walk (S=1, PTW=1) at stage 2's level 1, for S1E1R as well.
    @Test func twoStagesWithFaultsInEachStage() throws {
        let all = { (r: UInt64, w: UInt64, r0: UInt64, w0: UInt64, ipa: UInt64) -> [AddressTranslationInstruction: UInt64] in
            [.s12e1r: r, .s12e1w: w, .s12e0r: r0, .s12e0w: w0, .s1e1r: ipa]
        }
        let ok = { (pa: UInt64) in Self.ok(pa) }
        let s1Perm = Self.fault(.permission, .three)
        let s2Perm = Self.fault(.permission, .three, stage2: true)
        let s1Miss = Self.fault(.translation, .three)
        let walkFault = Self.fault(.translation, .one, stage2: true, walk: true)
        let expected: [UInt64: [AddressTranslationInstruction: UInt64]] = [
            0x0010: all(ok(Self.s2out), ok(Self.s2out), ok(Self.s2out), ok(Self.s2out), ok(Self.out)),
            // Stage 1 read-only: the write faults in stage 1 (S=0).
            0x1008: all(ok(Self.s2out + 0x1000), s1Perm, ok(Self.s2out + 0x1000), s1Perm, ok(Self.out + 0x1000)),
            0x2000: all(s1Miss, s1Miss, s1Miss, s1Miss, s1Miss),
            // Stage 2 read-only (S2AP=0b01): the write faults in stage 2 (S=1).
            0x3000: all(ok(Self.s2out + 0x3000), s2Perm, ok(Self.s2out + 0x3000), s2Perm, ok(Self.out + 0x3000)),
            // No EL0 access in stage 1.
            0x4000: all(ok(Self.s2out + 0x4000), ok(Self.s2out + 0x4000), s1Perm, s1Perm, ok(Self.out + 0x4000)),
            Self.upperVA: all(walkFault, walkFault, walkFault, walkFault, walkFault),
        ]
        let s1 = Self.stage1Tables4K(), s2 = Self.stage2Tables()
        let input = RegimeProbeInput(regime: .s12, tcr: Self.twoRangeTCR4K, mair: Self.mair, ttbr0: s1.base, ttbr1: 0x3000_0000,
                                     sctlr: Self.sctlrM, vtcr: Self.vtcr, vttbr: s2.base,
                                     segments: [s1.segment, s2.segment], vas: expected.keys.sorted())
        try Self.check([input], [expected])
    }

    /// HCR_EL2.PTW=1: a stage-1 walk that reads stage-2 Device memory is a
    /// stage-2 permission fault on the walk (S=1, PTW=1), at the level of the
    /// stage-2 leaf (the identity block: level 1). With PTW=0 the same tables
    /// translate.
    @Test func protectedTableWalkFaultsOnStage2DeviceTables() throws {
        let s1 = Self.stage1Tables4K(), s2 = Self.stage2Tables(stage1TablesDevice: true)
        let hcrPTW = HCR.Field.ptw.bits.mask
        func run(hcr: UInt64) -> RegimeProbeInput {
            RegimeProbeInput(regime: .s12, tcr: Self.twoRangeTCR4K, mair: Self.mair, ttbr0: s1.base, sctlr: Self.sctlrM,
                             hcr: hcr, vtcr: Self.vtcr, vttbr: s2.base, segments: [s1.segment, s2.segment], vas: [0x10])
        }
        let walks = Self.ok(Self.s2out)
        let faults = Self.fault(.permission, .one, stage2: true, walk: true)
        try Self.check([run(hcr: 0), run(hcr: hcrPTW)], [
            [0x10: [.s12e1r: walks, .s12e1w: walks, .s12e0r: walks, .s12e0w: walks, .s1e1r: Self.ok(Self.out)]],
            [0x10: [.s12e1r: faults, .s12e1w: faults, .s12e0r: faults, .s12e0w: faults, .s1e1r: faults]],
        ])
    }

    /// HCR_EL2.FWB=1 (FEAT_S2FWB): stage 2 MemAttr[4:2]=0b110 forces Normal
    /// Write-Back whatever stage 1 says, even the Device-nGnRnE of stage 1
    /// off. The Arm ARM's SH is Outer Shareable (stage 1 off is Outer
    /// Shareable and the combination keeps the more shareable); QEMU 7.2
    /// answers Inner Shareable, the stage-2 SH, because its stage 1 off is
    /// Non-shareable (the "stage-1-off shareability" deviation above), and
    /// nothing forces Normal Write-Back back to Outer.
    @Test func forcedWriteBackOverridesStage1Off() throws {
        let forceWriteBack: UInt64 = 0b110 << 2
        let b = Self.stage2Base, l2 = b + 0x2000, l3 = b + 0x3000
        var s2 = TableMemory(base: b, size: 0x4000)
        s2.set(b, 2, l2 | S2.table)
        s2.set(l2, 0, l3 | S2.table)
        s2.set(l3, 0, Self.s2out | forceWriteBack | S2.innerShareable | S2.af | S2.readWrite | S2.page)
        let input = RegimeProbeInput(regime: .s12, hcr: HCR.Field.fwb.bits.mask, vtcr: Self.vtcr, vttbr: s2.base,
                                     segments: [s2.segment], vas: [0x8000_0010])
        let forced = Self.ok(Self.s2out, attr: Self.normalWB, sh: 0b11)
        try Self.check([input], [[0x8000_0010: [.s12e1r: forced, .s12e1w: forced, .s12e0r: forced, .s12e0w: forced]]])
    }

    // MARK: Without QEMU

    @Test func physicalAddressRegisterDecodes() {
        let success = PhysicalAddressRegister(rawValue: 0xff00_0000_8000_0b80)
        #expect(!success.faulted)
        #expect(success.physicalAddress == PhysicalAddress(0x8000_0000))
        #expect(success.attribute == MemoryAttribute(rawValue: 0xff))
        #expect(success.shareability == .innerShareable)
        #expect(success.nonSecure == true)
        #expect(success.fault == nil)
        #expect(success.description == "PAR_EL1 0xff00000080000b80: PA 0x000080000000 ATTR 0xff SH 3")

        let walk = PhysicalAddressRegister(rawValue: 0xb0b)
        #expect(walk.faulted && walk.stage2Fault && walk.onStage1Walk)
        #expect(walk.fault == TranslationFault(kind: .translation, level: .one))
        #expect(walk.physicalAddress == nil)
        #expect(walk.description == "PAR_EL1 0x0000000000000b0b: translation fault at level 1 (FSC 0x05) (stage 2) (on a stage 2 walk)")

        let permission = PhysicalAddressRegister(rawValue: 0x81f)
        #expect(permission.fault == TranslationFault(kind: .permission, level: .three))
        #expect(!permission.stage2Fault && !permission.onStage1Walk)
        // A synchronous external abort on the walk (FST 0b010101) is no translation fault.
        #expect(PhysicalAddressRegister(rawValue: 0b010101 << 1 | 1).fault == nil)
    }

    @Test func inputsTheProbeWouldRefuseThrowFirst() throws {
        let unaligned = RegimeProbeInput(regime: .el2, segments: [.init(base: 0x4000_0004, bytes: [0, 0, 0, 0])], vas: [0])
        #expect(throws: ConformanceError.segmentNotAligned(base: 0x4000_0004, size: 4)) {
            try RegimeProbe.run(unaligned, toolchain: Fixtures.toolchain())
        }
        let inProbe = RegimeProbeInput(regime: .el2, segments: [.init(base: 0xb000_0000, words: [0])], vas: [0])
        #expect(throws: ConformanceError.tablesOutsideProbeRAM(base: 0xb000_0000, size: 8, ram: MMULeg.tableRAM)) {
            try RegimeProbe.run(inProbe, toolchain: Fixtures.toolchain())
        }
    }
}
