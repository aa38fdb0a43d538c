import Foundation
import Testing

/// Every mistake on the command line, whether argument-parser or the command
/// finds it, is one line `vmsa: …` on standard error and exit 64 (EX_USAGE).
@Suite("Usage errors: one line, exit 64")
struct UsageErrorTests {
    @Test("bad option values, missing arguments and unknown options", arguments: [
        (["decode", "--granule", "8k", "0x3"],
         "vmsa: the value '8k' is invalid for '--granule <granule>'. Please provide one of '4k', '16k' or '64k'.\n"),
        (["replay", "--native", "8k", "trace.jsonl"],
         "vmsa: the value '8k' is invalid for '--native <native>'. Please provide one of '16k' and '64k'.\n"),
        (["replay", "--native", "4k", "trace.jsonl"],
         "vmsa: the value '4k' is invalid for '--native <native>'. Please provide one of '16k' and '64k'.\n"),
        (["translate", "IMG", "0x0", "--el", "2"],
         "vmsa: the value '2' is invalid for '--el <el>'. Please provide one of '0' and '1'.\n"),
        (["translate", "IMG", "0x0", "--access", "rw"],
         "vmsa: the value 'rw' is invalid for '--access <access>'. Please provide one of 'r', 'w' or 'x'.\n"),
        (["dump", "IMG", "--ttbr", "2"],
         "vmsa: the value '2' is invalid for '--ttbr <ttbr>'. Please provide one of '0' and '1'.\n"),
        (["dump", "IMG", "--format", "svg"],
         "vmsa: the value 'svg' is invalid for '--format <format>'. Please provide one of the following: tree, ptdump, json, dot, raw, registers\n"),
        (["encode", "--kind", "leaf", "--oa", "0x1000"],
         "vmsa: the value 'leaf' is invalid for '--kind <kind>'. Please provide one of 'invalid', 'table', 'block', 'page' or 'reserved'.\n"),
        (["tcr", "encode", "--tg1", "8k"],
         "vmsa: the value '8k' is invalid for '--tg1 <tg1>'. Please provide one of '4k', '16k' or '64k'.\n"),
        (["tcr", "encode", "--pa-bits", "47"],
         "vmsa: physical address size 47 is not supported; expected one of 32, 36, 40, 42, 44, 48, 52\n"),
        (["geometry", "--granule", "64k", "--ds"],
         "vmsa: TCR_EL1.DS=1 applies only to the 4K and 16K granules, not 64K\n"),
        (["geometry", "--va-bits", "60"],
         "vmsa: a 60-bit virtual address range is not supported by the 4K granule; expected 25 to 48 bits\n"),
        (["conform", "--probes", "0"], "vmsa: --probes 0 is not a positive count\n"),
        (["build"], "vmsa: missing expected argument '<layout>'\n"),
        (["decode", "--level"], "vmsa: missing value for '--level <level>'\n"),
        (["translate", "--colour", "IMG"], "vmsa: unknown option '--colour'\n"),
        (["frobnicate"], "vmsa: unexpected argument 'frobnicate'\n"),
    ])
    func usageError(args: [String], message: String) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 64)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }

    @Test("--help still prints the help on standard output and exits 0", arguments: [
        ["--help"], ["decode", "--help"], ["help", "translate"],
    ])
    func help(args: [String]) throws {
        let r = try VMSATool.run(args)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("OVERVIEW: "))
        #expect(r.stderr.isEmpty)
    }

    @Test("help lists the values an option takes and its default")
    func helpValues() throws {
        let r = try VMSATool.run(["decode", "--help"])
        #expect(r.stdout.contains("--granule <granule>     Translation granule. (values: 4k, 16k, 64k; default:\n                          4k)"))
    }
}
