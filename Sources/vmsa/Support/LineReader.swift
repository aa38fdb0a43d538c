#if canImport(Glibc)
import Glibc
#endif

/// Reads a text file line by line with getline(3), so memory stays flat
/// however long the file is. "-" reads standard input.
enum LineReader {
    static func forEachLine(path: String, _ body: (String, Int) throws -> Void) throws {
        let file: UnsafeMutablePointer<FILE>
        if path == "-" {
            // fdopen(0) rather than the global `stdin`, which Swift 6 treats as shared mutable state.
            guard let f = fdopen(0, "r") else { throw CLIError(.ioError, "cannot read standard input") }
            file = f
        } else {
            guard let f = fopen(path, "r") else {
                throw CLIError(.noInput, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            file = f
        }
        defer { if path != "-" { fclose(file) } }
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        while true {
            errno = 0
            let n = getline(&buffer, &capacity, file)
            if n < 0 {
                if ferror(file) != 0 { throw CLIError(.ioError, "cannot read \(path): \(String(cString: strerror(errno)))") }
                return
            }
            number += 1
            var length = n
            while length > 0, buffer![length - 1] == 0x0a || buffer![length - 1] == 0x0d { length -= 1 }
            let line = buffer!.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            try body(line, number)
        }
    }
}
