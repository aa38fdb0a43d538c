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
            CAP_SYS_ADMIN). Without PFNs each mapping gets a physically contiguous, 2M-aligned range \
            (the best case for a native granule); without pagemap every page of every mapping counts \
            as present. Then
              vmsa trace PID | vmsa replay - --granule 64k --report
            answers "what would 64K give this process?". \
            With --image IMAGE: reads the real 4K Linux tables of the TTBR0 (user) half of a captured \
            image, every entry including PROT_NONE and swap entries, with the software-bit layout of \
            the kernel --linux names (\(LinuxReading.versions.joined(separator: ", ")); default \(LinuxVersion.model.rawValue)). The trace \
            opens with {"op":"source","linux":VERSION,"from":"image IMAGE"}, which replay --report \
            prints; its entries are in \(LinuxVersion.model.rawValue) form.
            """)

    @Argument(help: "The process ID, or \"self\".") var pid: String?
    @Option(help: "Read a captured image's TTBR0 tables instead of a running process.") var image: String?
    @OptionGroup var guest: GuestOptions
    @Option(help: "The kernel whose tables --image holds: \(LinuxReading.versions.joined(separator: ", ")).") var linux: String?
    @Option(name: .shortAndLong, help: "Write the trace to this file instead of standard output.") var output: String?
    @Flag(name: .customLong("assume-present"), help: "Ignore pagemap: every page of every mapping is present.") var assumePresent = false
    @Option(name: .customLong("max-mapping"), parsing: .unconditional, help: "Skip mappings larger than this many 4K pages.") var maxMappingPages: Int = 1 << 24

    func validate() throws {
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
        if image != nil || guest.isLive { return try traceImage(image) }
        try tracePID(pid!)
    }

    /// The trace of a captured image's user tables.
    private func traceImage(_ file: String?) throws {
        let version = try linux.map(LinuxReading.version) ?? .model
        let tables = try ImageSource.image(file, guest)
        let path = file ?? "the guest at \(guest.address ?? "?")"
        var text = TraceSource(linux: version, from: file.map { "image \($0)" } ?? "gdb \(guest.address ?? "?")").json.jsonText + "\n"
        let summary: ImageTraceReader.Summary
        do {
            summary = try ImageTraceReader(version: version).read(tables.regime, in: tables) { op in
                text += op.json.jsonText
                text += "\n"
            }
        } catch {
            throw CLIError(.dataError, "\(path): \(error)")
        }
        for (pa, level) in summary.notCaptured {
            Output.warning("the level \(level.rawValue) table at PA \(Hex.short(pa)) is not in \(path); the addresses it maps are left out")
        }
        if summary.aboveVALimit > 0 {
            Output.note("\(summary.aboveVALimit) entries at or above \(Hex.short(TraceSynthesizer.vaLimit)) (the model's 48-bit VA) left out")
        }
        if summary.unsupported > 0 {
            Output.warning("\(summary.unsupported) entries the Linux model cannot replay left out (faulting, beyond 48-bit PA, a non-present PUD or a leaf above level 1)")
        }
        Output.note("Linux \(version.rawValue) tables: \(summary.tablesRead) tables read, \(summary.entries) entries: \(summary.operations) operations")
        try write(text)
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
        let mapsText = try Output.readText("/proc/\(pid)/maps")
        let pagemap = assumePresent ? nil : FileHandle(forReadingAtPath: "/proc/\(pid)/pagemap")
        if pagemap == nil && !assumePresent {
            Output.warning("cannot read /proc/\(pid)/pagemap; every page of every mapping counts as present")
        }
        let synthesizer = TraceSynthesizer()
        var synthetic = TraceSynthesizer.SyntheticPFNs()
        var text = ""
        var operations = 0, mappings = 0, present = 0, swapped = 0, hiddenPFNs = false
        for line in mapsText.split(separator: "\n") {
            guard var vma = ProcessMapping(line: line) else {
                throw CLIError(.dataError, "/proc/\(pid)/maps line \"\(line)\" is not \"start-end perms offset dev inode [path]\"")
            }
            guard vma.start < TraceSynthesizer.vaLimit else { continue }
            vma.end = min(vma.end, TraceSynthesizer.vaLimit)
            let count = Int((vma.end - vma.start) >> 12)
            if count > maxMappingPages {
                Output.warning("skipping \(Hex.short(vma.start))-\(Hex.short(vma.end)) \(vma.path): \(count) pages is more than --max-mapping")
                continue
            }
            mappings += 1
            var pages: [TraceSynthesizer.Page]
            if let pagemap {
                pages = try readPagemap(pagemap, pid, vma, count)
            } else {
                pages = Array(repeating: .present(pfn: 0, fileOrShared: !vma.isAnonymous), count: count)
            }
            // Without CAP_SYS_ADMIN pagemap shows present pages with PFN 0.
            if pages.contains(where: { if case .present(0, _) = $0 { return true } else { return false } }) {
                hiddenPFNs = true
                let first = synthetic.range(pages: count)
                for i in pages.indices {
                    if case .present(_, let f) = pages[i] { pages[i] = .present(pfn: first + UInt64(i), fileOrShared: f) }
                }
            }
            for p in pages {
                switch p {
                case .present: present += 1
                case .swapped: swapped += 1
                case .absent: break
                }
            }
            synthesizer.operations(for: vma, pages: pages) { op in
                text += op.json.jsonText
                text += "\n"
                operations += 1
            }
        }
        if hiddenPFNs && pagemap != nil {
            Output.warning("pagemap shows no PFNs (needs CAP_SYS_ADMIN); each mapping gets a contiguous PFN range, the best case")
        }
        Output.note("\(mappings) mappings, \(present) present and \(swapped) swapped pages: \(operations) operations")
        try write(text)
    }

    /// The pages of `vma` as pagemap reports them.
    private func readPagemap(_ file: FileHandle, _ pid: String, _ vma: ProcessMapping, _ count: Int) throws -> [TraceSynthesizer.Page] {
        var pages: [TraceSynthesizer.Page] = []
        pages.reserveCapacity(count)
        let chunk = 1 << 16
        var done = 0
        while done < count {
            let n = min(chunk, count - done)
            let data: Data
            do {
                try file.seek(toOffset: ((vma.start >> 12) + UInt64(done)) * 8)
                data = try file.read(upToCount: n * 8) ?? Data()
            } catch {
                throw CLIError(.ioError, "cannot read /proc/\(pid)/pagemap at \(Hex.short(vma.start)): \(error.localizedDescription)")
            }
            guard data.count == n * 8 else {
                throw CLIError(.ioError, "short read from /proc/\(pid)/pagemap at \(Hex.short(vma.start))")
            }
            data.withUnsafeBytes { raw in
                for k in 0..<n {
                    let e = PagemapEntry(rawValue: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)))
                    if e.isPresent {
                        pages.append(.present(pfn: e.pfn, fileOrShared: e.isFileOrShared))
                    } else if e.isSwapped {
                        pages.append(.swapped(type: e.swapType, offset: e.swapOffset))
                    } else {
                        pages.append(.absent)
                    }
                }
            }
            done += n
        }
        return pages
    }
}
