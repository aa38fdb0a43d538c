import Testing
import VMSA
import VMSAJSON
@testable import VMSATables

@Suite struct LayoutTests {
    static let perProcess = """
        { "tablesBase": "0x40100000", "paBits": 48, "ds": false,
          "mair": ["device-nGnRE", "normal-wb", "normal-nc"],
          "ttbr0": { "granule": "64k", "vaBits": 48, "asid": 5 },
          "ttbr1": { "granule": "4k", "vaBits": 48 },
          "mappings": [
            { "va": "0xffff000000000000", "pa": "0x40000000", "size": "0x40000000",
              "attrIndx": 1, "ap": 0, "sh": 3, "af": true, "ng": false, "pxn": false, "uxn": true, "leaf": "auto" },
            { "va": "0x400000", "pa": "0x80000000", "size": "0x20000", "attrIndx": 1, "ap": 3, "ng": true, "pxn": true }
          ],
          "tables": [ { "va": "0x400000", "level": 1, "uxnTable": true } ] }
        """

    static func layout(mappings: String, extra: String = "") -> String {
        """
        { "tablesBase": "0x40100000", "mair": "0x000000000044ff04", \(extra)
          "ttbr0": { "granule": "64k" }, "ttbr1": { "granule": "4k", "vaBits": 39 },
          "mappings": [\(mappings)] }
        """
    }

    @Test func parsesAndBuilds() throws {
        let layout = try Layout.parse(Self.perProcess)
        #expect(layout.configuration.tablesBase == 0x4010_0000)
        #expect(layout.configuration.mair.rawValue == 0x44ff04)
        #expect(layout.configuration.ttbr0 == HalfConfiguration(granule: .k64, vaBits: 48, asid: 5))
        #expect(layout.mappings.count == 2)
        #expect(layout.mappings[1].attributes == MappingAttributes(attrIndx: 1, ap: .readOnly, ng: true, pxn: true))
        #expect(layout.tables == [TableAttributeRequest(va: VirtualAddress(0x40_0000), level: .one, attributes: TableAttributes(uxnTable: true))])
        let image = try TableImage(layout: layout)
        #expect(image.ttbr0.rawValue == 0x0005_0000_4011_0000)
        #expect(entry(image, 0x4011_0000, 0) == Descriptor.Bits.uxnTable.mask | 0x4013_0003)
        let t = try image.translate(VirtualAddress(0x41_0010), access: .read, el: .el0).get()
        #expect(t.pa == PhysicalAddress(0x8001_0010))
        #expect(t.uxn && t.ng && t.ap == .readOnly)
        // Same layout through the builder API gives the same bytes.
        var b = try TableBuilder(layout.configuration)
        for m in layout.mappings { try b.map(m) }
        for t in layout.tables { try b.setTableAttributes(t) }
        #expect(b.image == image)
    }

    @Test func badLayoutsNameTheValue() throws {
        let overlap = Self.layout(mappings: """
            { "va": "0x0", "pa": "0x0", "size": "0x20000" }, { "va": "0x10000", "pa": "0x100000", "size": "0x10000" }
            """)
        #expect(throws: LayoutError.overlap(first: 0, firstRange: 0...0x1_ffff, second: 1, secondRange: 0x1_0000...0x1_ffff)) {
            try TableImage(layout: Layout.parse(overlap))
        }
        let misaligned = Self.layout(mappings: #"{ "va": "0x10000", "pa": "0x1000", "size": "0x10000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .misaligned(name: "pa", value: 0x1000, granule: .k64, ttbr: .ttbr0))) {
            try TableImage(layout: Layout.parse(misaligned))
        }
        let beyond = Self.layout(mappings: #"{ "va": "0xffffff8000000000", "pa": "0x0", "size": "0x8000001000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .vaRangeWraps(va: 0xffff_ff80_0000_0000, size: 0x80_0000_1000))) {
            try TableImage(layout: Layout.parse(beyond))
        }
        // Past the end of the 48-bit TTBR0 range without wrapping.
        let past = Self.layout(mappings: #"{ "va": "0xffffffff0000", "pa": "0x0", "size": "0x20000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .outsideVARanges(va: 0xffff_ffff_0000, size: 0x2_0000,
                                                                       ttbr0: 0...0xffff_ffff_ffff, ttbr1: 0xffff_ff80_0000_0000...UInt64.max))) {
            try TableImage(layout: Layout.parse(past))
        }
        let outside = Self.layout(mappings: #"{ "va": "0xffff000000000000", "pa": "0x0", "size": "0x1000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .outsideVARanges(va: 0xffff_0000_0000_0000, size: 0x1000,
                                                                       ttbr0: 0...0xffff_ffff_ffff, ttbr1: 0xffff_ff80_0000_0000...UInt64.max))) {
            try TableImage(layout: Layout.parse(outside))
        }
        let zero = Self.layout(mappings: #"{ "va": "0x10000", "pa": "0x10000", "size": "0x0" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .sizeZero(va: 0x1_0000))) { try TableImage(layout: Layout.parse(zero)) }
        let wide = Self.layout(mappings: #"{ "va": "0x10000", "pa": "0x10000000000000", "size": "0x10000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .beyondPASize(pa: 0x10_0000_0000_0000, size: 0x1_0000, bits: 48))) {
            try TableImage(layout: Layout.parse(wide))
        }
        let wraps = Self.layout(mappings: #"{ "va": "0x10000", "pa": "0xffffffffffff0000", "size": "0x20000" }"#)
        #expect(throws: LayoutError.mapping(index: 0, .paRangeWraps(pa: 0xffff_ffff_ffff_0000, size: 0x2_0000))) {
            try TableImage(layout: Layout.parse(wraps))
        }
        let fiftyTwoVA = """
            { "tablesBase": "0x40100000", "mair": "0xff", "ttbr0": { "granule": "4k", "vaBits": 52 }, "mappings": [] }
            """
        #expect(throws: LayoutError.configuration(.vmsa(.inputBitsOutOfRange(52, .k4, 25...48)))) { try TableImage(layout: Layout.parse(fiftyTwoVA)) }
        // JSON shape errors name the key.
        do {
            _ = try Layout.parse(Self.layout(mappings: #"{ "va": "0x0", "pa": "0x0", "size": "0x10000", "colour": 1 }"#))
            Issue.record("unknown key accepted")
        } catch {
            #expect(error.description.hasPrefix("mappings[0]: unknown key \"colour\""))
        }
        do {
            _ = try Layout.parse(Self.layout(mappings: #"{ "va": "0x0", "pa": "0x0", "size": "0x10000", "leaf": "huge" }"#))
            Issue.record("bad leaf accepted")
        } catch {
            #expect(error.description == #"mappings[0]: "leaf" is "huge"; expected one of "auto", "pages", "no-contiguous""#)
        }
        do {
            _ = try Layout.parse(#"{ "tablesBase": "0x40100000", "mair": ["normal-wb", "purple"], "ttbr0": { "granule": "4k" } }"#)
            Issue.record("bad mair accepted")
        } catch {
            #expect(error.description.hasPrefix(#"layout: "mair"[1] is "purple"; expected one of device-nGnRnE"#))
        }
        // Descriptions are one sentence naming the value.
        let e = LayoutError.mapping(index: 0, .misaligned(name: "pa", value: 0x1000, granule: .k64, ttbr: .ttbr0))
        #expect(e.description == "mappings[0]: pa 0x1000 is not aligned to the 64 KiB granule of TTBR0_EL1")
    }

    @Test("a layout refuses MAIR bytes the modelled implementation leaves UNPREDICTABLE, FEAT_XS ones included",
          arguments: [
            (#""0x01ff""#, #"layout: "mair" Attr1 0x01 is Device-nGnRnE, XS=0 (FEAT_XS), which vmsa does not model; use 0x00 for Device-nGnRnE"#),
            (#"["normal-wb", "0x40"]"#, #"layout: "mair" Attr1 0x40 is Normal, Inner/Outer Non-cacheable, XS=0 (FEAT_XS), which vmsa does not model; use 0x44 for Normal, Inner/Outer Non-cacheable"#),
            (#""0xa0""#, #"layout: "mair" Attr0 0xa0 is Normal, Inner/Outer Write-Through Non-transient R/no W-allocate, XS=0 (FEAT_XS), which vmsa does not model; use 0xaa for Normal, Inner/Outer Write-Through Non-transient R/no W-allocate"#),
            (#"["0x02"]"#, #"layout: "mair" Attr0 0x02 is an UNPREDICTABLE Device encoding (0b0000dd1x); expected a Device (0b0000dd00) or Normal memory type"#),
            (#""0x1000ff""#, #"layout: "mair" Attr2 0x10 is an UNPREDICTABLE Normal encoding (Inner 0b0000); expected a Device (0b0000dd00) or Normal memory type"#),
          ])
    func reservedMAIRBytes(mair: String, message: String) {
        do {
            _ = try Layout.parse(#"{ "tablesBase": "0x40100000", "mair": "# + mair + #", "ttbr0": { "granule": "4k" }, "mappings": [] }"#)
            Issue.record("\(mair) accepted")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("Tagged Normal (0xf0) and every defined Device and Normal byte stay accepted")
    func definedMAIRBytes() throws {
        let layout = try Layout.parse(#"{ "tablesBase": "0x40100000", "mair": "0x0c080400f0bb44ff", "ttbr0": { "granule": "4k" }, "mappings": [] }"#)
        #expect(layout.configuration.mair.rawValue == 0x0c08_0400_f0bb_44ff)
    }
}
