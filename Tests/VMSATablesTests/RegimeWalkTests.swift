import Testing
import VMSA
@testable import VMSATables

/// The one walk core in every regime, against tables built by hand or by
/// the builder, each rule of the Arm ARM on its own.
@Suite struct RegimeWalkTests {
    static func fault(_ kind: FaultKind, _ level: Int) -> TranslationFault { TranslationFault(kind: kind, level: Level(rawValue: level)!) }

    // MARK: Stage 1 with one Exception level (EL2, EL3)

    /// A 4K, 39-bit EL2 (or EL3) regime: level-1 root at 0x1000, level-2
    /// table at 0x2000, level-3 table at 0x3000; VA 0x1000 → PA 0x8000_1000
    /// with `leaf`'s attribute bits, `table` OR-ed into the level-2 table descriptor.
    static func oneLevel(_ kind: TranslationRegimeKind, leaf: UInt64, table: UInt64 = 0) -> (TranslationRegime, SparseMemory) {
        typealias F = SingleRangeTCRField
        var tcr = TCREL2(rawValue: F.res1)
        tcr[F.t0sz] = 25
        tcr[F.ps] = PhysicalAddressSize(bits: 48)!.rawValue
        let regime = TranslationRegime(kind: kind, tcr: TCR(rawValue: tcr.rawValue), mair: testMAIR, ttbr0: TTBR(rawValue: 0x1000))
        let memory = SparseMemory()
        memory[0x1000] = 0x2000 | 0b11
        memory[0x2000] = 0x3000 | 0b11 | table
        memory[0x3000 + 8] = 0x8000_1000 | leaf | 0b11
        return (regime, memory)
    }
    /// AF, AP[1] (RES1), AttrIndx 1.
    static let el2Leaf: UInt64 = 1 << 10 | 1 << 6 | 1 << 2

    @Test(arguments: [TranslationRegimeKind.el2, .el3])
    func oneLevelRegimeReadsAP2AndOneXN(kind: TranslationRegimeKind) throws {
        let el: ExceptionLevel = kind == .el2 ? .el2 : .el3
        let (regime, memory) = Self.oneLevel(kind, leaf: Self.el2Leaf)
        #expect(regime.half0?.startLevel == .one)
        #expect(regime.half1 == nil)
        let t = try regime.translate(VirtualAddress(0x1abc), access: .write, el: el, in: memory).get()
        #expect(t.pa == PhysicalAddress(0x8000_1abc))
        #expect(t.attributes.summary == "Attr1=normal-wb NSH \(kind == .el2 ? "EL2" : "EL3"):RW AF")
        // Executable: the "EL0-writable is never privileged-executable" rule is a two-level rule.
        #expect(throws: Never.self) { try regime.translate(VirtualAddress(0x1000), access: .execute, el: el, in: memory).get() }
        // AP[2]=1: read-only.
        let ro = Self.oneLevel(kind, leaf: Self.el2Leaf | 1 << 7)
        #expect(ro.0.translate(VirtualAddress(0x1000), access: .write, el: el, in: ro.1) == .failure(Self.fault(.permission, 3)))
        // XN is bit 54; PXN (bit 53) is RES0 and does not stop a fetch.
        let xn = Self.oneLevel(kind, leaf: Self.el2Leaf | 1 << 54)
        #expect(xn.0.translate(VirtualAddress(0x1000), access: .execute, el: el, in: xn.1) == .failure(Self.fault(.permission, 3)))
        let pxn = Self.oneLevel(kind, leaf: Self.el2Leaf | 1 << 53)
        #expect(throws: Never.self) { try pxn.0.translate(VirtualAddress(0x1000), access: .execute, el: el, in: pxn.1).get() }
    }

    @Test func oneLevelTablesHaveAPTable1AndXNTableOnly() throws {
        // APTable[1] (bit 62): read-only below.
        let ro = Self.oneLevel(.el2, leaf: Self.el2Leaf, table: 1 << 62)
        #expect(ro.0.translate(VirtualAddress(0x1000), access: .write, el: .el2, in: ro.1) == .failure(Self.fault(.permission, 3)))
        // APTable[0] (bit 61) is RES0 with one Exception level: nothing changes.
        let el0 = Self.oneLevel(.el2, leaf: Self.el2Leaf, table: 1 << 61)
        #expect(throws: Never.self) { try el0.0.translate(VirtualAddress(0x1000), access: .write, el: .el2, in: el0.1).get() }
        // Bit 60 is XNTable; bit 59 (PXNTable) is RES0.
        let xn = Self.oneLevel(.el2, leaf: Self.el2Leaf, table: 1 << 60)
        #expect(xn.0.translate(VirtualAddress(0x1000), access: .execute, el: .el2, in: xn.1) == .failure(Self.fault(.permission, 3)))
        let pxn = Self.oneLevel(.el2, leaf: Self.el2Leaf, table: 1 << 59)
        #expect(throws: Never.self) { try pxn.0.translate(VirtualAddress(0x1000), access: .execute, el: .el2, in: pxn.1).get() }
    }

    @Test func oneRangeRegimeHasNoUpperHalf() {
        let (regime, memory) = Self.oneLevel(.el2, leaf: Self.el2Leaf)
        // 0xffff… would be TTBR1 in EL1&0; EL2 has no such range.
        #expect(regime.translate(VirtualAddress(0xffff_ff80_0000_1000), access: .read, el: .el2, in: memory)
            == .failure(Self.fault(.translation, 0)))
        // Beyond T0SZ: a level 0 translation fault.
        #expect(regime.translate(VirtualAddress(1 << 39), access: .read, el: .el2, in: memory) == .failure(Self.fault(.translation, 0)))
    }

    @Test func el20PrivilegedIsEL2WithPAN() throws {
        var c = configuration(ttbr1: nil, ttbr0: .k4)
        c.kind = .el20
        var b = try TableBuilder(c)
        try b.map(MappingRequest(va: VirtualAddress(0x1000), pa: PhysicalAddress(0x8000_1000), size: 0x1000,
                                 attributes: MappingAttributes(attrIndx: 1, ap: .readWrite)))
        let image = b.image
        #expect(image.regime.kind == .el20)
        #expect(image.regime.exceptionLevels == [.el2, .el0])
        let t = try image.regime.translate(VirtualAddress(0x1000), access: .read, el: .el2, in: image).get()
        #expect(t.attributes.access == "EL2:RW EL0:RW")
        // PSTATE.PAN applies at EL2 with E2H=1.
        #expect(image.regime.translate(VirtualAddress(0x1000), access: .read, el: .el2, pan: PrivilegedAccessNever(pan: true, epan: false),
                                       in: image) == .failure(Self.fault(.permission, 3)))
    }

    // MARK: Stage 2

    /// 4K, 40-bit IPA, SL0=1 (start at level 1): 2 concatenated level-1
    /// tables. This is Linux KVM's VTCR_EL2 for a 40-bit IPA (kvm_get_vtcr:
    /// T0SZ 24, SL0 1, IRGN0/ORGN0 WBWA, SH0 Inner, TG0 4K, PS 40 bits,
    /// RES1 bit 31) = 0x80023558, with VS=1 (16-bit VMIDs) on top.
    static let vtcr40 = VTCR(rawValue: 0x8002_3558 | VTCR.Field.vs.bits.mask)

    @Test func builtStage2MatchesLinuxVTCRAndConcatenatesRoots() throws {
        let layout = try Layout.parse("""
            { "regime": "s2", "tablesBase": "0x48000000", "paBits": 40,
              "vttbr": { "granule": "4k", "ipaBits": 40, "startLevel": 1, "vmid": 5 },
              "mappings": [ { "ipa": "0x8000000000", "pa": "0x41000000", "size": "0x1000", "s2ap": 1, "xn": 2 } ] }
            """)
        let image = try TableImage(layout: layout)
        #expect(image.regime.vtcr == Self.vtcr40)
        #expect(image.regime.vttbr.vmid(sixteenBit: true) == 5)
        let h = try #require(image.half(.ttbr0))
        #expect(h.startLevel == .one)
        #expect(h.rootEntries == 1024)
        // IPA 0x80_0000_0000: index 512 of the root, the second concatenated table.
        #expect(image.word(atPhysicalAddress: 0x4800_0000 + 512 * 8)! & 0b11 == 0b11)
        let t = try image.regime.translateStage2(0x80_0000_0123, access: .read, el: .el1, in: image).get()
        #expect(t.pa == PhysicalAddress(0x4100_0123))
        #expect(t.level == .three)
        #expect(t.attributes.s2ap == .readOnly)
        #expect(image.regime.translateStage2(0x80_0000_0123, access: .write, el: .el1, in: image) == .failure(Self.fault(.permission, 3)))
        #expect(image.regime.translateStage2(0x80_0000_0123, access: .execute, el: .el0, in: image) == .failure(Self.fault(.permission, 3)))
        // Beyond the 40-bit IPA size: translation fault, level 0.
        #expect(image.regime.translateStage2(1 << 40, access: .read, el: .el1, in: image) == .failure(Self.fault(.translation, 0)))
    }

    /// One stage-2 page at IPA 0x1000 with `bits` (S2AP, XN, AF, DBM) under
    /// `vtcr`'s HA/HD; 4K, 40-bit IPA, start level 1.
    static func stage2Page(_ bits: UInt64, ha: Bool = false, hd: Bool = false) -> (TranslationRegime, SparseMemory) {
        var v = vtcr40
        v[VTCR.Field.ha] = ha ? 1 : 0
        v[VTCR.Field.hd] = hd ? 1 : 0
        let regime = TranslationRegime(vtcr: v, vttbr: VTTBR(rawValue: 0x10_0000))
        let memory = SparseMemory()
        memory[0x10_0000] = 0x20_0000 | 0b11            // level 1 → level 2 table
        memory[0x20_0000] = 0x30_0000 | 0b11            // level 2 → level 3 table
        memory[0x30_0000 + 8] = 0x9000_0000 | bits | 0b11 | 0b1111 << 2
        return (regime, memory)
    }
    static let s2AF: UInt64 = 1 << 10
    static let s2Read: UInt64 = 1 << 6, s2Write: UInt64 = 1 << 7

    @Test func stage2PermissionsFollowS2APAndXN() throws {
        let (r, m) = Self.stage2Page(Self.s2AF | Self.s2Read | Self.s2Write)
        #expect(try r.translateStage2(0x1008, access: .write, el: .el1, in: m).get().pa == PhysicalAddress(0x9000_0008))
        // XN[1:0] = 0b01: not executable at EL1, executable at EL0 (FEAT_XNX).
        let xn01 = Self.stage2Page(Self.s2AF | Self.s2Read | 1 << 53)
        #expect(xn01.0.translateStage2(0x1000, access: .execute, el: .el1, in: xn01.1) == .failure(Self.fault(.permission, 3)))
        #expect(throws: Never.self) { try xn01.0.translateStage2(0x1000, access: .execute, el: .el0, in: xn01.1).get() }
        // XN[1:0] = 0b11: executable at EL1 only.
        let xn11 = Self.stage2Page(Self.s2AF | Self.s2Read | 0b11 << 53)
        #expect(throws: Never.self) { try xn11.0.translateStage2(0x1000, access: .execute, el: .el1, in: xn11.1).get() }
        #expect(xn11.0.translateStage2(0x1000, access: .execute, el: .el0, in: xn11.1) == .failure(Self.fault(.permission, 3)))
        // No S2AP read: reads and fetches fault, writes may go.
        let wo = Self.stage2Page(Self.s2AF | Self.s2Write)
        #expect(wo.0.translateStage2(0x1000, access: .read, el: .el1, in: wo.1) == .failure(Self.fault(.permission, 3)))
        #expect(wo.0.translateStage2(0x1000, access: .execute, el: .el1, in: wo.1) == .failure(Self.fault(.permission, 3)))
        #expect(throws: Never.self) { try wo.0.translateStage2(0x1000, access: .write, el: .el1, in: wo.1).get() }
    }

    @Test func stage2AccessFlagAndDirtyState() throws {
        let old = Self.stage2Page(Self.s2Read)
        #expect(old.0.translateStage2(0x1000, access: .read, el: .el1, in: old.1) == .failure(Self.fault(.accessFlag, 3)))
        let ha = Self.stage2Page(Self.s2Read, ha: true)
        #expect(throws: Never.self) { try ha.0.translateStage2(0x1000, access: .read, el: .el1, in: ha.1).get() }
        // DBM with HD: a write to a clean (S2AP[1]=0) page is allowed and makes it dirty.
        let clean = Self.stage2Page(Self.s2AF | Self.s2Read | 1 << 51, ha: true, hd: true)
        #expect(try clean.0.translateStage2(0x1000, access: .write, el: .el1, in: clean.1).get().dirtied)
        let noHD = Self.stage2Page(Self.s2AF | Self.s2Read | 1 << 51, ha: true)
        #expect(noHD.0.translateStage2(0x1000, access: .write, el: .el1, in: noHD.1) == .failure(Self.fault(.permission, 3)))
    }

    @Test func stage2TablesCarryNoHierarchicalAttributes() throws {
        let (r, m) = Self.stage2Page(Self.s2AF | Self.s2Read | Self.s2Write)
        // APTable/XNTable positions set in a stage-2 table descriptor change nothing.
        m[0x20_0000] = 0x30_0000 | 0b11 | 0b11111 << 59
        #expect(throws: Never.self) { try r.translateStage2(0x1000, access: .write, el: .el1, in: m).get() }
    }

    @Test func stage2WithSL2StartsAtLevelMinusOne() throws {
        // 4K, DS=1, 52-bit IPA, SL0=0 with SL2=1: start at level -1 (16 entries).
        var v = VTCR(rawValue: VTCR.res1Mask)
        v[VTCR.Field.t0sz] = 12
        v[VTCR.Field.sl2] = 1
        v[VTCR.Field.ds] = 1
        v[VTCR.Field.ps] = PhysicalAddressSize(bits: 52)!.rawValue
        let regime = TranslationRegime(vtcr: v, vttbr: VTTBR(rawValue: 0x10_0000))
        let h = try #require(regime.half0)
        #expect(h.startLevel == .minus1)
        #expect(h.rootEntries == 16)
        #expect(regime.translateStage2(0x1000, access: .read, el: .el1, in: SparseMemory()) == .failure(.notCaptured(0x10_0000, level: .minus1)))
    }

    // MARK: Two stages

    static func twoStage(fwb: Bool = false, ptw: Bool = false, s2MemAttr: Int = 15, s1Attr: Int = 1) throws -> TableImage {
        try TableImage(layout: Layout.parse("""
            { "tablesBase": "0x100000", "paBits": 40, "mair": "0x000000000044ff04",
              "ttbr0": { "granule": "4k", "vaBits": 39 },
              "mappings": [ { "va": "0x400000", "pa": "0x0", "size": "0x200000", "attrIndx": \(s1Attr) },
                            { "va": "0x800000", "pa": "0x300000", "size": "0x1000", "attrIndx": \(s1Attr) } ],
              "stage2": { "tablesBase": "0x48000000", "paBits": 40, "fwb": \(fwb), "ptw": \(ptw),
                 "vttbr": { "granule": "4k", "ipaBits": 40 },
                 "mappings": [ { "ipa": "0x0", "pa": "0x40000000", "size": "0x200000", "memAttr": \(s2MemAttr) } ] } }
            """))
    }

    @Test func twoStageTranslatesThroughBothAndReadsStage1TablesThroughStage2() throws {
        let image = try Self.twoStage()
        let regime = try #require(image.twoStage)
        let t = try regime.translate(VirtualAddress(0x400123), access: .read, el: .el1, in: image).get()
        #expect(t.ipa == 0x123)
        #expect(t.pa == PhysicalAddress(0x4000_0123))
        #expect(t.stage1?.level == .two)
        #expect(t.stage2.level == .two)
        #expect(t.memoryType == MemoryAttribute(rawValue: 0xff))
        // The stage-1 tables (IPA 0x100000…) are held at PA 0x40100000….
        #expect(image.memorySegments.first?.base == PhysicalAddress(0x4010_0000))
        // VA 0x800000 → IPA 0x300000, which stage 2 does not map: a stage-2 fault on the access.
        let f = regime.translate(VirtualAddress(0x800000), access: .read, el: .el1, in: image)
        #expect(f == .failure(TwoStageFault(stage: 2, fault: Self.fault(.translation, 2), ipa: 0x30_0000)))
    }

    @Test func stage2FaultOnTheStage1WalkIsS1PTW() throws {
        // Stage 2 maps only IPA 0…2M; move the stage-1 tables' IPA out of it.
        let layout = try Layout.parse("""
            { "tablesBase": "0x40000000", "paBits": 40, "mair": "0xff",
              "ttbr0": { "granule": "4k", "vaBits": 39 },
              "mappings": [ { "va": "0x400000", "pa": "0x0", "size": "0x1000" } ],
              "stage2": { "tablesBase": "0x48000000", "paBits": 40,
                 "vttbr": { "granule": "4k", "ipaBits": 40 },
                 "mappings": [ { "ipa": "0x0", "pa": "0x40000000", "size": "0x200000" } ] } }
            """)
        let image = try TableImage(layout: layout)
        let regime = try #require(image.twoStage)
        // The stage-1 root at IPA 0x40000000 is unmapped at stage 2 (level 1 of a 40-bit 4K stage 2 starting at level 0).
        let f = try #require(regime.translate(VirtualAddress(0x400000), access: .read, el: .el1, in: image).failureValue)
        #expect(f.stage == 2 && f.stage1Walk && f.ipa == 0x4000_0000 && f.stage1Level == .one)
        #expect(f.fault.kind == .translation)
    }

    @Test func ptwMakesWalksToStage2DeviceMemoryFault() throws {
        // MemAttr 0b0001: Device-nGnRE at stage 2, over the stage-1 tables too.
        let plain = try Self.twoStage(s2MemAttr: 0b0001)
        #expect(throws: Never.self) { try plain.twoStage!.translate(VirtualAddress(0x400000), access: .read, el: .el1, in: plain).get() }
        let ptw = try Self.twoStage(ptw: true, s2MemAttr: 0b0001)
        let f = try #require(ptw.twoStage!.translate(VirtualAddress(0x400000), access: .read, el: .el1, in: ptw).failureValue)
        #expect(f.stage == 2 && f.stage1Walk && f.fault.kind == .permission)
    }

    /// Combined memory types (Arm ARM S2CombineS1MemAttrs, S2ApplyFWBMemAttrs).
    @Test(arguments: [
        // (stage-1 MAIR byte, stage-2 MemAttr, FWB, combined)
        (UInt8(0xff), UInt8(0b1111), false, UInt8(0xff)),  // WB + WB
        (0xff, 0b0101, false, 0x44),                      // stage-2 Non-cacheable wins
        (0xff, 0b1010, false, 0xbb),                      // stage-2 Write-Through, stage-1 hints
        (0xff, 0b0001, false, 0x04),                      // stage-2 Device-nGnRE
        (0x0c, 0b0001, false, 0x04),                      // Device-GRE + Device-nGnRE: the stricter
        (0x04, 0b1111, false, 0x04),                      // stage-1 Device stays Device
        (0x44, 0b0110, true, 0xff),                       // FWB 0b110: forced Write-Back
        (0x44, 0b0111, true, 0x44),                       // FWB 0b111: stage 1's
        (0xff, 0b0101, true, 0x44),                       // FWB 0b101: Non-cacheable…
        (0x04, 0b0101, true, 0x04),                       // …unless stage 1 is Device
        (0xff, 0b0000, true, 0x00),                       // FWB Device-nGnRnE
    ])
    func combinedMemoryType(s1: UInt8, memAttr: UInt8, fwb: Bool, combined: UInt8) {
        #expect(Stage2Combination.memoryType(stage1: MemoryAttribute(rawValue: s1), memAttr: memAttr, fwb: fwb)
            == MemoryAttribute(rawValue: combined))
    }

    @Test func imagesOfEveryRegimeRoundTripThroughVersion3() throws {
        let images = [try Self.twoStage(fwb: true), Self.stage2Image()]
        for image in images {
            #expect(image.needsRegimeVersion)
            let bytes = image.serialized()
            #expect(bytes[8] == 3)
            let loaded = try TableImage.load(bytes)
            #expect(loaded.regime == image.regime)
            #expect(loaded.stage2 == image.stage2)
            #expect(loaded.hcr == image.hcr)
            #expect(loaded.memorySegments.map(\.base) == image.memorySegments.map(\.base))
        }
        // An EL1&0 image without a stage 2 stays version 2, readable by older vmsa.
        #expect(try TranslateTests.onePage().serialized()[8] == 2)
    }

    static func stage2Image() -> TableImage {
        try! TableImage(layout: Layout.parse("""
            { "regime": "s2", "tablesBase": "0x48000000", "vttbr": { "granule": "16k", "ipaBits": 40 },
              "mappings": [ { "ipa": "0x2000000", "pa": "0x42000000", "size": "0x2000000" } ] }
            """))
    }

    @Test func layoutsRefuseWhatTheirRegimeCannotHold() {
        func error(_ text: String) -> String? {
            do { _ = try TableImage(layout: Layout.parse(text)); return nil } catch { return error.description }
        }
        #expect(error("""
            { "regime": "el2", "tablesBase": "0x40000000", "mair": "0xff", "ttbr0": { "granule": "4k" },
              "mappings": [ { "va": "0x0", "pa": "0x0", "size": "0x1000", "ap": 0 } ] }
            """) == "mappings[0]: ap 0 clears AP[1], which is RES1; expected 1 (read/write) or 3 (read-only) in the EL2 translation regime, which has one Exception level")
        #expect(error("""
            { "regime": "el3", "tablesBase": "0x40000000", "mair": "0xff", "ttbr0": { "granule": "4k" },
              "mappings": [ { "va": "0x0", "pa": "0x0", "size": "0x1000", "ng": true } ] }
            """)?.contains("unknown key \"ng\"") == true)
        #expect(error("""
            { "regime": "s2", "tablesBase": "0x40000000", "vttbr": { "granule": "64k", "ipaBits": 40, "startLevel": 0 } }
            """)?.hasPrefix("layout: VTCR_EL2.") == true)
    }
}

/// Words at physical addresses, 8-byte granular, zero where never written:
/// the smallest `PhysicalMemory` for hand-made tables.
final class SparseMemory: PhysicalMemory {
    private var pages: [UInt64: UnsafeMutablePointer<UInt64>] = [:]
    static let pageBytes: UInt64 = 0x1_0000
    static let pageWords = Int(pageBytes / 8)

    deinit { for p in pages.values { p.deallocate() } }

    subscript(pa: UInt64) -> UInt64 {
        get { pages[pa & ~(Self.pageBytes - 1)]?[Int((pa & (Self.pageBytes - 1)) / 8)] ?? 0 }
        set {
            let base = pa & ~(Self.pageBytes - 1)
            let page = pages[base] ?? {
                let p = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.pageWords)
                p.initialize(repeating: 0, count: Self.pageWords)
                pages[base] = p
                return p
            }()
            page[Int((pa & (Self.pageBytes - 1)) / 8)] = newValue
        }
    }

    func words(at pa: UInt64, count: Int) -> UnsafePointer<UInt64>? {
        let base = pa & ~(Self.pageBytes - 1)
        let index = Int((pa - base) / 8)
        guard let page = pages[base], index + count <= Self.pageWords else { return nil }
        return UnsafePointer(page + index)
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let f) = self { f } else { nil } }
}
