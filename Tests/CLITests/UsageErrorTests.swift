import Foundation
import Testing

/// Every mistake on the command line, whether argument-parser or the command
/// finds it, is one line `vmsa: …` on standard error and exit 64 (EX_USAGE).
@Suite("Usage errors: one line, exit 64")
struct UsageErrorTests {
    @Test("bad option values, missing arguments and unknown options", arguments: [
        (["decode", "--granule", "8k", "0x3"],
         "vmsa: the value '8k' is invalid for '--granule <granule>'; expected one of '4k', '16k' or '64k'\n"),
        (["replay", "--granule", "8k", "trace.jsonl"],
         "vmsa: the value '8k' is invalid for '--granule <granule>'; expected one of '16k' and '64k'\n"),
        (["replay", "--granule", "4k", "trace.jsonl"],
         "vmsa: the value '4k' is invalid for '--granule <granule>'; expected one of '16k' and '64k'\n"),
        (["replay", "--native", "4k", "trace.jsonl"],
         "vmsa: the value '4k' is invalid for '--native', the old spelling of --granule; expected one of 16k, 64k\n"),
        (["translate", "IMG", "0x0", "--el", "4"],
         "vmsa: the value '4' is invalid for '--el <el>'; expected one of '0', '1', '2' or '3'\n"),
        (["translate", "IMG", "0x0", "--access", "rw"],
         "vmsa: the value 'rw' is invalid for '--access <access>'; expected one of 'r', 'w' or 'x'\n"),
        (["dump", "IMG", "--ttbr", "2"],
         "vmsa: the value '2' is invalid for '--ttbr <ttbr>'; expected one of '0' and '1'\n"),
        (["dump", "IMG", "--format", "svg"],
         "vmsa: the value 'svg' is invalid for '--format <format>'; expected one of tree, ptdump, json, dot, raw, registers\n"),
        (["encode", "--kind", "leaf", "--oa", "0x1000"],
         "vmsa: the value 'leaf' is invalid for '--kind <kind>'; expected one of 'invalid', 'table', 'block', 'page' or 'reserved'\n"),
        (["tcr", "encode", "--tg1", "8k"],
         "vmsa: the value '8k' is invalid for '--tg1 <tg1>'; expected one of '4k', '16k' or '64k'\n"),
        (["tcr", "encode", "--pa-bits", "47"],
         "vmsa: physical address size 47 is not supported; expected one of 32, 36, 40, 42, 44, 48, 52\n"),
        (["geometry", "--granule", "64k", "--ds"],
         "vmsa: TCR_EL1.DS=1 applies only to the 4K and 16K granules, not 64K\n"),
        (["geometry", "--va-bits", "60"],
         "vmsa: a 60-bit virtual address range is not supported by the 4K granule; expected 25 to 48 bits\n"),
        (["conform", "--probes", "0"], "vmsa: --probes 0 is not a positive count\n"),
        // Options that do not apply or conflict are refused, never dropped.
        (["encode", "--kind", "page", "--oa", "0x1000", "--next-table", "0x2000"],
         "vmsa: --next-table does not apply to a page descriptor; it sets a field of table descriptors\n"),
        (["encode", "--kind", "block", "--level", "2", "--oa", "0x200000", "--pxn-table"],
         "vmsa: --pxn-table does not apply to a block descriptor; it sets a field of table descriptors\n"),
        (["encode", "--kind", "table", "--level", "2", "--next-table", "0x2000", "--af"],
         "vmsa: --af does not apply to a table descriptor; it sets a field of block and page descriptors\n"),
        (["encode", "--kind", "table", "--level", "2", "--next-table", "0x2000", "--sh", "3"],
         "vmsa: --sh does not apply to a table descriptor; it sets a field of block and page descriptors\n"),
        (["encode", "--kind", "invalid", "--oa", "0x1000"],
         "vmsa: --oa does not apply to an invalid descriptor; it sets a field of block and page descriptors\n"),
        (["encode", "--oa", "0x1000", "--nt"],
         "vmsa: --nt does not apply to a page descriptor: nT [16] exists only in block descriptors\n"),
        (["encode", "--ds", "--oa", "0x1000", "--sh", "3"],
         "vmsa: --sh does not apply with --ds: bits [9:8] hold OA[51:50] and shareability comes from TCR_EL1.SHx\n"),
        (["encode", "--json", "--granule", "64k"],
         "vmsa: --granule does not apply with --json: each JSON line carries its own kind, fields and format\n"),
        (["encode", "--json", "--level", "2"],
         "vmsa: --level does not apply with --json: each JSON line carries its own kind, fields and format\n"),
        (["encode", "--json", "--af"],
         "vmsa: --af does not apply with --json: each JSON line carries its own kind, fields and format\n"),
        (["tcr", "encode", "--tg0", "4k", "--field", "tg0=1"], "vmsa: --field tg0=1 conflicts with --tg0: both set TG0\n"),
        (["tcr", "encode", "--va-bits1", "48", "--field", "t1sz=17"], "vmsa: --field t1sz=17 conflicts with --va-bits1: both set T1SZ\n"),
        (["tcr", "encode", "--field", "ips=5", "--pa-bits", "48"], "vmsa: --field ips=5 conflicts with --pa-bits: both set IPS\n"),
        (["tcr", "encode", "--field", "sh0=3", "--field", "SH0=2"], "vmsa: --field SH0=2 conflicts with --field sh0=3: both set SH0\n"),
        (["tcr", "encode", "--json", "--tg0", "4k"], "vmsa: --tg0 does not apply with --json: each JSON line carries its own fields\n"),
        (["build"], "vmsa: missing expected argument '<layout>'\n"),
        (["decode", "--level"], "vmsa: missing value for '--level <level>'\n"),
        (["translate", "--colour", "IMG"], "vmsa: unknown option '--colour'\n"),
        (["frobnicate"], "vmsa: unexpected argument 'frobnicate'\n"),
        (["help", "tcr", "bogus"], "vmsa: help: 'bogus' is not a command of tcr; expected one of decode, encode\n"),
        (["help", "frobnicate"],
         "vmsa: help: 'frobnicate' is not a command of vmsa; expected one of decode, encode, geometry, tcr, mair, ttbr, vtcr, vttbr, hcr, build, convert, capture, import, dump, translate, diff, conform, bench, replay, trace, report\n"),
        // argument-parser's second sentence joins the first.
        (["decode", "--levl", "3", "0x3"], "vmsa: unknown option '--levl'; did you mean '--level'?\n"),
        (["ttbr", "encode", "--frob"], "vmsa: unknown option '--frob'; did you mean '--json'?\n"),
        (["mair", "encode", "--attr"], "vmsa: unknown option '--attr'\n"),
        (["tcr", "decode", "--bogus"], "vmsa: unknown option '--bogus'\n"),
        (["capture"], "vmsa: missing expected argument '--output <output>'\n"),
        (["replay"], "vmsa: missing expected argument '<trace>'\n"),
        (["conform", "--seed"], "vmsa: missing value for '--seed <seed>'\n"),
        (["geometry", "--va-bits", "x"], "vmsa: the value 'x' is invalid for '--va-bits <va-bits>'; expected a decimal integer\n"),
        // Options a format or mode does not read are refused, never dropped.
        (["dump", "IMG", "--merge"],
         "vmsa: --merge applies only to the JSON walk (--format json, or --json with tree or ptdump), not --format tree\n"),
        (["dump", "IMG", "--format", "dot", "--merge"],
         "vmsa: --merge applies only to the JSON walk (--format json, or --json with tree or ptdump), not --format dot\n"),
        (["dump", "IMG", "--format", "registers", "--ttbr", "1"], "vmsa: --ttbr 1 does not apply to --format registers, which covers both halves\n"),
        (["dump", "IMG", "--format", "raw", "-o", "x", "--ttbr", "0"], "vmsa: --ttbr 0 does not apply to --format raw, which covers both halves\n"),
        (["conform", "--image", "IMG", "--only", "4k"], "vmsa: --only does not apply with --image: it selects and runs the matrix's configurations\n"),
        (["conform", "--image", "IMG", "--jobs", "2"], "vmsa: --jobs does not apply with --image: it selects and runs the matrix's configurations\n"),
        (["conform", "--gdb", "h:1", "--qmp", "q", "--jobs", "2"],
         "vmsa: --jobs does not apply with --gdb: a live guest is checked against QEMU's own walker, not the probes\n"),
        (["conform", "--gdb", "h:1", "--qmp", "q", "--probe-dir", "p"],
         "vmsa: --probe-dir does not apply with --gdb: a live guest is checked against QEMU's own walker, not the probes\n"),
        (["ttbr", "encode", "--json", "--pa-bits", "52"], "vmsa: --pa-bits does not apply with --json: each JSON line carries its own fields\n"),
        (["ttbr", "encode", "--json", "--cnp"], "vmsa: --cnp does not apply with --json: each JSON line carries its own fields\n"),
        (["ttbr", "encode", "--json", "--asid", "5"], "vmsa: --asid does not apply with --json: each JSON line carries its own fields\n"),
        (["vttbr", "encode", "--json", "--baddr", "0x1000"], "vmsa: --baddr does not apply with --json: each JSON line carries its own fields\n"),
        (["vttbr", "encode", "--json", "--vmid", "1"], "vmsa: --vmid does not apply with --json: each JSON line carries its own fields\n"),
        (["vttbr", "encode", "--json", "--vs"], "vmsa: --vs does not apply with --json: each JSON line carries its own fields\n"),
        (["vttbr", "encode", "--json", "--pa-bits", "52"], "vmsa: --pa-bits does not apply with --json: each JSON line carries its own fields\n"),
        (["vttbr", "decode", "--pa52", "--pa-bits", "52"], "vmsa: --pa52 is the old spelling of --pa-bits 52; give one of them\n"),
        (["vtcr", "encode", "--json", "--field", "t0sz=24"], "vmsa: --field does not apply with --json: each JSON line carries its own fields\n"),
        (["translate", "IMG", "0x0", "--el", "0", "--pan"], "vmsa: --pan does not apply with --el 0: PSTATE.PAN restricts EL1 data accesses\n"),
        (["translate", "IMG", "0x0", "--access", "x", "--no-pan"],
         "vmsa: --no-pan does not apply with --access x: PSTATE.PAN restricts EL1 data accesses, not instruction fetches\n"),
        // An old spelling and its canonical name together.
        (["replay", "-", "--native", "16k", "--granule", "64k"], "vmsa: --native is the old spelling of --granule; give one of them\n"),
        (["ttbr", "encode", "--baddr", "0x1000", "--pa52", "--pa-bits", "52"], "vmsa: --pa52 is the old spelling of --pa-bits 52; give one of them\n"),
        (["ttbr", "encode", "--baddr", "0x1000", "--pa-bits", "47"],
         "vmsa: physical address size 47 is not supported; expected one of 32, 36, 40, 42, 44, 48, 52\n"),
        (["decode", "--level", "1.5", "0x3"], "vmsa: the value '1.5' is invalid for '--level <level>'; expected a decimal integer\n"),
        (["tcr", "encode", "--va-bits0", "x"], "vmsa: the value 'x' is invalid for '--va-bits0 <va-bits0>'; expected a decimal integer\n"),
        // A negative count is that count, not a missing value and an unknown option.
        (["conform", "--probes", "-1"], "vmsa: --probes -1 is not a positive count\n"),
        (["conform", "--jobs", "-2"], "vmsa: --jobs -2 is not a positive count\n"),
        (["bench", "--repeat", "-1"], "vmsa: --repeat -1 is not a positive count\n"),
        (["trace", "--image", "IMG", "--max-mapping", "-5"], "vmsa: --max-mapping -5 is not a positive count\n"),
        // A single-value option given twice is refused, not read as its last value.
        (["translate", "IMG", "0x0", "--access", "r", "--access", "w"],
         "vmsa: --access is given more than once (--access r, then --access w); it takes one value\n"),
        (["decode", "--level", "2", "--level=3", "0x3"], "vmsa: --level is given more than once (--level 2, then --level 3); it takes one value\n"),
        (["dump", "IMG", "-o", "a", "--output", "b", "--format", "raw"],
         "vmsa: --output is given more than once (-o a, then --output b); it takes one value\n"),
        (["tcr", "encode", "--regime", "el2", "--regime", "el3"],
         "vmsa: --regime is given more than once (--regime el2, then --regime el3); it takes one value\n"),
        (["ttbr", "encode", "--baddr", "0x1000", "--baddr", "0x2000"],
         "vmsa: --baddr is given more than once (--baddr 0x1000, then --baddr 0x2000); it takes one value\n"),
        (["replay", "-", "--granule", "16k", "--granule", "64k"],
         "vmsa: --granule is given more than once (--granule 16k, then --granule 64k); it takes one value\n"),
        (["conform", "--seed", "1", "--seed", "2"], "vmsa: --seed is given more than once (--seed 1, then --seed 2); it takes one value\n"),
        // A command group without a subcommand is a missing argument, as is no command at all.
        ([], "vmsa: missing command; expected one of decode, encode, geometry, tcr, mair, ttbr, vtcr, vttbr, hcr, build, convert, capture, import, dump, translate, diff, conform, bench, replay, trace, report (see vmsa --help)\n"),
        (["tcr"], "vmsa: tcr: missing subcommand; expected one of decode, encode (see vmsa tcr --help)\n"),
        (["mair"], "vmsa: mair: missing subcommand; expected one of decode, encode (see vmsa mair --help)\n"),
        (["ttbr"], "vmsa: ttbr: missing subcommand; expected one of decode, encode (see vmsa ttbr --help)\n"),
        (["vtcr"], "vmsa: vtcr: missing subcommand; expected one of decode, encode (see vmsa vtcr --help)\n"),
        (["vttbr"], "vmsa: vttbr: missing subcommand; expected one of decode, encode (see vmsa vttbr --help)\n"),
        (["hcr"], "vmsa: hcr: missing subcommand; expected one of decode, encode (see vmsa hcr --help)\n"),
    ])
    func usageError(args: [String], message: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 64)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }

    @Test("options that may repeat still do: array options and flags", arguments: [
        (["tcr", "encode", "--field", "sh0=3", "--field", "tg0=1"], "0x0000000000007000\n"),
        (["encode", "--oa", "0x1000", "--af", "--af"], "0x0000000000001403\n"),
    ])
    func repeatable(args: [String], expected: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == expected)
    }

    @Test("the canonical option name and its old spelling give the same answer", arguments: [
        (["ttbr", "encode", "--baddr", "0xa000040100000", "--asid", "5", "--pa-bits", "52"],
         ["ttbr", "encode", "--baddr", "0xa000040100000", "--asid", "5", "--pa52"], "0x0005000040100028\n"),
        (["ttbr", "decode", "--pa-bits", "52", "--json", "0x0005000040100028"], ["ttbr", "decode", "--pa52", "--json", "0x0005000040100028"],
         "{\"raw\":\"0x0005000040100028\",\"baddr\":\"0x000a000040100000\",\"asid\":5,\"cnp\":false,\"pa52\":true}\n"),
        (["replay", "-", "--granule", "16k", "--report", "--json"], ["replay", "-", "--native", "16k", "--report", "--json"], nil),
        // VTTBR_EL2's base has TTBRn_EL1's layout and the same option.
        (["vttbr", "encode", "--baddr", "0xa000040100000", "--vmid", "5", "--pa-bits", "52"],
         ["vttbr", "encode", "--baddr", "0xa000040100000", "--vmid", "5", "--pa52"], "0x0005000040100028\n"),
        (["vttbr", "decode", "--pa-bits", "52", "--json", "0x0005000040100028"], ["vttbr", "decode", "--pa52", "--json", "0x0005000040100028"],
         "{\"raw\":\"0x0005000040100028\",\"baddr\":\"0x000a000040100000\",\"vmid\":5,\"cnp\":false,\"vs\":false,\"pa52\":true,\"problems\":[]}\n"),
    ])
    func spellings(canonical: [String], old: [String], expected: String?) throws {
        let trace = #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"# + "\n"
        // Only replay reads standard input: a tool that exits unread would
        // leave the test writing into a closed pipe.
        let input = canonical[0] == "replay" ? trace : nil
        let a = try VMSATool.run(canonical, stdin: input), b = try VMSATool.run(old, stdin: input)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        #expect(a.stdout == b.stdout)
        if let expected { #expect(a.stdout == expected) } else { #expect(a.stdout.contains(#""nativeEntries""#)) }
    }

    @Test("old spellings work but are not in the help", arguments: [
        (["replay", "--help"], "--native <"), (["ttbr", "encode", "--help"], "--pa52"), (["ttbr", "decode", "--help"], "--pa52"),
        (["vttbr", "encode", "--help"], "--pa52"), (["vttbr", "decode", "--help"], "--pa52"),
    ])
    func hiddenSpellings(args: [String], old: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 0)
        #expect(!r.stdout.contains(old))
    }

    @Test("--help still prints the help on standard output and exits 0", arguments: [
        ["--help"], ["decode", "--help"], ["help", "translate"], ["help", "tcr", "encode"], ["help"], ["tcr", "--help"], ["help", "tcr"],
    ])
    func help(args: [String]) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("OVERVIEW: "))
        #expect(r.stderr.isEmpty)
    }

    @Test("help text is wrapped by argument-parser: no line ends mid-sentence short of the width", arguments: [
        [], ["build"], ["dump"], ["translate"], ["diff"], ["bench"], ["replay"], ["trace"], ["conform"],
    ])
    func helpWrapped(command: [String]) throws {
        let r = try VMSATool.run(command + ["--help"])
        let overview = r.stdout.components(separatedBy: "USAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A short line followed by more prose at the same indent is a hard
        // break in the source; indented example lines are meant.
        for (line, next) in zip(overview, overview.dropFirst()) where !line.hasPrefix(" ") && !next.hasPrefix(" ") {
            guard !line.isEmpty, !next.isEmpty, !line.hasPrefix("OVERVIEW:") else { continue }
            #expect(line.count >= 60 || line.hasSuffix(".") || line.hasSuffix(":"), "hard break after \"\(line)\"")
        }
    }

    @Test("help lists the values an option takes and its default")
    func helpValues() throws {
        let r = try VMSATool.run(["decode", "--help"])
        // The default is in the help text: the option is optional so that
        // `encode --json` can refuse it when given.
        #expect(r.stdout.contains("--granule <granule>     Translation granule (default: 4k). (values: 4k, 16k,\n                          64k)"))
    }
}
