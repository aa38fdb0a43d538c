import Foundation
import VMSA

/// A file named on the command line, opened and read with the contract's
/// sentences: exit 66 in vmsa's own words for one that cannot be read (a
/// directory included), 65 for one over its bound. Every reader of an input
/// file by name goes through here.
enum InputFile {
    /// An open descriptor for reading `path`, which is not a directory.
    static func open(_ path: String) throws(CLIError) -> Int32 {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw cannotRead(path, errno) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw cannotRead(path, EISDIR)
        }
        return fd
    }

    /// The whole file, or at most `limit` bytes: one byte past the bound is
    /// read to tell, never the rest, so a device (/dev/zero) or a huge file
    /// stops at once; `expected` says what the file should be.
    static func read(_ path: String, atMost limit: Int? = nil, expected: String = "") throws(CLIError) -> Data {
        let fd = try open(path)
        defer { close(fd) }
        var data = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        while limit.map({ data.count <= $0 }) ?? true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(.ioError, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        if let limit, data.count > limit {
            throw CLIError(.dataError, "\(path) is larger than \(Hex.size(UInt64(limit))); expected \(expected)")
        }
        return data
    }

    /// Exit 66 naming the file and why, from `errno`, in one style for every
    /// input file (strerror's capitalised words read as a second sentence).
    static func cannotRead(_ path: String, _ code: Int32) -> CLIError {
        let why: String
        switch code {
        case ENOENT: why = "no such file"
        case EACCES: why = "permission denied"
        case EISDIR: why = "it is a directory, not a file"
        default:
            let text = String(cString: strerror(code))
            why = text.prefix(1).lowercased() + text.dropFirst()
        }
        return CLIError(.noInput, "cannot read \(path): \(why)")
    }
}
