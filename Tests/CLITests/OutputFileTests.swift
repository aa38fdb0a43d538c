import Foundation
import Testing

/// `-o PATH` writes what PATH names and loses nothing else: symlinks are
/// followed, devices and FIFOs written in place, a file's mode kept, `-` is
/// standard output.
@Suite("-o PATH writes what PATH names")
struct OutputFileTests {
    static let layout = "examples/layouts/per-process-64k.json"

    /// A fresh directory for one test, removed afterwards by the caller.
    static func scratch(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vmsa-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func build(_ output: String) throws -> VMSATool.Result {
        try VMSATool.run(["build", layout, "-o", output], cwd: InterruptedWriteTests.repositoryRoot)
    }

    /// The image `build` writes, read back from a plain file.
    static func reference(in dir: URL) throws -> Data {
        let path = dir.appendingPathComponent("reference.img").path
        let r = try build(path)
        #expect(r.status == 0, "\(r.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func fileType(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    @Test("a symbolic link is followed: its target is written and the link stays a link")
    func symlinkTarget() throws {
        let dir = try Self.scratch("symlink")
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.reference(in: dir)
        let sub = dir.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let target = sub.appendingPathComponent("target.img").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        let link = dir.appendingPathComponent("link.img").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/target.img")

        let r = try Self.build(link)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/target.img")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == expected)
        // The temporary file went beside the target, and nothing was left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: sub.path) == ["target.img"])
    }

    @Test("a dangling symbolic link creates its target")
    func danglingSymlink() throws {
        let dir = try Self.scratch("dangling")
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.reference(in: dir)
        let link = dir.appendingPathComponent("link.img").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "new.img")
        let r = try Self.build(link)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType(link) == S_IFLNK)
        #expect(try Data(contentsOf: dir.appendingPathComponent("new.img")) == expected)
    }

    @Test("/dev/null stays a character device")
    func devNull() throws {
        let r = try Self.build("/dev/null")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.fileType("/dev/null") == S_IFCHR)
    }

    @Test("a FIFO is written, not replaced")
    func fifo() throws {
        let dir = try Self.scratch("fifo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.reference(in: dir)
        let path = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(path, 0o600) == 0)
        // Our own writer end first, so the reader waits for vmsa instead of
        // seeing end of file, and a vmsa that never opens the FIFO cannot
        // leave the reader blocked: closing it ends the read either way.
        let holder = open(path, O_RDWR)
        let readEnd = open(path, O_RDONLY)
        #expect(holder >= 0 && readEnd >= 0)
        let received = Received()
        let reader = Thread {
            received.set(FileHandle(fileDescriptor: readEnd, closeOnDealloc: true).readDataToEndOfFile())
            received.done.signal()
        }
        reader.start()
        let r = try Self.build(path)
        close(holder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(received.done.wait(timeout: .now() + 60) == .success)
        #expect(received.get() == expected)
        #expect(Self.fileType(path) == S_IFIFO)
    }

    @Test("an existing file keeps its mode")
    func modeKept() throws {
        let dir = try Self.scratch("mode")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("secret.img").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600]))
        let r = try Self.build(path)
        #expect(r.status == 0, "\(r.stderr)")
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 3)
    }

    @Test("a hard-linked file is replaced: the other name keeps the old contents, as documented")
    func hardLink() throws {
        let dir = try Self.scratch("hardlink")
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.reference(in: dir)
        let path = dir.appendingPathComponent("a.img").path, other = dir.appendingPathComponent("b.img").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        #expect(link(path, other) == 0)
        let r = try Self.build(path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == expected)
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == Data("old".utf8))
    }

    @Test("-o - writes the image to standard output, and nothing else")
    func standardOutput() throws {
        let dir = try Self.scratch("stdout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try Self.reference(in: dir)
        let out = dir.appendingPathComponent("captured.img").path
        #expect(FileManager.default.createFile(atPath: out, contents: nil))
        let r = try VMSATool.run(["build", Self.layout, "-o", "-"], cwd: InterruptedWriteTests.repositoryRoot, stdout: .file(out))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == expected)
        #expect(!FileManager.default.fileExists(atPath: InterruptedWriteTests.repositoryRoot.appendingPathComponent("-").path))
    }

    @Test("dump -o - prints to standard output")
    func dumpToStandardOutput() throws {
        let dir = try Self.scratch("dump")
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("i.img").path
        #expect(try Self.build(image).status == 0)
        let plain = try VMSATool.run(["dump", image, "--format", "registers"])
        let dashed = try VMSATool.run(["dump", image, "--format", "registers", "-o", "-"])
        #expect(dashed.status == 0, "\(dashed.stderr)")
        #expect(!plain.stdout.isEmpty)
        #expect(dashed.stdout == plain.stdout)
    }

    @Test("-o - with --json is a usage error")
    func standardOutputWithJSON() throws {
        let r = try VMSATool.run(["build", Self.layout, "-o", "-", "--json"], cwd: InterruptedWriteTests.repositoryRoot)
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("vmsa: -o - writes the image to standard output"))
    }

    @Test("a directory is refused in one sentence")
    func directory() throws {
        let dir = try Self.scratch("dir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.build(dir.path)
        #expect(r.status == 74)
        #expect(r.stderr == "vmsa: cannot write \(dir.path): it is a directory\n")
    }

    /// Data handed from the FIFO's reader thread back to the test.
    private final class Received: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var data = Data()
        func set(_ d: Data) { lock.withLock { data = d } }
        func get() -> Data { lock.withLock { data } }
    }
}
