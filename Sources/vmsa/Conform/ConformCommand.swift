import ArgumentParser
import Conformance
import Foundation
import VMSA
import VMSAJSON
import VMSATables

struct ConformCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Check vmsa's tables against AArch64 probes under QEMU: the layout, walk and MMU legs.",
        discussion: """
            Without --image, runs the seeded matrix of configurations: for each, an AArch64 table \
            builder (qemu-aarch64) must build byte-identical tables, an AArch64 walker (qemu-aarch64) \
            must answer like `vmsa translate`, and QEMU's MMU (qemu-system-aarch64, AT S1E1R/W, S1E0R/W \
            and real loads, stores and fetches at EL1 and EL0) must agree, apart from QEMU 7.2's \
            documented deviations, which are counted as expected differences. With --image, runs the \
            walk and MMU legs over an image's mapped ranges and random holes. \
            Prints one line per configuration and `N passed, M failed`; exit status 1 on any mismatch. \
            Needs `make probes` (or VMSA_PROBE_DIR) and qemu-aarch64 / qemu-system-aarch64.             With --gdb and --qmp, checks a live QEMU guest instead: it is captured through its gdbstub             and `translate` (a read from the EL the CPU stopped at, with its PAN) must agree with QEMU's             own walker (the monitor's gva2gpa) on every mapped item's first, middle and last VA, every             hole and random VAs of both halves; each disagreement prints the VA, both answers and vmsa's walk.
            """)

    @Option(help: "Seed of the random layouts and probes (decimal or 0x hex).") var seed: String?
    @Option(parsing: .unconditional, help: "Probes (virtual addresses) per configuration, or in total with --image.") var probes: Int?
    @Option(help: "Probe a vmsa image file instead of the matrix.") var image: String?
    @Option(help: "Run only the configurations whose name contains this text.") var only: String?
    @Option(parsing: .unconditional, help: "Configurations run at once (default: one per core).") var jobs: Int?
    @Option(name: .customLong("probe-dir"), help: "Directory of the built probes (default: .build-probes or $VMSA_PROBE_DIR).")
    var probeDirectory: String?
    @Flag(help: "Print JSON Lines: one object per configuration and leg, then a summary.") var json = false
    @OptionGroup var guest: GuestOptions
    @Option(help: ArgumentHelp("With --gdb: the guest's QMP socket (-qmp unix:PATH,server), for QEMU's gva2gpa.", valueName: "path"))
    var qmp: String?

    func validate() throws {
        if let probes, probes < 1 { throw ValidationError("--probes \(probes) is not a positive count") }
        // The MMU probe's buffer bounds one configuration's addresses (and
        // the memory a run may take): a capacity, not a conformance failure.
        if let probes, probes > MMULeg.capacity() {
            throw ValidationError("--probes \(probes) is more than the MMU probe's buffer holds; expected at most \(MMULeg.capacity())")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs \(jobs) is not a positive count") }
        if guest.isLive != (qmp != nil) { throw ValidationError("a live guest needs both --gdb HOST:PORT and --qmp PATH") }
        if guest.isLive, image != nil || only != nil { throw ValidationError("--gdb checks a live guest; drop --image and --only") }
        if guest.isLive, let ignored = jobs.map({ _ in "--jobs" }) ?? probeDirectory.map({ _ in "--probe-dir" }) {
            throw ValidationError("\(ignored) does not apply with --gdb: a live guest is checked against QEMU's own walker, not the probes")
        }
        if image != nil, let ignored = only.map({ _ in "--only" }) ?? jobs.map({ _ in "--jobs" }) {
            throw ValidationError("\(ignored) does not apply with --image: it selects and runs the matrix's configurations")
        }
    }

    func execute() throws {
        let seedValue: UInt64
        if let seed {
            guard let v = Hex.parseNumber(seed) else {
                throw CLIError(.usage, "--seed \"\(seed)\" is not a decimal or 0x hex 64-bit value")
            }
            seedValue = v
        } else {
            seedValue = ConformanceRunner.defaultSeed
        }
        if let qmp { return try LiveConformance.run(guest, qmp: qmp, probes: probes, seed: seedValue, json: json) }
        // Read the image before looking for tools, so a bad file reports 65/66.
        let userImage = try image.map { try ImageFiles.image($0) }
        let toolchain: ProbeToolchain
        do { toolchain = try ProbeToolchain.locate(probeDirectory: probeDirectory) } catch {
            throw CLIError(.noInput, error.description)
        }

        let printer = ConformPrinter(json: json)
        var results: [ConfigurationResult]
        if let userImage {
            let (result, skipped) = ImageConformance.run(userImage, probes: probes ?? ImageConformance.defaultProbes,
                                                         seed: seedValue, toolchain: toolchain)
            if let skipped { Output.warning("MMU leg skipped: \(skipped)") }
            if !result.realAccesses, result.regime == "el10" { Output.warning("no free start-level entry for the probe's stub page: the MMU leg ran AT instructions only") }
            printer.print(result)
            results = [result]
        } else {
            var configurations = ConformanceMatrix.configurations
            var regimes = RegimeSpec.all
            if let only {
                configurations = configurations.filter { $0.name.contains(only) }
                regimes = regimes.filter { $0.name.contains(only) }
                guard !configurations.isEmpty || !regimes.isEmpty else { throw CLIError(.usage, "--only \"\(only)\" matches no configuration") }
            }
            let runner = ConformanceRunner(toolchain: toolchain, seed: seedValue,
                                           probesPerConfiguration: probes ?? ConformanceRunner.defaultProbes,
                                           configurations: configurations, regimes: regimes,
                                           parallelism: jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount))
            results = runner.run { printer.print($0) }
        }
        printer.summary(results)
        if results.contains(where: { $0.failed > 0 || !$0.errors.isEmpty }) { throw CLIError(.checkFailed, "conformance failed") }
    }
}
