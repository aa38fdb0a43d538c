import Foundation
import Testing

@Suite("vmsa decode/encode and registers")
struct CodecCLITests {
    @Test("decode names every field and its Linux spelling")
    func decodeText() throws {
        let r = try VMSATool.run(["decode", "0x0068000000000703"])
        #expect(r.status == 0)
        #expect(r.lines[0] == "0x0068000000000703  4K level 3: page")
        #expect(r.stdout.contains("PXN        [53]            1"))
        #expect(r.stdout.contains("PTE_PXN"))
        #expect(r.stdout.contains("0b11  Inner Shareable"))
    }

    @Test("values are hex without 0x too: zero-padded words as oopses, od and devmem print them",
          arguments: [["decode", "0068000000000703"], ["decode", "0068_0000_0000_0703"], ["decode", "0X0068000000000703"]])
    func bareHex(args: [String]) throws {
        let r = try VMSATool.run(args)
        let reference = try VMSATool.run(["decode", "0x0068000000000703"])
        #expect(r.status == 0)
        #expect(r.lines[0] == "0x0068000000000703  4K level 3: page")
        #expect(r.stdout == reference.stdout)
    }

    @Test("every value command reads bare digits as hex")
    func bareHexEverywhere() throws {
        let tcr = try VMSATool.run(["tcr", "decode", "--json", "10"])
        #expect(tcr.stdout.hasPrefix("{\"raw\":\"0x0000000000000010\""))
        let mair = try VMSATool.run(["mair", "decode", "--json", "44"])
        #expect(mair.stdout.hasPrefix("{\"raw\":\"0x0000000000000044\""))
        let ttbr = try VMSATool.run(["ttbr", "decode", "--json", "40000000"])
        #expect(ttbr.stdout.hasPrefix("{\"raw\":\"0x0000000040000000\""))
        let encoded = try VMSATool.run(["encode", "--kind", "page", "--oa", "40000000", "--af"])
        #expect(encoded.lines == ["0x0000000040000403"])
        // Field values are small numbers, decimal unless they say 0x.
        let fields = try VMSATool.run(["tcr", "encode", "--field", "t0sz=16", "--field", "t1sz=0x10"])
        #expect(fields.lines == ["0x0000000000100010"])
    }

    /// Text decode of many values: every line complete, none ending in a
    /// space. (Its cost, once 20-70x `--json` through a Regex trim, is a
    /// benchmark figure, not a timed test.)
    @Test("text decode of many values: whole lines, no trailing spaces")
    func textDecodeOfManyValues() throws {
        let input = String(repeating: "0x0068000000000703\n0x0068000041400fc1\n", count: 2000)
        let text = try VMSATool.run(["decode"], stdin: input)
        #expect(text.status == 1)
        #expect(text.lines.count == 2000 * (15 + 3))
        #expect(!text.lines.contains { $0.hasSuffix(" ") })
    }

    @Test("decode --json has the contract's keys and values")
    func decodeJSON() throws {
        let r = try VMSATool.run(["decode", "--json", "0x0068000000000703"])
        #expect(r.status == 0)
        #expect(r.stdout == """
            {"raw":"0x0068000000000703","granule":"4k","level":3,"ds":false,"paBits":48,"kind":"page",\
            "outputAddress":"0x0000000000000000","attrIndx":0,"ns":false,"ap":0,"sh":3,"af":true,"ng":false,\
            "gp":false,"dbm":true,"contiguous":false,"pxn":true,"uxn":true,"software":0,"pbha":0,\
            "ignored":"0x0000000000000000","res0":"0x0000000000000000","problems":[]}

            """)
    }

    @Test("values come from standard input when no arguments are given")
    func stdinValues() throws {
        let r = try VMSATool.run(["decode", "--json", "--level", "2"], stdin: "0x0068000041400fc1\n\n# comment\n0x3\n")
        #expect(r.lines.count == 2)
        #expect(r.lines[0].contains("\"kind\":\"block\""))
        #expect(r.lines[1].contains("\"kind\":\"table\""))
    }

    @Test("decode --json | encode --json round-trips, problems included",
          arguments: [("4k", "3", false), ("4k", "2", false), ("16k", "2", false), ("64k", "1", false),
                      ("64k", "3", false), ("4k", "-1", true), ("16k", "3", true)])
    func roundTrip(granule: String, level: String, ds: Bool) throws {
        let values = ["0x0068000000000703", "0x0068000041400fc1", "0x0068000041401fc1", "0xffffffffffffffff",
                      "0x0", "0x7", "0x8000000000000001", "0xf800000040100003", "0x00680000f4408fc3",
                      "0x0000000040200705", "0x000000002002f401", "0x0000000020010401"]
        var args = ["decode", "--json", "--granule", granule, "--level", level] + values
        if ds { args.append("--ds") }
        let decoded = try VMSATool.run(args)
        #expect(decoded.status == 0 || decoded.status == 1)
        let encoded = try VMSATool.run(["encode", "--json"], stdin: decoded.stdout)
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(encoded.lines == values.map { v in
            let n = UInt64(v.dropFirst(2), radix: 16)!
            let s = String(n, radix: 16)
            return "{\"raw\":\"0x" + String(repeating: "0", count: 16 - s.count) + s + "\"}"
        })
    }

    @Test("every encode command's --json prints one {\"raw\":…} object per value, and reads its decode's objects back",
          arguments: [
            (["encode"], ["decode", "--json", "0x0068000000000703", "0x3"]),
            (["tcr", "encode"], ["tcr", "decode", "--json", "0x00400034b5503510"]),
            (["mair", "encode"], ["mair", "decode", "--json", "0x000000040044f0ff"]),
            (["ttbr", "encode"], ["ttbr", "decode", "--json", "0x0005000040100000"]),
            (["vtcr", "encode"], ["vtcr", "decode", "--json", "0x80023558"]),
            (["vttbr", "encode"], ["vttbr", "decode", "--json", "0x0005000040100001"]),
            (["hcr", "encode"], ["hcr", "decode", "--json", "0x0000000488000000"]),
          ])
    func encodeJSONPrintsObjects(encode: [String], decode: [String]) throws {
        let decoded = try VMSATool.run(decode)
        #expect(decoded.status == 0, "\(decoded.stderr)")
        let encoded = try VMSATool.run(encode + ["--json"], stdin: decoded.stdout)
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let values = decode.filter { $0.hasPrefix("0x") }.map { v in
            let s = String(UInt64(v.dropFirst(2), radix: 16)!, radix: 16)
            return "0x" + String(repeating: "0", count: 16 - s.count) + s
        }
        #expect(encoded.lines == values.map { #"{"raw":"\#($0)"}"# })
    }

    @Test("encode from options")
    func encodeOptions() throws {
        let r = try VMSATool.run(["encode", "--kind", "page", "--oa", "0x40000000", "--sh", "3", "--af",
                                  "--dbm", "--pxn", "--uxn"])
        #expect(r.status == 0)
        #expect(r.stdout == "0x0068000040000703\n")
        let t = try VMSATool.run(["encode", "--kind", "table", "--level", "0", "--next-table", "0x40101000", "--pxn-table"])
        #expect(t.stdout == "0x0800000040101003\n")
    }

    @Test("encode refuses an architecturally wrong value unless forced")
    func encodeProblems() throws {
        let r = try VMSATool.run(["encode", "--kind", "block", "--level", "0", "--oa", "0x40000000", "--af"])
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: 0x0000000040000401 at level 0 has a problem: a block is not legal at level 0 with the 4K granule, 48-bit PA (use --force to print it anyway)\n")
        let f = try VMSATool.run(["encode", "--force", "--kind", "block", "--level", "0", "--oa", "0x8000000000", "--af"])
        #expect(f.status == 0)
        #expect(f.stdout == "0x0000008000000401\n")
    }

    @Test("bad input: one clear sentence and the contract's exit status",
          arguments: [
            (["decode", "zz"], Int32(65), "vmsa: descriptor \"zz\" is not a 64-bit hex value\n"),
            (["decode", "--level", "5", "0x3"], 64, "vmsa: level 5 does not exist for the 4K granule; expected 0 to 3\n"),
            (["decode", "--granule", "64k", "--level", "0", "0x3"], 64, "vmsa: level 0 does not exist for the 64K granule; expected 1 to 3\n"),
            (["decode", "--granule", "8k", "0x3"], 64, "vmsa: the value '8k' is invalid for '--granule <granule>'; expected one of '4k', '16k' or '64k'\n"),
            (["decode", "--granule", "64k", "--ds", "0x3"], 64, "vmsa: TCR_EL1.DS=1 applies only to the 4K and 16K granules, not 64K\n"),
            (["decode", "--pa-bits", "47", "0x3"], 64, "vmsa: physical address size 47 is not supported; expected one of 32, 36, 40, 42, 44, 48, 52\n"),
            (["decode", "0x10000000000000000"], 65, "vmsa: descriptor \"0x10000000000000000\" is not a 64-bit hex value\n"),
            (["encode", "--attr-indx", "9", "--oa", "0x1000"], 64, "vmsa: --attr-indx 9 is out of range; expected 0 to 7\n"),
            (["encode", "--kind", "page"], 64, "vmsa: a page descriptor needs --oa\n"),
            (["encode", "--kind", "block", "--level", "2", "--oa", "0x40210000"], 65,
             "vmsa: block output address 0x40210000 sets bit 16, which is nT in a block descriptor; expected an address aligned to the block\n"),
            (["encode", "--oa", "0x1800"], 65, "vmsa: output address 0x1800 cannot be encoded with the 4K granule, 48-bit PA: expected a 4 KiB-aligned address below 2^48\n"),
          ])
    func badInput(args: [String], status: Int32, message: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == status)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }

    @Test("decode --linux reads a value as Linux v6.12 means it")
    func decodeLinux() throws {
        func linux(_ value: String) throws -> String {
            let r = try VMSATool.run(["decode", "--linux", "v6.12", value])
            return r.lines.last ?? ""
        }
        // PAGE_READONLY-like user page: young, clean, writable through DBM (PTE_WRITE).
        #expect(try linux("0x0068000041200fc3") == "Linux v6.12  present, PFN 0x41200 (young, write, user)")
        // PROT_NONE: PTE_PRESENT_INVALID (nG with VALID clear), not user, UXN.
        #expect(try linux("0x0040000041200f02") == "Linux v6.12  present, PFN 0x41200 (PROT_NONE, young)")
        #expect(try linux("0x0") == "Linux v6.12  pte_none")
        let swap = try VMSATool.run(["decode", "--linux", "v6.12", "--json", "0x0000000000100040"])
        #expect(swap.stdout.contains(#""linux":{"version":"v6.12","kind":"swap","type":1,"offset":"0x0000000000000100","exclusive":false}"#), "\(swap.stdout)")
        let other = try VMSATool.run(["decode", "--linux", "v5.4", "0x3"])
        #expect(other.status == 64 && other.stderr == "vmsa: --linux v5.4 is not a modelled kernel; expected v6.1, v6.12\n")
    }

    @Test("decode --linux v6.1 reads a value with v6.1's software bits")
    func decodeLinuxV61() throws {
        func linux(_ value: String, _ extra: [String] = []) throws -> String {
            try VMSATool.run(["decode", "--linux", "v6.1"] + extra + [value]).lines.last ?? ""
        }
        // PAGE_NONE: PTE_PROT_NONE (bit 58) with VALID clear; v6.12 would call bit 58 uffd-wp.
        #expect(try linux("0x0460000041200f82") == "Linux v6.1  present, PFN 0x41200 (PROT_NONE, young)")
        #expect(try VMSATool.run(["decode", "--linux", "v6.12", "0x0460000041200f82"]).lines.last
                == "Linux v6.12  present, PFN 0x41200 (PROT_NONE, young, uffd-wp)")
        // Swap type 1, offset 0x100, exclusive: type [7:3], offset [57:8].
        #expect(try linux("0x1000c") == "Linux v6.1  swap entry, type 1, offset 0x100, exclusive")
        #expect(try linux("0x41200f8") == "Linux v6.1  swap-in error entry, PFN 0x41200")
        // PMD_PRESENT_INVALID (bit 59) makes a PMD present, not a PTE.
        #expect(try linux("0x0868000041400fc0", ["--level", "2"]) == "Linux v6.1  present, PFN 0x41400 (present-invalid, young, write, user)")
        let json = try VMSATool.run(["decode", "--linux", "v6.1", "--json", "0x41200f8"])
        #expect(json.stdout.contains(#""linux":{"version":"v6.1","kind":"swapin-error","pfn":"0x0000000000041200"}"#), "\(json.stdout)")
    }

    @Test("a bad value on standard input is named by its line; the values before it are already out")
    func badStandardInputLine() throws {
        let r = try VMSATool.run(["decode", "--json"], stdin: "0x3\n\n# a comment\nzz\n0x3\n")
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: standard input line 4: descriptor \"zz\" is not a 64-bit hex value\n")
        #expect(r.lines.count == 1 && r.lines[0].hasPrefix(#"{"raw":"0x0000000000000003""#))
        let t = try VMSATool.run(["translate", "x.img"], stdin: "0x1000\n")
        #expect(t.status == 66)
    }

    @Test("bad JSON input to encode --json", arguments: [
        ("{\"kind\":\"page\",\"outputAddress\":\"0x1000\",\"colour\":1}", "vmsa: line 1: unknown key \"colour\""),
        ("{\"kind\":\"page\",\"outputAddress\":4096,\"af\":\"yes\"}", "vmsa: line 1: \"af\" is \"yes\"; expected true or false"),
        ("{\"kind\":\"page\"}", "vmsa: line 1: \"outputAddress\" is missing; expected a hex string such as \"0x40000000\""),
        ("{\"kind\":\"leaf\",\"outputAddress\":\"0x1000\"}", "vmsa: line 1: \"kind\" is \"leaf\"; expected one of \"invalid\", \"table\", \"block\", \"page\", \"reserved\""),
        ("{\"kind\":\"page\",\"outputAddress\":\"0x1000\",\"attrIndx\":8}", "vmsa: line 1: \"attrIndx\" is 8; expected an integer from 0 to 7"),
        ("{\"kind\":\"page\",", "vmsa: invalid JSON at line 1, column 16: expected a key string"),
        ("[1,2]", "vmsa: line 1 is an array; expected an object"),
    ])
    func badJSON(line: String, message: String) throws {
        let r = try VMSATool.run(["encode", "--json"], stdin: line + "\n")
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("unknown options are usage errors (64)")
    func usage() throws {
        let r = try VMSATool.run(["decode", "--colour", "0x3"])
        #expect(r.status == 64)
        #expect(r.stderr == "vmsa: unknown option '--colour'\n")
    }

    @Test("a granule in a JSON line that is not one is bad data (65), not a usage error")
    func badGranuleInJSON() throws {
        let r = try VMSATool.run(["encode", "--json"], stdin: #"{"kind":"page","outputAddress":"0x1000","granule":"8k"}"# + "\n")
        #expect(r.status == 65)
        #expect(r.stderr == "vmsa: granule \"8k\" is not one of 4k, 16k, 64k\n")
    }

    @Test("a block's OA is its field [47:n]; the bits below it are RES0, named and reported")
    func blockOutputAddress() throws {
        let r = try VMSATool.run(["decode", "--level", "1", "0x0000000040200705"])
        #expect(r.status == 1)
        #expect(r.lines[0] == "0x0000000040200705  4K level 1: block")
        #expect(r.lines[1] == "  OA         [47:30]         0x0000040000000  (1 GiB block)          __pte_to_phys")
        #expect(r.lines.suffix(2) == ["  RES0                       0x200000", "  problem: RES0 bits set: 0x200000"])
        let l2 = try VMSATool.run(["decode", "--level", "2", "0x0068000041400fc1"])
        #expect(l2.lines[1] == "  OA         [47:21]         0x0000041400000  (2 MiB block)          __pte_to_phys")
        let page = try VMSATool.run(["decode", "0x0068000000000703"])
        #expect(page.lines[1] == "  OA         [47:12]         0x0000000000000  (4 KiB page)           __pte_to_phys")
        let json = try VMSATool.run(["decode", "--json", "--level", "1", "0x0000000040200705"])
        #expect(json.stdout.contains(#""outputAddress":"0x0000000040000000""#))
        #expect(json.stdout.contains(#""res0":"0x0000000000200000","problems":["RES0 bits set: 0x200000"]"#))
    }

    @Test("the 52-bit high OA bits are named where they sit")
    func highOutputAddressBits() throws {
        let r = try VMSATool.run(["decode", "--granule", "64k", "--pa-bits", "52", "0x000000004000f703"])
        #expect(r.status == 0)
        #expect(r.lines[1] == "  OA         [47:16]            0xf000040000000  (64 KiB page)          __pte_to_phys")
        #expect(r.lines[2] == "  OA         [51:48] in [15:12] 0b1111")
        let ds = try VMSATool.run(["decode", "--ds", "--level", "2", "0x0000000040200301"])
        #expect(ds.lines[1] == "  OA         [49:21]          0xc000040200000  (2 MiB block)          __pte_to_phys")
        #expect(ds.lines[2] == "  OA         [51:50] in [9:8] 0b11")
    }

    @Test("mair decode names the FEAT_XS encodings (XS=0) instead of calling them reserved")
    func mairXS() throws {
        let r = try VMSATool.run(["mair", "decode", "0x02f0a04001050d09"])
        #expect(r.status == 0)
        #expect(r.lines == [
            "MAIR_EL1 = 0x02f0a04001050d09",
            "  Attr0 [7:0]   0x09                 Device-nGRE, XS=0 (FEAT_XS)  (MT_NORMAL)",
            "  Attr1 [15:8]  0x0d                 Device-GRE, XS=0 (FEAT_XS)  (MT_NORMAL_TAGGED)",
            "  Attr2 [23:16] 0x05                 Device-nGnRE, XS=0 (FEAT_XS)  (MT_NORMAL_NC)",
            "  Attr3 [31:24] 0x01                 Device-nGnRnE, XS=0 (FEAT_XS)  (MT_DEVICE_nGnRnE)",
            "  Attr4 [39:32] 0x40                 Normal, Inner/Outer Non-cacheable, XS=0 (FEAT_XS)  (MT_DEVICE_nGnRE)",
            "  Attr5 [47:40] 0xa0                 Normal, Inner/Outer Write-Through Non-transient R/no W-allocate, XS=0 (FEAT_XS)",
            "  Attr6 [55:48] 0xf0  normal-tagged  Normal, Tagged (FEAT_MTE2), Inner/Outer Write-Back Non-transient R/W-allocate",
            "  Attr7 [63:56] 0x02                 UNPREDICTABLE Device encoding (0b0000dd1x)",
        ])
    }

    @Test("mair decode names Linux's memory types by AttrIndx: index 1 is MT_NORMAL_TAGGED")
    func mairLinuxNames() throws {
        let r = try VMSATool.run(["mair", "decode", "0x000000040044ffff"])
        #expect(r.status == 0)
        #expect(r.lines[2] == "  Attr1 [15:8]  0xff  normal-wb      Normal, Inner/Outer Write-Back Non-transient R/W-allocate  (MT_NORMAL_TAGGED)")
        #expect(r.lines[6] == "  Attr5 [47:40] 0x00  device-nGnRnE  Device-nGnRnE")
    }

    @Test("tcr decode --json of a Linux TCR_EL1, and encode --json back")
    func tcr() throws {
        let r = try VMSATool.run(["tcr", "decode", "--json", "0x00400034b5503510"])
        #expect(r.status == 0)
        for fragment in ["\"t0sz\":16", "\"tg0\":0", "\"tg1\":2", "\"ips\":4", "\"as\":true", "\"tbi0\":true",
                         "\"a1\":true", "\"nfd1\":true", "\"granule0\":\"4k\"", "\"granule1\":\"4k\"", "\"paBits\":44",
                         "\"ttbr1Range\":[\"0xffff000000000000\",\"0xffffffffffffffff\"]", "\"problems\":[]"] {
            #expect(r.stdout.contains(fragment), "\(fragment)")
        }
        let back = try VMSATool.run(["tcr", "encode", "--json"], stdin: r.stdout)
        #expect(back.stdout == "{\"raw\":\"0x00400034b5503510\"}\n", "\(back.stderr)")
        let text = try VMSATool.run(["tcr", "decode", "0x00400034b5503510"])
        #expect(text.stdout.contains("TTBR0_EL1: 4K granule, 48-bit VA 0x0000000000000000-0x0000ffffffffffff, start at level 0, 44-bit output, walks enabled"))
    }

    @Test("tcr decode gives each half its output size: IPS=52 is 48 bits with 4K/16K unless DS=1, 52 with 64K",
          arguments: [("0x0000000680104010", 52, 48), ("0x0800000680104010", 52, 52), ("0x0000000680108010", 48, 48),
                      ("0x00000005c0104010", 48, 48)])
    func tcrOutputBits(raw: String, bits0: Int, bits1: Int) throws {
        let r = try VMSATool.run(["tcr", "decode", "--json", raw])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"outputBits0\":\(bits0),"))
        #expect(r.stdout.contains("\"outputBits1\":\(bits1),"))
        let text = try VMSATool.run(["tcr", "decode", raw])
        #expect(text.lines.filter { $0.hasPrefix("  TTBR") }.map { $0.contains("-bit output") ? String($0.split(separator: ", ")[3]) : "" }
                == ["\(bits0)-bit output", "\(bits1)-bit output"])
        // encode --json accepts the derived keys back.
        let back = try VMSATool.run(["tcr", "encode", "--json"], stdin: r.stdout)
        #expect(back.stdout == "{\"raw\":\"\(raw)\"}\n", "\(back.stderr)")
    }

    @Test("tcr decode: set RES0 bits are problems, and problems exit 1",
          arguments: [(6, "0x40"), (35, "0x800000000"), (62, "0x4000000000000000"), (63, "0x8000000000000000")])
    func tcrRES0(bit: Int, mask: String) throws {
        let raw = 0x0000_0005_b510_3510 | (UInt64(1) << UInt64(bit))
        let hex = "0x" + String(repeating: "0", count: 16 - String(raw, radix: 16).count) + String(raw, radix: 16)
        let r = try VMSATool.run(["tcr", "decode", "--json", hex])
        #expect(r.status == 1)
        #expect(r.stdout.hasSuffix("\"problems\":[\"RES0 bits set: \(mask)\"]}\n"))
        #expect(r.stderr == "vmsa: some TCR_EL1 values have problems (see \"problems\")\n")
        let text = try VMSATool.run(["tcr", "decode", hex])
        #expect(text.status == 1)
        #expect(text.lines.last == "  problem: RES0 bits set: \(mask)")
    }

    @Test("tcr decode: T1SZ=0 is a 64-bit input size no granule supports, not a range from 0 starting at level -2")
    func tcrT1SZZero() throws {
        let r = try VMSATool.run(["tcr", "decode", "0x0000000580000010"])
        #expect(r.status == 1)
        #expect(r.lines.contains("  TTBR1_EL1: 4K granule, T1SZ=0 out of range (no VA range), 48-bit output, walks enabled"))
        #expect(r.lines.last == "  problem: T1SZ=0 gives a 64-bit input range, which the 4K granule does not support (expected 25 to 48 bits): every access faults at level 0")
        #expect(!r.stdout.contains("level -"))
        let j = try VMSATool.run(["tcr", "decode", "--json", "0x0000000580000010"])
        #expect(j.status == 1)
        #expect(j.stdout.contains("\"vaBits1\":64,\"ttbr1Range\":null,"))
    }

    @Test("geometry: a 52-bit PA gives 48-bit output with 4K/16K unless --ds",
          arguments: [(["--granule", "4k"], "4K granule, 48-bit VA (T0SZ/T1SZ = 16), 52-bit PA, 48-bit output: start at level 0"),
                      (["--granule", "16k"], "16K granule, 48-bit VA (T0SZ/T1SZ = 16), 52-bit PA, 48-bit output: start at level 0"),
                      (["--granule", "64k"], "64K granule, 48-bit VA (T0SZ/T1SZ = 16), 52-bit PA, 52-bit output: start at level 1"),
                      (["--granule", "4k", "--ds"], "4K granule, 48-bit VA (T0SZ/T1SZ = 16), 52-bit PA, 52-bit output, DS=1: start at level 0")])
    func geometryOutputBits(options: [String], first: String) throws {
        let r = try VMSATool.run(["geometry", "--pa-bits", "52"] + options)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.first == first)
        let bits = first.contains("52-bit output") ? 52 : 48
        let j = try VMSATool.run(["geometry", "--pa-bits", "52", "--json"] + options)
        #expect(j.lines.allSatisfy { $0.contains("\"paBits\":52,\"outputBits\":\(bits),") })
    }

    @Test("tcr encode: per-process page size, TTBR0 64K and TTBR1 4K")
    func tcrEncode() throws {
        let r = try VMSATool.run(["tcr", "encode", "--tg0", "64k", "--tg1", "4k", "--va-bits0", "48", "--va-bits1", "48",
                                  "--pa-bits", "48", "--field", "sh0=3", "--field", "sh1=3"])
        #expect(r.status == 0)
        #expect(r.stdout == "0x00000005b0107010\n")
        let d = try VMSATool.run(["tcr", "decode", "--json", "0x00000005b0107010"])
        #expect(d.stdout.contains("\"granule0\":\"64k\"") && d.stdout.contains("\"granule1\":\"4k\""))
        let lie = d.stdout.replacingOccurrences(of: "\"granule0\":\"64k\"", with: "\"granule0\":\"16k\"")
        let bad = try VMSATool.run(["tcr", "encode", "--json"], stdin: lie)
        #expect(bad.status == 65)
        #expect(bad.stderr == "vmsa: line 1: \"granule0\" \"16k\" disagrees with the fields, which give \"64k\"\n")
    }

    @Test("mair encode from names and decode back")
    func mair() throws {
        let r = try VMSATool.run(["mair", "encode", "normal-wb", "normal-tagged", "normal-nc", "device-nGnRnE", "device-nGnRE"])
        #expect(r.stdout == "0x000000040044f0ff\n")
        let d = try VMSATool.run(["mair", "decode", "--json", "0x000000040044f0ff"])
        let back = try VMSATool.run(["mair", "encode", "--json"], stdin: d.stdout)
        #expect(back.stdout == "{\"raw\":\"0x000000040044f0ff\"}\n")
        let bad = try VMSATool.run(["mair", "encode", "normal-fast"])
        #expect(bad.status == 65)
    }

    @Test("ttbr encode with a 52-bit base")
    func ttbr() throws {
        let r = try VMSATool.run(["ttbr", "encode", "--baddr", "0xa000040100000", "--asid", "5", "--pa52"])
        #expect(r.stdout == "0x0005000040100028\n")
        let d = try VMSATool.run(["ttbr", "decode", "--json", "--pa52", "0x0005000040100028"])
        #expect(d.stdout == "{\"raw\":\"0x0005000040100028\",\"baddr\":\"0x000a000040100000\",\"asid\":5,\"cnp\":false,\"pa52\":true}\n")
        let bad = try VMSATool.run(["ttbr", "encode", "--baddr", "0x40100010", "--pa52"])
        #expect(bad.status == 65)
    }

    @Test("geometry of the 64K granule with a 48-bit VA: 4 TiB level-1 blocks are legal with PAMax 52")
    func geometry() throws {
        let r = try VMSATool.run(["geometry", "--granule", "64k", "--va-bits", "48", "--json"])
        #expect(r.lines == [
            #"{"granule":"64k","vaBits":48,"paBits":48,"outputBits":48,"level":1,"start":true,"indexMsb":47,"indexLsb":42,"entries":64,"tableBytes":512,"entrySize":"0x0000040000000000","leaf":"block","contiguousEntries":null,"contiguousSize":null}"#,
            #"{"granule":"64k","vaBits":48,"paBits":48,"outputBits":48,"level":2,"start":false,"indexMsb":41,"indexLsb":29,"entries":8192,"tableBytes":65536,"entrySize":"0x0000000020000000","leaf":"block","contiguousEntries":32,"contiguousSize":"0x0000000400000000"}"#,
            #"{"granule":"64k","vaBits":48,"paBits":48,"outputBits":48,"level":3,"start":false,"indexMsb":28,"indexLsb":16,"entries":8192,"tableBytes":65536,"entrySize":"0x0000000000010000","leaf":"page","contiguousEntries":32,"contiguousSize":"0x0000000000200000"}"#,
        ])
    }

    @Test("bench runs both implementations and they agree")
    func bench() throws {
        let r = try VMSATool.run(["bench", "--json", "--scale", "1000", "--repeat", "1", "--filter", "code"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == 2)
        #expect(r.lines[0].hasPrefix("{\"name\":\"encode\",\"unit\":\"descriptor\",\"swift\":"))
        #expect(r.lines[1].hasPrefix("{\"name\":\"decode\",\"unit\":\"descriptor\",\"swift\":"))
    }
}
