import Foundation
import Testing

/// The live-guest forms' command-line contract, without a guest: what a
/// bad address, an unreachable stub and a missing option each exit with.
@Suite("capture and --gdb: errors")
struct CaptureCLITests {
    @Test(arguments: [
        (["capture", "-o", "x.img"], Int32(64), "vmsa: capture needs --gdb HOST:PORT\n"),
        (["capture", "--gdb", "localhost", "-o", "x.img"], 64, "vmsa: localhost is not a usable address: expected HOST:PORT, such as localhost:1234\n"),
        (["capture", "--gdb", "127.0.0.1:1", "-o", "x.img"], 66, "vmsa: cannot connect to 127.0.0.1:1: Connection refused\n"),
        (["dump", "--stop-at", "0x400000"], 64, "vmsa: --stop-at needs --gdb HOST:PORT\n"),
        (["dump", "a.img", "--gdb", "127.0.0.1:1"], 64, "vmsa: give an image file or --gdb HOST:PORT, not both\n"),
        (["dump"], 64, "vmsa: missing an image file (or --gdb HOST:PORT for a live guest)\n"),
        (["translate", "--gdb", "127.0.0.1:1", "0x1000"], 66, "vmsa: cannot connect to 127.0.0.1:1: Connection refused\n"),
        (["conform", "--gdb", "127.0.0.1:1"], 64, "vmsa: a live guest needs both --gdb HOST:PORT and --qmp PATH\n"),
        (["conform", "--gdb", "127.0.0.1:1", "--qmp", "/nonexistent/qmp.sock"], 66,
         "vmsa: cannot connect to /nonexistent/qmp.sock: No such file or directory\n"),
    ])
    func errorsAreOneSentenceWithTheirStatus(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let dir = try VMSATool.scratchDirectory("capture-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try VMSATool.run(arguments, cwd: dir)
        #expect(r.status == status)
        #expect(r.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.img").path))
    }
}

@Suite("Shell completion scripts")
struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func everyShellGetsEveryCommand(_ shell: String) throws {
        let r = try VMSATool.run(["--generate-completion-script", shell])
        #expect(r.status == 0)
        for command in ["decode", "capture", "import", "translate", "conform", "replay", "trace"] {
            #expect(r.stdout.contains(command), "\(shell) completion lacks \(command)")
        }
    }
}
