#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Standard output and standard error over write(2).
///
/// Standard output is buffered: one write(2) per `capacity` bytes instead of
/// one per line, and flushed at every line when it is a terminal so that
/// interactive use still answers line by line. Foundation's
/// `FileHandle.write(_: Data)` traps on a failed write (SIGILL on a full disk
/// or, with SIGPIPE ignored, on a closed pipe); these writers never trap.
///
/// A failed write to standard output ends the command where it happens, the
/// way SIGPIPE does for C tools: nothing later can reach the reader, and a
/// status after the fact would need every caller to check every line.
/// - EPIPE (the reader went away, `vmsa … | head -1` with SIGPIPE ignored):
///   exit quietly with status 0, the reader got all it wanted.
/// - Any other error (ENOSPC from /dev/full, EIO): one sentence on standard
///   error and exit 74 (EX_IOERR).
/// A failed write to standard error is ignored: there is nowhere left to say so.
final class StandardStreams: @unchecked Sendable {
    static let shared = StandardStreams()

    /// Bytes buffered before a write(2); a pipe's default capacity on Linux.
    static let capacity = 64 * 1024

    /// Guards `buffer`: `vmsa conform` reports results from worker threads.
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    private let lineBuffered = isatty(STDOUT_FILENO) != 0

    private init() { buffer.reserveCapacity(Self.capacity) }

    /// Appends `text` to standard output.
    func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        buffer.append(contentsOf: text.utf8)
        if lineBuffered || buffer.count >= Self.capacity { flushLocked() }
    }

    /// Appends raw bytes (an image written with `-o -`) to standard output;
    /// large writes go straight to write(2) instead of through the buffer.
    func write(bytes: UnsafeRawBufferPointer) {
        lock.lock()
        defer { lock.unlock() }
        if buffer.count + bytes.count <= Self.capacity {
            buffer.append(contentsOf: bytes)
            if buffer.count == Self.capacity { flushLocked() }
            return
        }
        flushLocked()
        if let failure = Self.writeAll(STDOUT_FILENO, bytes) { Self.stdoutFailed(errno: failure) }
    }

    /// Writes whatever standard output holds. Call before writing to standard
    /// error (so messages keep their place among the results) and before exit.
    func flush() {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
    }

    /// Writes `text` to standard error at once, after flushing standard output.
    func writeError(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
        _ = Array(text.utf8).withUnsafeBytes { Self.writeAll(STDERR_FILENO, $0) }
    }

    private func flushLocked() {
        guard !buffer.isEmpty else { return }
        let failure = buffer.withUnsafeBytes { Self.writeAll(STDOUT_FILENO, $0) }
        buffer.removeAll(keepingCapacity: true)
        if let failure { Self.stdoutFailed(errno: failure) }
    }

    /// Writes all of `bytes` to `fd`, resuming after short writes and EINTR.
    /// Returns the errno of a failed write, nil when everything was written.
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let n = systemWrite(fd, next, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += n
            remaining -= n
        }
        return nil
    }

    private static func stdoutFailed(errno code: Int32) -> Never {
        AtomicFile.abandon()
        if code == EPIPE { exit(ExitStatus.success.rawValue) }
        let message = "vmsa: cannot write to standard output: \(String(cString: strerror(code)))\n"
        _ = Array(message.utf8).withUnsafeBytes { writeAll(STDERR_FILENO, $0) }
        exit(ExitStatus.ioError.rawValue)
    }
}

/// write(2), under a name the methods called `write` do not shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #else
    Darwin.write(fd, bytes, count)
    #endif
}
