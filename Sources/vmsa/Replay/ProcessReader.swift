import Foundation
import LinuxTables
import VMSA

/// Reads a running process of this machine (/proc/PID/maps, pagemap, and
/// the mapped files' sizes) as trace records: the source record, then each
/// VMA's "vma" record and its operations. `vmsa trace PID` writes them; `vmsa report` feeds them
/// to the page-size models.
struct ProcessReader {
    let pid: String
    /// Ignore pagemap: every page of every mapping is present.
    var assumePresent = false
    /// Mappings larger than this many 4K pages are left out.
    var maxMappingPages = Self.defaultMaxMappingPages
    /// --max-mapping's default: 2^24 4K pages (64 GiB), so a huge reservation does not stall the read.
    static let defaultMaxMappingPages = 1 << 24

    /// What one read found, for the caller's notes and warnings.
    struct Summary {
        var mappings = 0, present = 0, swapped = 0, operations = 0
        /// pagemap could not be opened: every page counted present.
        var noPagemap = false
        /// pagemap showed PFN 0 (no CAP_SYS_ADMIN): synthetic frames were used.
        var hiddenPFNs = false
        /// Mappings left out for --max-mapping, by range and path.
        var tooLarge: [(start: UInt64, end: UInt64, path: String, pages: Int)] = []
    }

    /// The kernel this machine runs (`uname -r`), and the version whose
    /// layout the model knows it by: nil for a release it does not know.
    static let runningKernel: (release: String, version: LinuxVersion?) = {
        var names = utsname()
        guard uname(&names) == 0 else { return ("unknown", nil) }
        let release = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        return (release, LinuxVersion(release: release))
    }()

    /// The record a trace of the process opens with: the running kernel,
    /// or the model's own version when the model does not know it (the
    /// entries are synthesized in the model's layout either way).
    var source: TraceSource {
        TraceSource(linux: Self.runningKernel.version ?? .model, from: "pid \(pid)")
    }

    /// The process's name (/proc/PID/comm), or nil once it is gone.
    static func comm(_ pid: String) -> String? {
        (try? InputFile.read("/proc/\(pid)/comm")).flatMap { String(data: $0, encoding: .utf8) }?
            .trimmingCharacters(in: .newlines)
    }

    /// The size of the file `vma` maps: through /proc/PID/map_files (the
    /// very file, even deleted or renamed) when readable, else its path.
    func fileSize(_ vma: ProcessMapping) -> UInt64? {
        guard !vma.isAnonymous, !vma.isSpecial else { return nil }
        let link = "/proc/\(pid)/map_files/\(String(vma.start, radix: 16))-\(String(vma.end, radix: 16))"
        for path in [link, vma.path] {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { return UInt64(info.st_size) }
        }
        return nil
    }

    /// Reads the process, handing its source record and then each record
    /// to `emit` in address order.
    func read(_ emit: (TraceRecord) -> Void) throws -> Summary {
        let mapsText = try Output.readText("/proc/\(pid)/maps")
        emit(.source(source))
        let pagemap = assumePresent ? nil : FileHandle(forReadingAtPath: "/proc/\(pid)/pagemap")
        var summary = Summary()
        summary.noPagemap = pagemap == nil && !assumePresent
        let synthesizer = TraceSynthesizer()
        var synthetic = TraceSynthesizer.SyntheticPFNs()
        for line in mapsText.split(separator: "\n") {
            guard var vma = ProcessMapping(line: line) else {
                throw CLIError(.dataError, "/proc/\(pid)/maps line \"\(line)\" is not \"start-end perms offset dev inode [path]\"")
            }
            guard vma.start < TraceSynthesizer.vaLimit else { continue }
            vma.end = min(vma.end, TraceSynthesizer.vaLimit)
            let count = Int((vma.end - vma.start) / LinuxKernel.granule.pageSize)
            if count > maxMappingPages {
                summary.tooLarge.append((vma.start, vma.end, vma.path, count))
                continue
            }
            summary.mappings += 1
            vma.fileSize = fileSize(vma)
            emit(.vma(vma))
            var pages: [TraceSynthesizer.Page]
            if let pagemap {
                pages = try readPagemap(pagemap, vma, count)
            } else {
                pages = Array(repeating: .present(pfn: 0, fileOrShared: !vma.isAnonymous), count: count)
            }
            // Without CAP_SYS_ADMIN pagemap shows present pages with PFN 0.
            if pages.contains(where: { if case .present(0, _) = $0 { return true } else { return false } }) {
                summary.hiddenPFNs = summary.hiddenPFNs || pagemap != nil
                let first = synthetic.range(pages: count)
                for i in pages.indices {
                    if case .present(_, let f) = pages[i] { pages[i] = .present(pfn: first + UInt64(i), fileOrShared: f) }
                }
            }
            for p in pages {
                switch p {
                case .present: summary.present += 1
                case .swapped: summary.swapped += 1
                case .absent: break
                }
            }
            synthesizer.operations(for: vma, pages: pages) { op in
                emit(.operation(op))
                summary.operations += 1
            }
        }
        return summary
    }

    /// The pages of `vma` as pagemap reports them.
    private func readPagemap(_ file: FileHandle, _ vma: ProcessMapping, _ count: Int) throws -> [TraceSynthesizer.Page] {
        var pages: [TraceSynthesizer.Page] = []
        pages.reserveCapacity(count)
        let entryBytes = MemoryLayout<UInt64>.size
        let chunk = 1 << 16
        var done = 0
        let firstPage = vma.start / LinuxKernel.granule.pageSize
        while done < count {
            let n = min(chunk, count - done)
            let data: Data
            do {
                try file.seek(toOffset: (firstPage + UInt64(done)) * UInt64(entryBytes))
                data = try file.read(upToCount: n * entryBytes) ?? Data()
            } catch {
                throw CLIError(.ioError, "cannot read /proc/\(pid)/pagemap at \(Hex.short(vma.start)): \(error.localizedDescription)")
            }
            guard data.count == n * entryBytes else {
                throw CLIError(.ioError, "short read from /proc/\(pid)/pagemap at \(Hex.short(vma.start))")
            }
            data.withUnsafeBytes { raw in
                for k in 0..<n {
                    let e = PagemapEntry(rawValue: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * entryBytes, as: UInt64.self)))
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
