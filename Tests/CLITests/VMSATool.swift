import Foundation

/// Runs the built `vmsa` binary, which sits next to the test bundle.
enum VMSATool {
    /// A new, empty directory for one test's files.
    static func scratchDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("vmsa-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static var binary: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("vmsa")
    }

    /// Where the child's standard output goes.
    enum StandardOutput {
        /// A pipe this process reads to the end.
        case captured
        /// A file or device opened for writing (e.g. /dev/full).
        case file(String)
        /// A pipe whose read end is closed before the child starts, so its
        /// first write fails (EPIPE with SIGPIPE ignored).
        case closedPipe
    }

    /// Runs `vmsa arguments`. Standard input is written, and standard error
    /// read, on their own threads while this one reads standard output: a
    /// child that answers line by line would otherwise fill one pipe while
    /// the test is still blocked writing or reading another.
    /// With `ignoringSIGPIPE` the child starts with SIGPIPE ignored, as under
    /// Python's subprocess or some CI runners.
    /// `program` runs another executable (a project script) the same way.
    static func run(_ arguments: [String], stdin: String? = nil, cwd: URL? = nil,
                    stdout: StandardOutput = .captured, ignoringSIGPIPE: Bool = false, program: URL? = nil) throws -> Result {
        let p = Process()
        if ignoringSIGPIPE {
            // An ignored signal stays ignored across exec.
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "trap '' PIPE; exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            p.executableURL = program ?? binary
            p.arguments = arguments
        }
        if let cwd { p.currentDirectoryURL = cwd }
        let err = Pipe(), inp = Pipe()
        var out: Pipe?
        switch stdout {
        case .captured:
            out = Pipe()
            p.standardOutput = out
        case .file(let path):
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission) }
            p.standardOutput = handle
        case .closedPipe:
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
            close(fds[0])
            p.standardOutput = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        }
        p.standardError = err
        p.standardInput = inp
        try p.run()

        let group = DispatchGroup()
        let errData = Collected()
        let input = inp.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            // The child may exit without reading; a failed write is its business.
            if let stdin { try? input.write(contentsOf: Data(stdin.utf8)) }
            try? input.close()
        }
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errData.set(errHandle.readDataToEndOfFile()) }
        let o = out?.fileHandleForReading.readDataToEndOfFile() ?? Data()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// Data handed from a reader thread back to the test.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func set(_ d: Data) { lock.withLock { data = d } }
        func get() -> Data { lock.withLock { data } }
    }
}
