import ArgumentParser
import Foundation
import LinuxTables
import VMSA
import VMSAJSON
import VMSATables

struct TraceCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Write a replay trace that rebuilds a process's page table, running or captured.",
        discussion: """
            With PID: reads /proc/PID/maps and, when it can, /proc/PID/pagemap (PFNs need \
            CAP_SYS_ADMIN). The trace opens with {"op":"source","linux":VERSION,"from":"pid PID"}, \
            VERSION being the running kernel's when the model knows it (else \(LinuxVersion.model.rawValue)); \
            each VMA's {"op":"vma",…} record (with the mapped file's size) comes \
            before its operations. Without PFNs each mapping gets a physically contiguous, 2M-aligned range \
            (the best case for a native granule); without pagemap every page of every mapping counts \
            as present. Then
              vmsa trace PID | vmsa replay - --granule 64k --report
            answers "what would 64K give this process?". \
            With --image IMAGE: reads the real 4K Linux tables of the TTBR0 (user) half of a captured \
            image, every entry including PROT_NONE and swap entries, with the software-bit layout of \
            the kernel --linux names (\(LinuxReading.versions.joined(separator: ", ")); default \(LinuxVersion.model.rawValue)). The trace \
            opens with {"op":"source","linux":VERSION,"from":"image IMAGE"}, which replay --report \
            prints; its entries are in \(LinuxVersion.model.rawValue) form. \
            With --synthetic N: N operations drawn from --seed on 64K batches across \
            \(Hex.size(SyntheticTrace.defaultSpan)) of VA (set_ptes where a batch is unmapped, else \
            clear_ptes, modify_prot, wrprotect or mkold), streamed as they are made, so that
              vmsa trace --synthetic 100000000 | vmsa replay - --granule 64k
            measures replay at scale without a trace file; the same seed gives the same trace.
            """)

    @Argument(help: "The process ID, or \"self\".") var pid: String?
    @Option(help: "Write this many synthetic operations instead of a process's trace.") var synthetic: Int?
    @Option(help: "The seed of --synthetic (default: 0).") var seed: UInt64?
    @Option(help: "Read a captured image's TTBR0 tables instead of a running process.") var image: String?
    @OptionGroup var guest: GuestOptions
    @Option(help: "The kernel whose tables --image holds: \(LinuxReading.versions.joined(separator: ", ")).") var linux: String?
    @Option(name: .shortAndLong, help: "Write the trace to this file instead of standard output.") var output: String?
    @Flag(name: .customLong("assume-present"), help: "Ignore pagemap: every page of every mapping is present.") var assumePresent = false
    @Option(name: .customLong("max-mapping"), parsing: .unconditional, help: "Skip mappings larger than this many 4K pages (default: \(ProcessReader.defaultMaxMappingPages)).") var maxMapping: Int?
    var maxMappingPages: Int { maxMapping ?? ProcessReader.defaultMaxMappingPages }
    @Option(help: "Write the trace of the process adapted to this page size (16k or 64k): VMAs rounded out, memory in whole pages, file tails padded.")
    var adapt: NativeGranule?

    func validate() throws {
        if let synthetic {
            // What a process's trace reads, which a synthetic one would drop.
            let unread = [(pid != nil, "a PID"), (image != nil, "--image"), (guest.address != nil, "--gdb"), (linux != nil, "--linux"),
                          (adapt != nil, "--adapt"), (assumePresent, "--assume-present"), (maxMapping != nil, "--max-mapping")]
            if let given = unread.first(where: { $0.0 }) {
                throw ValidationError("--synthetic makes a trace of its own, which does not read \(given.1); it takes only --seed and -o")
            }
            guard synthetic >= 0 else { throw ValidationError("--synthetic \(synthetic) is not a count of operations; expected 0 or more") }
            return
        }
        if seed != nil { throw ValidationError("--seed is the seed of --synthetic; give it with --synthetic N") }
        // A live guest (--gdb) stands where the image would.
        switch (pid, image ?? guest.address) {
        case (nil, nil): throw ValidationError("give a PID, --image IMAGE or --gdb HOST:PORT")
        case (_?, _?): throw ValidationError("give one of a PID, --image IMAGE and --gdb HOST:PORT")
        case (let pid?, nil):
            guard pid == "self" || (Int(pid).map { $0 > 0 } ?? false) else { throw ValidationError("PID must be a positive number or \"self\", not \(pid)") }
            if linux != nil { throw ValidationError("--linux names the kernel of --image's tables; a PID trace is written in \(LinuxVersion.model.rawValue) form") }
        case (nil, _?):
            if let linux { _ = try LinuxReading.version(linux) }
            if assumePresent { throw ValidationError("--assume-present is for a PID; --image reads the tables themselves") }
        }
        guard maxMappingPages > 0 else { throw ValidationError("--max-mapping \(maxMappingPages) is not a positive count") }
    }

    func execute() throws {
        if let synthetic { return try traceSynthetic(synthetic) }
        if image != nil || guest.isLive { return try traceImage(image) }
        try tracePID(pid!)
    }

    /// The trace of a captured image's user tables.
    private func traceImage(_ file: String?) throws {
        let version = try linux.map(LinuxReading.version) ?? .model
        var text = ""
        let adapted = try adapting()
        try ImageProcessReader(file: file, guest: guest, version: version).read { record in
            try add(record, to: adapted, or: &text)
        }
        try finish(adapted, &text)
        try write(text)
    }

    /// --synthetic: the operations streamed as they are drawn, through a
    /// buffer of one pipe's worth, so memory stays flat however many there are.
    private func traceSynthetic(_ count: Int) throws {
        var trace: SyntheticTrace
        let seed = self.seed ?? 0
        do { trace = try SyntheticTrace(count: count, seed: seed) } catch { throw CLIError(.usage, "\(error)") }
        let source = TraceSource(linux: .model, from: "synthetic \(count) seed \(seed)")
        try AtomicFile.write(to: output ?? AtomicFile.standardOutputName) { sink in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(StandardStreams.capacity)
            func add(_ record: JSONValue) throws {
                record.write(into: &buffer)
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count >= StandardStreams.capacity {
                    try buffer.withUnsafeBytes(sink.write)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try add(source.json)
            while let op = trace.next() { try add(op.json) }
            try buffer.withUnsafeBytes(sink.write)
        }
    }

    private func write(_ text: String) throws {
        if let output {
            try Output.writeAtomically(Data(text.utf8), to: output)
        } else {
            Output.text(text)
        }
    }

    /// The trace synthesized from a running process's maps and pagemap.
    private func tracePID(_ pid: String) throws {
        var text = ""
        let adapted = try adapting()
        let reader = ProcessReader(pid: pid, assumePresent: assumePresent, maxMappingPages: maxMappingPages)
        var failure: Error?
        let summary = try reader.read { record in
            guard failure == nil else { return }
            do { try add(record, to: adapted, or: &text) } catch { failure = error }
        }
        if let failure { throw failure }
        let kernel = ProcessReader.runningKernel
        if kernel.version == nil {
            Output.note("the running kernel \(kernel.release) is not one the model knows (\(LinuxReading.versions.joined(separator: ", "))); "
                + "the source record names \(LinuxVersion.model.rawValue), the layout the entries are written in")
        }
        if summary.noPagemap {
            Output.warning("cannot read /proc/\(pid)/pagemap; every page of every mapping counts as present")
        }
        for m in summary.tooLarge {
            Output.warning("skipping \(Hex.short(m.start))-\(Hex.short(m.end)) \(m.path): \(m.pages) pages is more than --max-mapping")
        }
        if summary.hiddenPFNs {
            Output.warning("pagemap shows no PFNs (needs CAP_SYS_ADMIN); each mapping gets a contiguous PFN range, the best case")
        }
        Output.note("\(summary.mappings) mappings, \(summary.present) present and \(summary.swapped) swapped pages: \(summary.operations) operations")
        try finish(adapted, &text)
        try write(text)
    }

    /// The snapshot an adapted trace is made from, when --adapt asks for one.
    private func adapting() throws -> ProcessSnapshot? {
        guard adapt != nil else { return nil }
        do { return try ProcessSnapshot() } catch { throw CLIError(.dataError, "\(error)") }
    }

    /// One record of the process's own trace: written out, or kept for the adapter.
    private func add(_ record: TraceRecord, to snapshot: ProcessSnapshot?, or text: inout String) throws {
        guard let snapshot else {
            text += record.json.jsonText
            text += "\n"
            return
        }
        if case .source = record {
            text += record.json.jsonText + "\n"
            return
        }
        do { try snapshot.add(record) } catch { throw CLIError(.dataError, "\(error)") }
    }

    /// With --adapt: the adapted process's trace, and a note of what it cost.
    private func finish(_ snapshot: ProcessSnapshot?, _ text: inout String) throws {
        guard let snapshot, let granule = adapt?.granule else { return }
        snapshot.finish()
        let cost: ProcessCost
        do {
            cost = try ProcessCost(snapshot, granule: granule, baseline: try ProcessCost.Baseline(snapshot)) { record in
                text += record.json.jsonText
                text += "\n"
            }
        } catch {
            throw CLIError(.dataError, "\(error)")
        }
        Output.note("adapted to \(granule): \(Hex.size(cost.addedBytes)) added to \(Hex.size(cost.residentBytes)) resident "
            + "(\(ProcessCost.percent(cost.addedBytes, of: cost.residentBytes))%), \(cost.adapter.paddedFilePages) pages of padding past end of file, "
            + "\(cost.replay.operations) operations, \(cost.replay.fallbacks) fallback")
    }
}
