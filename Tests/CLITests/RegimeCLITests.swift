import Foundation
import Testing

/// `--regime` on decode, encode, geometry and tcr; the vtcr, vttbr and hcr
/// commands (golden values from Linux/KVM, see VMSATests).
@Suite("vmsa regimes: stage 2, EL2, EL3")
struct RegimeCLITests {
    static func hex(_ v: String) -> String {
        let s = String(UInt64(v.dropFirst(2), radix: 16)!, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - s.count) + s
    }

    /// What `encode --json` prints for a value: one object, its "raw".
    static func rawObject(_ v: String) -> String { "{\"raw\":\"\(hex(v))\"}" }

    @Test("decode --regime s2 names the stage-2 fields as KVM does")
    func stage2Text() throws {
        let r = try VMSATool.run(["decode", "--regime", "s2", "0x400007ff"])
        #expect(r.status == 0)
        #expect(r.lines[0] == "0x00000000400007ff  4K level 3: page, stage 2")
        #expect(r.stdout.contains("MemAttr    [5:2]           0b1111  Normal, Inner/Outer Write-Back  KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR"))
        #expect(r.stdout.contains("S2AP       [7:6]           0b11  read/write                        S2AP_R=1 S2AP_W=1"))
        let fwb = try VMSATool.run(["decode", "--regime", "s2", "--fwb", "0x400007db"])
        #expect(fwb.stdout.contains("0b0110  Normal Write-Back, forced (stage 1 cacheability replaced)"))
    }

    @Test("decode --json --regime s2 has the DESIGN keys")
    func stage2JSON() throws {
        let r = try VMSATool.run(["decode", "--json", "--regime", "s2", "--xnx", "0x00600000400007c7"])
        #expect(r.status == 0)
        #expect(r.stdout == #"{"raw":"0x00600000400007c7","granule":"4k","level":3,"ds":false,"paBits":48,"kind":"page","regime":"s2","fwb":false,"xnx":true,"outputAddress":"0x0000000040000000","memAttr":1,"s2ap":3,"sh":3,"af":true,"dbm":false,"contiguous":false,"xn":3,"software":0,"pbha":0,"ignored":"0x0000000000000000","res0":"0x0000000000000000","problems":[]}"# + "\n")
    }

    @Test("EL2/EL3 leaves: one xn, no ng/pxn/uxn; problems for RES0 and RES1")
    func singleEL() throws {
        let ok = try VMSATool.run(["decode", "--json", "--regime", "el2", "0x0040000040000743"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains(#""ap":1,"sh":3,"af":true,"gp":false,"dbm":false,"contiguous":false,"xn":true,"#))
        #expect(!ok.stdout.contains("\"ng\"") && !ok.stdout.contains("\"pxn\"") && !ok.stdout.contains("\"uxn\""))
        let bad = try VMSATool.run(["decode", "--regime", "el3", "0x0020000040000f03"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("  problem: nG [11] is set, but it is RES0 in the EL3 translation regime"))
        #expect(bad.stdout.contains("  problem: PXN [53] is set, but it is RES0 in the EL3 translation regime"))
        #expect(bad.stdout.contains("  problem: AP[1] [6] is clear, but it is RES1 in the EL3 translation regime"))
        #expect(try VMSATool.run(["decode", "--regime", "el20", "0x0020000040000f03"]).status == 0)
    }

    @Test("decode --json | encode --json round-trips in every regime, problems included",
          arguments: [("el10", "3"), ("el20", "2"), ("el2", "3"), ("el2", "1"), ("el3", "2"), ("s2", "3"), ("s2", "1")])
    func roundTrip(regime: String, level: String) throws {
        let values = ["0x400007ff", "0x00600000400007c7", "0x0020000040000f43", "0xffffffffffffffff", "0x0",
                      "0x3800000040000003", "0x8000000040000003", "0x00000000400007fd", "0x0040000040000743"]
        for extra in [[], ["--fwb"], ["--xnx"]] where regime == "s2" || extra.isEmpty {
            let decoded = try VMSATool.run(["decode", "--json", "--regime", regime, "--level", level] + extra + values)
            #expect(decoded.status == 0 || decoded.status == 1)
            let encoded = try VMSATool.run(["encode", "--json"], stdin: decoded.stdout)
            #expect(encoded.status == 0, "\(encoded.stderr)")
            #expect(encoded.lines == values.map(Self.rawObject))
        }
    }

    @Test("encode from options per regime")
    func encodeOptions() throws {
        let s2 = try VMSATool.run(["encode", "--regime", "s2", "--oa", "0x40000000", "--mem-attr", "15", "--s2ap", "3", "--sh", "3", "--af"])
        #expect(s2.stdout == "0x00000000400007ff\n")
        let hyp = try VMSATool.run(["encode", "--regime", "el2", "--oa", "0x40000000", "--ap", "1", "--sh", "3", "--af", "--xn", "1"])
        #expect(hyp.stdout == "0x0040000040000743\n")
    }

    @Test("regime errors: one sentence, usage 64 or data 65",
          arguments: [
            (["encode", "--regime", "s2", "--oa", "0x40000000", "--ap", "1"], Int32(64),
             "vmsa: --ap sets a stage-1 field; stage-2 descriptors have --mem-attr, --s2ap, --sh, --af, --xn, --dbm, --contiguous, --software\n"),
            (["encode", "--regime", "el3", "--oa", "0x40000000", "--ng"], 64,
             "vmsa: --ng does not apply in the EL3 translation regime: it has one Exception level (nG, PXN and PXNTable are RES0; bit 54 is --xn)\n"),
            (["encode", "--oa", "0x40000000", "--mem-attr", "1"], 64, "vmsa: --mem-attr sets a stage-2 field; it applies only with --regime s2\n"),
            (["encode", "--regime", "el2", "--oa", "0x40000000", "--af"], 65,
             "vmsa: 0x0000000040000403 at level 3 has a problem: AP[1] [6] is clear, but it is RES1 in the EL2 translation regime (use --force to print it anyway)\n"),
            (["encode", "--regime", "s2", "--oa", "0x40000000", "--xn", "4"], 64, "vmsa: --xn 4 is out of range; expected 0 to 3\n"),
            (["decode", "--fwb", "0x3"], 64, "vmsa: --fwb applies only to stage-2 descriptors (--regime s2), not to the EL1&0 translation regime\n"),
            (["decode", "--regime", "s2", "--linux", "v6.12", "0x3"], 64, "vmsa: --linux reads EL1&0 descriptors; it does not apply with --regime s2\n"),
            (["geometry", "--regime", "s2", "--t0sz", "24", "--sl0", "0"], 64,
             "vmsa: VTCR_EL2.T0SZ=24 (40-bit IPA) does not fit a 4K walk starting at level 2; expected 22 to 34 bits (1 to 16 concatenated tables)\n"),
            (["geometry", "--regime", "s2", "--granule", "64k", "--t0sz", "16", "--sl0", "3"], 64,
             "vmsa: VTCR_EL2.SL0=3 with the 64K granule is reserved\n"),
            (["geometry", "--regime", "s2", "--t0sz", "24"], 64, "vmsa: --regime s2 needs --t0sz and --sl0 (VTCR_EL2.T0SZ and SL0)\n"),
            (["geometry", "--sl0", "1"], 64, "vmsa: --sl0 is a VTCR_EL2 field; it applies only with --regime s2\n"),
            (["tcr", "decode", "--regime", "s2", "0x0"], 64, "vmsa: --regime s2 has no TCR: stage 2 is controlled by VTCR_EL2 (vmsa vtcr)\n"),
            (["vttbr", "encode", "--baddr", "0x40000000", "--vmid", "256"], 64,
             "vmsa: --vmid 256 is out of range; expected 0 to 255 (8-bit VMIDs; --vs for 16-bit)\n"),
            (["vtcr", "decode", "zz"], 65, "vmsa: VTCR_EL2 value \"zz\" is not a 64-bit hex value\n"),
          ])
    func errors(args: [String], status: Int32, message: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == status)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }

    @Test("geometry --regime s2: Linux's 40-bit IPA 4K guest starts at level 1 with 2 concatenated tables")
    func geometry() throws {
        let r = try VMSATool.run(["geometry", "--regime", "s2", "--t0sz", "24", "--sl0", "1"])
        #expect(r.status == 0)
        #expect(r.lines == [
            "4K granule, stage 2, 40-bit IPA (T0SZ = 24), SL0=1, 48-bit PA, 48-bit output: start at level 1, 2 concatenated tables",
            "level  IPA bits  entries  entry size  block  contiguous run",
            "  1    [39:30]   1024     1 GiB       yes    -",
            "  2    [29:21]   512      2 MiB       yes    16 x 2 MiB = 32 MiB",
            "  3    [20:12]   512      4 KiB       page   16 x 4 KiB = 64 KiB",
        ])
        let j = try VMSATool.run(["geometry", "--regime", "s2", "--granule", "16k", "--t0sz", "24", "--sl0", "1", "--json"])
        #expect(j.lines.first?.contains(#""level":2,"start":true,"indexMsb":39,"indexLsb":25,"entries":32768"#) == true)
        #expect(j.lines.first?.hasSuffix(#""regime":"s2","concatenatedTables":16}"#) == true)
    }

    @Test("vtcr, vttbr, hcr and tcr --regime el2|el3: decode --json | encode --json round-trips")
    func registerRoundTrips() throws {
        let cases: [([String], [String])] = [
            (["vtcr"], ["0x80023558", "0x0", "0xffffffffffffffff"]),
            (["vttbr"], ["0x0005000040100001"]),
            (["vttbr", "--vs"], ["0x0105000040100001", "0xffff00000000fffd"]),
            (["hcr"], ["0x0000000488000000", "0xffffffffffffffff"]),
            (["tcr", "--regime", "el2"], ["0x80853510", "0x0", "0xffffffffffffffff"]),
            (["tcr", "--regime", "el3"], ["0x80853510", "0x0"]),
        ]
        for (command, values) in cases {
            let decodeArgs = [command[0], "decode", "--json"] + command.dropFirst() + values
            let decoded = try VMSATool.run(decodeArgs)
            #expect(decoded.status == 0 || decoded.status == 1, "\(decoded.stderr)")
            let encodeArgs = [command[0], "encode", "--json"] + (command[0] == "tcr" ? Array(command.dropFirst()) : [])
            let encoded = try VMSATool.run(encodeArgs, stdin: decoded.stdout)
            #expect(encoded.status == 0, "\(command): \(encoded.stderr)")
            #expect(encoded.lines == values.map(Self.rawObject), "\(command)")
        }
    }

    @Test("vtcr decode: Linux's 40-bit IPA 4K VTCR_EL2 and an illegal SL0")
    func vtcr() throws {
        let r = try VMSATool.run(["vtcr", "decode", "0x80023558"])
        #expect(r.status == 0)
        #expect(r.lines.last == "  stage 2: 4K granule, 40-bit IPA, 40-bit PA (PS), start at level 1, 2 concatenated tables, 8-bit VMID")
        let bad = try VMSATool.run(["vtcr", "decode", "--json", "0x80023518"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains(#""startLevel":null,"concatenatedTables":null,"problems":["VTCR_EL2.T0SZ=24 (40-bit IPA) does not fit a 4K walk starting at level 2; expected 22 to 34 bits (1 to 16 concatenated tables)"]"#))
        let enc = try VMSATool.run(["vtcr", "encode", "--field", "t0sz=24", "--field", "sl0=1", "--field", "ps=2",
                                    "--field", "sh0=3", "--field", "irgn0=1", "--field", "orgn0=1"])
        #expect(enc.stdout == "0x0000000080023558\n")
    }

    @Test("vttbr: VMID 8- or 16-bit; hcr names the regime")
    func vttbrAndHCR() throws {
        let v = try VMSATool.run(["vttbr", "decode", "0x0105000040100001"])
        #expect(v.status == 1)
        #expect(v.stdout.contains("  VMID   [55:48]  5 (8-bit, VTCR_EL2.VS=0)"))
        #expect(v.stdout.contains("  problem: VMID[15:8] [63:56] is set, but it is RES0 with VTCR_EL2.VS=0 (8-bit VMIDs)"))
        let e = try VMSATool.run(["vttbr", "encode", "--vs", "--baddr", "0x40100000", "--vmid", "261", "--cnp"])
        #expect(e.stdout == "0x0105000040100001\n")
        let h = try VMSATool.run(["hcr", "decode", "0x0000000488000000"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("  EL2 runs in the EL2&0 translation regime; EL0 too (TGE=1)"))
        let hj = try VMSATool.run(["hcr", "decode", "--json", "0x1"])
        #expect(hj.stdout.contains(#""vm":true"#) && hj.stdout.contains(#""other":"0x0000000000000000","el2Regime":"el2""#))
    }

    @Test("tcr --regime el2: TCR_EL2 without VHE, RES1 bits 31 and 23")
    func tcrEL2() throws {
        let r = try VMSATool.run(["tcr", "decode", "--regime", "el2", "0x80853510"])
        #expect(r.status == 0)
        #expect(r.lines[0] == "TCR_EL2 = 0x0000000080853510")
        #expect(r.stdout.contains("  RES1 bits 0x80800000: set"))
        let clear = try VMSATool.run(["tcr", "decode", "--regime", "el3", "0x53510"])
        #expect(clear.status == 1)
        #expect(clear.stdout.contains("  problem: RES1 bits clear: 0x80800000"))
        let e = try VMSATool.run(["tcr", "encode", "--regime", "el2", "--field", "t0sz=16", "--field", "ps=5"])
        #expect(e.stdout == "0x0000000080850010\n")
        // The TCR_EL1 layout is unchanged without --regime.
        #expect(try VMSATool.run(["tcr", "decode", "0x00400034b5503510"]).lines[0] == "TCR_EL1 = 0x00400034b5503510")
    }
}
