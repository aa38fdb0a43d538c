import Foundation
import Testing

@Suite("Output files are never half-written")
struct InterruptedWriteTests {
    /// 64 GiB of 4K pages: 128 MiB of tables, so the write takes long enough
    /// to be interrupted in the middle.
    static let bigLayout = """
        { "tablesBase": "0x40000000", "paBits": 48, "mair": ["normal-wb"],
          "ttbr0": { "granule": "4k", "vaBits": 48 },
          "mappings": [ { "va": "0x1000000000", "pa": "0x1000000000", "size": "0x1000000000", "leaf": "pages" } ] }
        """

    @Test("SIGTERM during `vmsa build -o` leaves neither the image nor its temporary file")
    func interruptedBuild() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vmsa-interrupt-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.bigLayout.write(to: dir.appendingPathComponent("big.json"), atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = VMSATool.binary
        p.arguments = ["build", "big.json", "-o", "big.img"]
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the temporary file to appear, then interrupt the write.
        let deadline = Date().addingTimeInterval(60)
        var sawTemp = false
        while Date() < deadline, p.isRunning {
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            if names.contains(where: { $0.hasPrefix(".big.img.tmp-") }) {
                sawTemp = true
                kill(p.processIdentifier, SIGTERM)
                break
            }
            usleep(200)
        }
        p.waitUntilExit()
        #expect(sawTemp, "the build never started writing")
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGTERM)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left == ["big.json"], "left behind: \(left)")
    }

    @Test("a write that fails leaves nothing behind and exits 74")
    func failedWrite() throws {
        let r = try VMSATool.run(["build", "examples/layouts/per-process-64k.json", "-o", "/proc/vmsa-cannot-write/x.img"],
                                 cwd: Self.repositoryRoot)
        #expect(r.status == 74)
        #expect(r.stderr.hasPrefix("vmsa: cannot write /proc/vmsa-cannot-write/x.img: "))
    }

    /// The package root, three levels above the test binary's .build/<triple>/debug.
    static var repositoryRoot: URL {
        var url = VMSATool.binary.deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url = url.deletingLastPathComponent()
        }
        return url
    }
}
