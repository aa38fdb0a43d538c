import Foundation

/// Writes a file through a temporary file in the same directory and a
/// rename, so a reader never sees a half-written file. If the process is
/// interrupted (SIGINT, SIGTERM, SIGHUP) while writing, the temporary file
/// is removed before the process dies of the signal.
enum AtomicFile {
    /// The temporary file being written, as a C string the signal handler
    /// can use without allocating; nil when none is being written.
    nonisolated(unsafe) private static var pendingTemp: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var handlersInstalled = false
    static let interruptingSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Creates the temporary file, lets `body` append to it, then renames it
    /// to `path`. Any failure removes the temporary file and throws exit 74.
    static func write(to path: String, _ body: (FileHandle) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        func fail(_ reason: String) -> CLIError {
            unregister()
            try? FileManager.default.removeItem(at: temp)
            return CLIError(.ioError, "cannot write \(path): \(reason)")
        }
        installHandlers()
        register(temp.path)
        guard FileManager.default.createFile(atPath: temp.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temp) else {
            throw fail("cannot create a file in \(directory.path)")
        }
        do {
            try body(handle)
            try handle.close()
        } catch let e as CLIError {
            try? handle.close()
            _ = fail(e.message)
            throw e
        } catch {
            try? handle.close()
            throw fail(error.localizedDescription)
        }
        if rename(temp.path, url.path) != 0 { throw fail(String(cString: strerror(errno))) }
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
