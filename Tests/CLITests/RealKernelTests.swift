import Foundation
import GuestCapture
import LinuxTables
import Testing
import VMSA
import VMSAJSON
import VMSATables

/// The real-kernel leg: Debian's arm64 kernels boot under
/// qemu-system-aarch64 (guest/boot.sh) with a probe process whose mappings
/// are known; vmsa captures each guest through QEMU's gdbstub and must
/// agree with QEMU's own walker (gva2gpa, through `conform --gdb --qmp`)
/// and with the probe's /proc/self/pagemap on every page of its regions.
/// The kernels come from Debian's archive through `make deps`
/// (guest/fetch.sh); `make test` runs this leg after the other tests.
@Suite("Real Debian arm64 kernels under QEMU", .serialized)
struct RealKernelTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cache = repository.appendingPathComponent(".cache/guests")

    /// What boot.sh printed.
    struct Guest {
        let values: [String: String]
        subscript(_ key: String) -> String { values[key] ?? "" }
    }

    /// One region the probe mapped (VMSA-MAP) and its pages' pagemap entries.
    struct Region {
        let start: UInt64, end: UInt64, name: String
    }

    /// pagemap: bit 63 present, bits 54:0 the PFN.
    static let pagemapPresent: UInt64 = 1 << 63
    static let pagemapPFNMask: UInt64 = (1 << 55) - 1

    static func script(_ name: String) -> URL { repository.appendingPathComponent("guest/\(name)") }

    static func kernelVersion(_ config: String) -> LinuxVersion { config.hasPrefix("v6.1-") ? .v6_1 : .v6_12 }

    @Test(arguments: ["v6.1-4k", "v6.12-4k", "v6.12-16k"])
    func capturedGuestAgreesWithQEMUAndPagemap(_ config: String) throws {
        try #require(FileManager.default.fileExists(atPath: Self.cache.appendingPathComponent("\(config)/vmlinuz").path),
                     "no kernel in \(Self.cache.path): run `make deps` (guest/fetch.sh)")
        let work = try VMSATool.scratchDirectory("kernel-\(config)")
        defer {
            _ = try? VMSATool.run([work.path], program: Self.script("stop.sh"))
            try? FileManager.default.removeItem(at: work)
        }
        let boot = try VMSATool.run([config, work.path], program: Self.script("boot.sh"))
        try #require(boot.status == 0, "guest/boot.sh \(config) failed: \(boot.stderr)")
        let guest = Guest(values: Dictionary(boot.lines.compactMap { line in
            line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
        }, uniquingKeysWith: { a, _ in a }))
        let image = work.appendingPathComponent("capture.img").path

        // Capture at the probe's loop, so TTBR0_EL1 is the probe's.
        let capture = try VMSATool.run(["capture", "--gdb", guest["GDB"], "--stop-at", guest["SPIN"], "-o", image, "--json"])
        try #require(capture.status == 0, "capture: \(capture.stderr)")
        let captured = try #require(try JSONSerialization.jsonObject(with: Data(capture.stdout.utf8)) as? [String: Any])
        #expect(captured["el"] as? Int == 0)
        #expect((captured["tables"] as? Int ?? 0) > 10)

        // QEMU's walker, from EL0 and from EL1 (PAN off, and on where the CPU has PAN).
        let conform = try VMSATool.run(["conform", "--gdb", guest["GDB"], "--stop-at", guest["SPIN"], "--qmp", guest["QMP"], "--json"])
        #expect(conform.status == 0, "conform --gdb: \(conform.stdout)\(conform.stderr)")
        let summaries = conform.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["summary"] as? Bool == true }
        #expect(summaries.count >= 2)
        var checked = 0
        for s in summaries {
            #expect(s["failed"] as? Int == 0, "\(s)")
            #expect((s["ttbr0"] as? Int ?? 0) > 500 && (s["ttbr1"] as? Int ?? 0) > 500, "\(s)")
            checked += s["checked"] as? Int ?? 0
        }

        // The probe's pagemap against the capture.
        let serial = try String(contentsOfFile: guest["SERIAL"], encoding: .utf8).replacingOccurrences(of: "\r", with: "")
        var regions: [Region] = []
        var pagemap: [(va: UInt64, entry: UInt64)] = []
        for line in serial.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.first == "VMSA-MAP", f.count == 5, let s = Hex.parse(String(f[1])), let e = Hex.parse(String(f[2])) {
                regions.append(Region(start: s, end: e, name: String(f[4])))
            } else if f.first == "VMSA-PAGEMAP", f.count == 3, let va = Hex.parse(String(f[1])), let e = Hex.parse(String(f[2])) {
                pagemap.append((va, e))
            }
        }
        #expect(Set(regions.map(\.name)) == ["anon", "sparse", "thp", "readonly", "protnone", "file", "shared"])
        let file = try #require(MappedFile(path: image))
        let tables = try TableImage.load(file)
        let pageShift = UInt64(Int(guest["PAGESIZE"])!.trailingZeroBitCount)
        var agreed = 0, protNone = 0, absent = 0
        for (va, entry) in pagemap {
            let region = try #require(regions.first { $0.start <= va && va < $0.end })
            let result = tables.translate(VirtualAddress(va), access: .read, el: .el0)
            if entry & Self.pagemapPresent == 0 {
                #expect(throws: TranslationFault.self, "\(Hex.format(va)) (\(region.name)) absent in pagemap but mapped") { try result.get() }
                absent += 1
            } else if case .success(let t) = result {
                #expect(t.pa.rawValue >> pageShift == entry & Self.pagemapPFNMask,
                        "\(Hex.format(va)) (\(region.name)): vmsa PA \(t.pa), pagemap PFN \(Hex.format(entry & Self.pagemapPFNMask))")
                agreed += 1
            } else {
                // Present to Linux, invalid to the MMU: a PROT_NONE entry as this kernel version lays it out.
                let (raw, level) = try #require(Self.leafEntry(tables, va), "\(Hex.format(va)): no entry")
                #expect(region.name == "protnone" && Self.kernelVersion(config).layout.modelPTE(raw, level: level).isProtNone,
                        "\(Hex.format(va)) (\(region.name)) present in pagemap, faults in vmsa: entry \(Hex.format(raw))")
                protNone += 1
            }
        }
        #expect(agreed > 0 && protNone > 0 && absent > 0)

        // The live forms read the guest directly.
        let probe = try #require(regions.first { $0.name == "anon" })
        let live = try VMSATool.run(["translate", "--gdb", guest["GDB"], "--stop-at", guest["SPIN"], "--el", "0", "--json",
                                     Hex.format(probe.start)])
        #expect(live.status == 0, "\(live.stderr)")
        let expected = try #require(pagemap.first { $0.va == probe.start }).entry & Self.pagemapPFNMask
        #expect(live.stdout.contains("\"pa\":\"\(Hex.format(expected << pageShift))\""), "\(live.stdout)")
        let dump = try VMSATool.run(["dump", "--gdb", guest["GDB"], "--format", "ptdump", "--ttbr", "1"])
        #expect(dump.status == 0 && dump.lines.count > 10, "\(dump.stderr)")

        // The per-process page size question on the probe's real PTEs (a 4K kernel's tables).
        var replayed = "-"
        let trace = work.appendingPathComponent("probe.jsonl").path
        let traced = try VMSATool.run(["trace", "--image", image, "--linux", Self.kernelVersion(config).rawValue, "-o", trace])
        if pageShift == Granule.k4.pageShift {
            #expect(traced.status == 0, "trace --image: \(traced.stderr)")
            let report = try VMSATool.run(["replay", trace, "--granule", "16k", "--report"])
            #expect(report.status == 0 && report.stdout.contains("Linux \(Self.kernelVersion(config).rawValue) tables"), "\(report.stdout)\(report.stderr)")
            replayed = report.lines.first { $0.contains("native") } ?? "?"
        } else {
            // The Linux model is 4K; a 16K kernel's tables are refused by name.
            #expect(traced.status == 65 && traced.stderr.contains("16K"), "\(traced.stderr)")
        }

        // A memory dump of the stopped guest, imported with the registers a
        // capture of the same stop reads, translates as the capture does.
        let core = work.appendingPathComponent("guest.core").path
        let qmp = try QMPClient(socketPath: guest["QMP"])
        _ = try qmp.execute(["stop"])
        _ = try qmp.execute(["dump-guest-memory"], arguments: [JSONObjectLiteral.dump(core)])
        let stopped = work.appendingPathComponent("stopped.img").path
        let again = try VMSATool.run(["capture", "--gdb", guest["GDB"], "-o", stopped])
        #expect(again.status == 0, "\(again.stderr)")
        let registers = work.appendingPathComponent("registers.json").path
        let regs = try VMSATool.run(["dump", stopped, "--format", "registers", "--json", "-o", registers])
        #expect(regs.status == 0)
        let imported = work.appendingPathComponent("imported.img").path
        let imp = try VMSATool.run(["import", "--core", core, "--registers", registers, "-o", imported])
        #expect(imp.status == 0, "import: \(imp.stderr)")
        let diff = try VMSATool.run(["diff", imported, stopped])
        #expect(diff.status == 0 && diff.stdout.contains("0 differing ranges"), "\(diff.stdout)\(diff.stderr)")
        try? FileManager.default.removeItem(atPath: core)

        let bytes = (try? FileManager.default.attributesOfItem(atPath: image)[.size] as? Int) ?? 0
        print("real kernel \(config): boot \(guest["BOOT_SECONDS"]) s; capture \(captured["tables"] ?? "?") tables in \(captured["seconds"] ?? "?") s, image \(bytes) bytes; gva2gpa agreed on \(checked) address checks; pagemap: \(agreed) pages agree, \(protNone) PROT_NONE (present, invalid in hardware), \(absent) absent; import of a dump-guest-memory core: \(imp.status == 0 && diff.status == 0 ? "same walks" : "DIFFERS"); replay: \(replayed)")
    }

    /// The entry the walk for `va` stops at, valid or not, and its level.
    static func leafEntry(_ image: TableImage, _ va: UInt64) -> (UInt64, Level)? {
        guard let ttbr = image.tcr.select(VirtualAddress(va)), case .success(var table)? = image.regime.root(ttbr, in: image) else { return nil }
        while true {
            let i = table.index(of: va)
            guard case .success(let next)? = image.regime.child(of: table, at: i, in: image) else { return (table[i], table.level) }
            table = next
        }
    }
}

/// QMP arguments the leg sends.
enum JSONObjectLiteral {
    /// dump-guest-memory to a file: an ELF core with one PT_LOAD per RAM block.
    static func dump(_ path: String) -> JSONObject {
        JSONObject([("paging", .bool(false)), ("protocol", .string("file:" + path))])
    }
}
