import ArgumentParser
import Foundation
import LinuxTables
import VMSA
import VMSAJSON

struct ReportCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "What 16K or 64K pages would cost and gain, for every process of this machine or a captured image.",
        discussion: """
            Each process is read as `vmsa trace PID` reads it (/proc/PID/maps and pagemap, real PFNs \
            when run as root, file sizes from the mapped files), then adapted to 16K and to 64K pages \
            as `vmsa replay --adapt` does and replayed on the native table. One row per process and a \
            total: the 4K process's resident memory and TLB entries; for each size the memory the adapted process \
            adds (KiB and percent of resident), the table memory and the TLB entries its native table \
            saves against the 4K process's own table (negative: it costs more), the fallbacks left \
            (an adapted process should have none), and what the PG_SIZE model (4K mappings, 16K/64K \
            allocation) adds. Without --pid every process is read except this one; a process that \
            exits or denies access while it is read is skipped and counted, as are kernel threads \
            (no user memory). --json: one object per process (pid, comm, "4k": the process as it is, \
            "16k" and "64k": the keys of `replay --adapt --report --json`) and a last object with \
            "total": true. --svg FILE draws memory added against table memory and TLB entries saved, \
            per process, 16K and 64K side by side.
            """)

    @Option(name: .customLong("pid"), parsing: .upToNextOption, help: "Only these processes (default: every process).") var pids: [Int] = []
    @Option(help: "Report the user half of a captured image instead of this machine's processes.") var image: String?
    @OptionGroup var guest: GuestOptions
    @Option(help: "The kernel whose tables --image holds: \(LinuxReading.versions.joined(separator: ", ")).") var linux: String?
    @Flag(help: "JSON Lines: one object per process, then the total.") var json = false
    @Option(help: ArgumentHelp("Also draw the report as an SVG chart in this file.", valueName: "file")) var svg: String?
    @Option(name: .customLong("max-mapping"), parsing: .unconditional, help: "Skip mappings larger than this many 4K pages.") var maxMappingPages: Int = ProcessReader.defaultMaxMappingPages

    func validate() throws {
        let fromImage = image != nil || guest.isLive
        if fromImage, !pids.isEmpty { throw ValidationError("give --pid for this machine's processes or --image IMAGE (or --gdb HOST:PORT), not both") }
        if !fromImage, linux != nil { throw ValidationError("--linux names the kernel of --image's tables; this machine's processes are read through /proc") }
        if let linux { _ = try LinuxReading.version(linux) }
        if let bad = pids.first(where: { $0 <= 0 }) { throw ValidationError("--pid \(bad) is not a positive process ID") }
        guard maxMappingPages > 0 else { throw ValidationError("--max-mapping \(maxMappingPages) is not a positive count") }
    }

    /// What a scan of this machine met besides its rows.
    struct ScanCounts {
        /// Exited or denied access while being read.
        var gone = 0
        /// No user memory.
        var kernelThreads = 0
        /// Read, but the model could not hold them (each named in a warning).
        var unmodelled = 0
        /// Processes whose pagemap gave no PFNs (or could not be read): synthetic frames, the best case.
        var withoutPFNs = 0
    }

    func execute() throws {
        var rows: [ReportRow] = []
        var counts = ScanCounts()
        if image != nil || guest.isLive {
            rows.append(try imageRow())
        } else {
            for pid in try processes() {
                if let row = processRow(pid, &counts) { rows.append(row) }
            }
        }
        var total = ReportRow.empty
        for r in rows { total += r }
        if json {
            rows.forEach { Output.json($0.json()) }
            Output.json(total.json(total: [("processes", .int(rows.count)), ("skipped", .int(counts.gone)),
                                           ("kernelThreads", .int(counts.kernelThreads)),
                                           ("unmodelled", .int(counts.unmodelled))]))
        } else {
            let width = ReportRow.commWidth(rows)
            Output.line(ReportRow.header(commWidth: width))
            rows.forEach { Output.line($0.line(commWidth: width)) }
            Output.line(total.line(commWidth: width))
        }
        if image == nil, !guest.isLive {
            Output.note("\(rows.count) processes, \(counts.gone) skipped (exited or denied access while read), \(counts.kernelThreads) kernel threads (no user memory)"
                + (counts.unmodelled > 0 ? ", \(counts.unmodelled) left out (see the warnings)" : ""))
        }
        if counts.withoutPFNs > 0 {
            Output.warning("\(counts.withoutPFNs) processes read without their PFNs (pagemap needs CAP_SYS_ADMIN): their 4K figures are the best case")
        }
        if let svg { try Output.writeAtomically(Data(ReportChart.svg(rows).utf8), to: svg) }
    }

    /// The processes to read: --pid, or every process but this one.
    private func processes() throws -> [Int] {
        if !pids.isEmpty { return pids }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: "/proc") } catch {
            throw CLIError(.noInput, "cannot list /proc: \(error.localizedDescription)")
        }
        let me = Int(getpid())
        return names.compactMap { Int($0) }.filter { $0 != me }.sorted()
    }

    /// Measures one snapshot at every page size.
    private func measure(_ snapshot: ProcessSnapshot) throws(LinuxTableError) -> [ProcessCost] {
        snapshot.finish()
        let baseline = try ProcessCost.Baseline(snapshot)
        var costs: [ProcessCost] = []
        for g in ReportRow.granules { costs.append(try ProcessCost(snapshot, granule: g, baseline: baseline)) }
        return costs
    }

    /// One running process's row; nil when it is left out (and counted).
    private func processRow(_ pid: Int, _ counts: inout ScanCounts) -> ReportRow? {
        guard let comm = ProcessReader.comm(String(pid)) else {
            counts.gone += 1
            return nil
        }
        let snapshot: ProcessSnapshot
        var vmas = 0
        var failure: LinuxTableError?
        do {
            snapshot = try ProcessSnapshot()
            let summary = try ProcessReader(pid: String(pid), maxMappingPages: maxMappingPages).read { record in
                if case .vma = record { vmas += 1 }
                guard failure == nil else { return }
                do throws(LinuxTableError) { try snapshot.add(record) } catch { failure = error }
            }
            // Kernel threads (no VMAs) have no pages to miss the PFNs of.
            if vmas > 0, summary.hiddenPFNs || summary.noPagemap { counts.withoutPFNs += 1 }
        } catch {
            // Gone or denied while read (maps, pagemap or comm): not this command's failure.
            counts.gone += 1
            return nil
        }
        guard vmas > 0 else {
            counts.kernelThreads += 1
            return nil
        }
        do throws(LinuxTableError) {
            if let failure { throw failure }
            return ReportRow(pid: pid, comm: comm, costs: try measure(snapshot))
        } catch {
            // One process the model cannot hold does not end the machine's report.
            Output.warning("process \(pid) (\(comm)) left out: \(error)")
            counts.unmodelled += 1
            return nil
        }
    }

    /// The row of a captured image's user half.
    private func imageRow() throws -> ReportRow {
        let version = try linux.map(LinuxReading.version) ?? .model
        let reader = ImageProcessReader(file: image, guest: guest, version: version)
        let snapshot: ProcessSnapshot
        do { snapshot = try ProcessSnapshot() } catch { throw CLIError(.dataError, "\(error)") }
        try reader.read { record in
            do { try snapshot.add(record) } catch { throw CLIError(.dataError, "\(reader.source.from): \(error)") }
        }
        do {
            return ReportRow(pid: nil, comm: reader.source.from, costs: try measure(snapshot))
        } catch {
            throw CLIError(.dataError, "\(reader.source.from): \(error)")
        }
    }
}
