import Foundation

/// Writes `-o PATH` so that a reader never sees a half-written file and
/// nothing at PATH is lost that the user did not mean to replace:
/// - `-` is standard output.
/// - A symbolic link is followed to its real target (even a dangling one),
///   and the target is written; the link stays.
/// - Anything that is not a regular file (a device such as /dev/null, a
///   FIFO, a socket) is written directly: it is never replaced.
/// - A regular file, or a new one, is written through a temporary file in
///   the target's directory and a rename. The new file keeps an existing
///   file's mode (0600 stays 0600) and, where permitted, its owner.
/// - A file with other hard links: the rename gives PATH a new file and the
///   other names keep the old contents. Writing in place would keep the
///   links but could leave a half-written file, which the contract forbids.
///
/// If the process is interrupted (SIGINT, SIGTERM, SIGHUP) while writing,
/// the temporary file is removed before the process dies of the signal.
enum AtomicFile {
    /// The temporary file being written, as a C string the signal handler
    /// can use without allocating; nil when none is being written.
    nonisolated(unsafe) private static var pendingTemp: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var handlersInstalled = false
    static let interruptingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The `-o` spelling of standard output.
    static let standardOutputName = "-"

    /// Symbolic links followed before giving up, as the kernel does (MAXSYMLINKS).
    static let maxSymbolicLinks = 40

    /// Whether `path` names standard output rather than a file.
    static func isStandardOutput(_ path: String) -> Bool { path == standardOutputName }

    /// Where `write(to:)`'s body puts its bytes.
    struct Sink {
        /// nil: standard output, through `StandardStreams`.
        fileprivate let fd: Int32?

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            guard let fd else { StandardStreams.shared.write(bytes: bytes); return }
            guard var next = bytes.baseAddress else { return }
            var remaining = bytes.count
            while remaining > 0 {
                let n = Foundation.write(fd, next, remaining)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteFailure(code: errno)
                }
                next += n
                remaining -= n
            }
        }

        func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }
    }

    /// A failed write(2), by its errno.
    private struct WriteFailure: Error { let code: Int32 }

    /// Lets `body` write everything, to `path` as described above. Any
    /// failure removes the temporary file and throws exit 74.
    static func write(to path: String, _ body: (Sink) throws -> Void) throws {
        if isStandardOutput(path) { return try body(Sink(fd: nil)) }
        let target = try resolve(path)
        var existing = stat()
        if stat(target, &existing) != 0 {
            guard errno == ENOENT else { throw CLIError(.ioError, "cannot write \(path): \(String(cString: strerror(errno)))") }
            return try replace(target, as: path, keeping: nil, body)
        }
        switch existing.st_mode & S_IFMT {
        case S_IFREG: try replace(target, as: path, keeping: existing, body)
        case S_IFDIR: throw CLIError(.ioError, "cannot write \(path): it is a directory")
        default: try writeInPlace(target, as: path, body)
        }
    }

    /// Follows symbolic links from `path` to the name they end at, which
    /// need not exist yet.
    private static func resolve(_ path: String) throws -> String {
        var current = path
        for _ in 0..<maxSymbolicLinks {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else {
                throw CLIError(.ioError, "cannot write \(path): cannot read the symbolic link \(current)")
            }
            // A relative link is relative to the directory holding it.
            current = link.hasPrefix("/") ? link
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(link).path
        }
        throw CLIError(.ioError, "cannot write \(path): more than \(maxSymbolicLinks) symbolic links")
    }

    /// A device, FIFO or socket: open it and write, as a shell redirection would.
    private static func writeInPlace(_ target: String, as path: String, _ body: (Sink) throws -> Void) throws {
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError(.ioError, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        do {
            try body(Sink(fd: fd))
        } catch let failure as WriteFailure {
            throw CLIError(.ioError, "cannot write \(path): \(String(cString: strerror(failure.code)))")
        }
    }

    /// A regular file or a new one: a temporary file beside it, then a rename.
    private static func replace(_ target: String, as path: String, keeping existing: stat?,
                                _ body: (Sink) throws -> Void) throws {
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        func fail(_ reason: String) -> CLIError {
            unregister()
            unlink(temp)
            return CLIError(.ioError, "cannot write \(path): \(reason)")
        }
        installHandlers()
        register(temp)
        // A new file gets 0666 less the umask, as the shell would create it;
        // O_EXCL so a stale name from an earlier run is never written through.
        let newMode: mode_t = 0o666
        var fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, newMode)
        if fd < 0, errno == EEXIST, unlink(temp) == 0 { fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, newMode) }
        guard fd >= 0 else { throw fail("cannot create a file in \(directory.path)") }
        if let existing {
            // Owner first: chown clears set-user-ID bits that fchmod then restores.
            _ = fchown(fd, existing.st_uid, existing.st_gid)
            let permissionBits: mode_t = 0o7777
            if fchmod(fd, existing.st_mode & permissionBits) != 0 {
                close(fd)
                throw fail(String(cString: strerror(errno)))
            }
        }
        do {
            try body(Sink(fd: fd))
        } catch let e as CLIError {
            close(fd)
            _ = fail(e.message)
            throw e
        } catch let failure as WriteFailure {
            close(fd)
            throw fail(String(cString: strerror(failure.code)))
        } catch {
            close(fd)
            throw fail("\(error)")
        }
        if close(fd) != 0 { throw fail(String(cString: strerror(errno))) }
        if rename(temp, target) != 0 { throw fail(String(cString: strerror(errno))) }
        unregister()
    }

    /// Removes the temporary file being written, if any: the process is about
    /// to exit without finishing it.
    static func abandon() {
        if let p = pendingTemp { unlink(p) }
        unregister()
    }

    private static func register(_ path: String) {
        unregister()
        pendingTemp = strdup(path)
    }

    private static func unregister() {
        let p = pendingTemp
        pendingTemp = nil
        free(p)
    }

    private static func installHandlers() {
        guard !handlersInstalled else { return }
        handlersInstalled = true
        // A parent may have started us with these signals blocked (a test
        // runner's thread, for one); a blocked SIGTERM would only arrive
        // after the rename, so make sure they can interrupt the write.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in interruptingSignals { sigaddset(&set, sig) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for sig in interruptingSignals {
            signal(sig) { sig in
                // Async-signal-safe only: unlink, restore the default action, re-raise.
                if let p = AtomicFile.pendingTemp { unlink(p) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}
