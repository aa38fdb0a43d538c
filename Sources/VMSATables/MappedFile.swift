#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped private and writable: pages are read from the file
/// only when touched, and a write (a patched descriptor) copies that page
/// for this process alone, never reaching the file. An image loaded this
/// way costs what its tables cost, not what the file holds.
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes, mapped MAP_PRIVATE with PROT_READ | PROT_WRITE.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Maps `path`; nil with `errno` set when it cannot be opened or mapped.
    /// An empty file maps as an empty buffer.
    public init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        // A directory or a device is not an image file.
        guard (st.st_mode & S_IFMT) == S_IFREG else { errno = EISDIR; return nil }
        let length = Int(st.st_size)
        guard length > 0 else {
            bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        bytes = UnsafeMutableRawBufferPointer(start: p, count: length)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(base, bytes.count) }
    }
}
