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
    /// With `stdinTerminal` standard input is a pseudo-terminal, as for a
    /// person typing: `stdin` is typed into it, then Ctrl-D.
    static func run(_ arguments: [String], stdin: String? = nil, cwd: URL? = nil,
                    stdout: StandardOutput = .captured, ignoringSIGPIPE: Bool = false, program: URL? = nil,
                    stdinTerminal: Bool = false) throws -> Result {
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
        var terminal: Int32 = -1
        if stdinTerminal {
            terminal = PseudoTerminal.openpt(O_RDWR | O_NOCTTY)
            guard terminal >= 0, PseudoTerminal.grantpt(terminal) == 0, PseudoTerminal.unlockpt(terminal) == 0,
                  let name = PseudoTerminal.ptsname(terminal) else {
                throw CocoaError(.fileReadUnknown)
            }
            // O_NOCTTY: the terminal must not become this process's own.
            let secondary = open(name, O_RDWR | O_NOCTTY)
            guard secondary >= 0 else { throw CocoaError(.fileReadUnknown) }
            p.standardInput = FileHandle(fileDescriptor: secondary, closeOnDealloc: true)
        } else {
            p.standardInput = inp
        }
        try p.run()
        defer { if terminal >= 0 { close(terminal) } }
        if terminal >= 0 {
            // Typed lines, then Ctrl-D at the start of a line: end of input.
            let typed = Array(((stdin ?? "") + "\u{04}").utf8)
            _ = typed.withUnsafeBytes { write(terminal, $0.baseAddress, $0.count) }
        }

        let group = DispatchGroup()
        let errData = Collected()
        let input = inp.fileHandleForWriting
        DispatchQueue.global().async(group: group) {
            // The child may exit without reading; a failed write is its business.
            if let stdin, !stdinTerminal { try? input.write(contentsOf: Data(stdin.utf8)) }
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

/// posix_openpt(3) and friends, looked up at run time: Swift's Glibc module
/// leaves them out (they are behind _XOPEN_SOURCE).
enum PseudoTerminal {
    private static func symbol<F>(_ name: String, as type: F.Type) -> F {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("libc has no \(name)") }
        return unsafeBitCast(address, to: type)
    }
    static let openpt = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    static let grantpt = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    static let unlockpt = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    private static let ptsnameC = symbol("ptsname", as: (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self)
    static func ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>? { ptsnameC(fd) }
}
