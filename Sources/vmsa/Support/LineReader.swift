import VMSA
#if canImport(Glibc)
import Glibc
#endif

/// Reads text line by line from a file or standard input in fixed chunks, so
/// memory stays flat however long the input is, and refuses a line longer
/// than `maximumLineBytes` before it is read whole. Every reader of
/// line-oriented input (traces, values and JSON Lines on standard input)
/// goes through here.
final class LineReader {
    /// The most bytes one input line may hold (without its newline). Real
    /// lines (a trace record, a value, a JSON descriptor) are a few hundred
    /// bytes; the bound keeps a runaway line, such as binary data piped in by
    /// mistake, from costing memory in proportion to its length.
    static let maximumLineBytes = 1 << 20
    /// read(2) size.
    private static let chunkBytes = 1 << 16

    private let fd: Int32
    private let path: String
    /// How errors name a line: "line" or "standard input line".
    private let place: String
    private let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LineReader.chunkBytes)
    private var start = 0, end = 0, atEnd = false
    private var line: [UInt8] = []
    /// The number of the line `next()` returned last (1-based).
    private(set) var number = 0

    private init(fd: Int32, path: String, place: String) {
        self.fd = fd
        self.path = path
        self.place = place
    }

    /// Standard input. On a terminal it says once what it is waiting for
    /// (`reading`, e.g. "values from standard input, one per line"), so a command given no
    /// value does not look hung.
    convenience init(standardInputNamedBy place: String = "line", reading: String) {
        if isatty(STDIN_FILENO) != 0 { Output.note("reading \(reading) (end with Ctrl-D)") }
        self.init(fd: STDIN_FILENO, path: "-", place: place)
    }

    /// A file; "-" is standard input.
    convenience init(path: String, place: String = "line", reading: String) throws(CLIError) {
        guard path != "-" else { self.init(standardInputNamedBy: place, reading: reading); return }
        self.init(fd: try InputFile.open(path), path: path, place: place)
    }

    deinit {
        chunk.deallocate()
        if fd != STDIN_FILENO { close(fd) }
    }

    /// The next line without its line ending, or nil at the end of the input.
    func next() throws(CLIError) -> String? {
        line.removeAll(keepingCapacity: true)
        while true {
            if start == end {
                if atEnd { return finish(line.isEmpty ? nil : line) }
                let n = read(fd, chunk.baseAddress, chunk.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    let what = path == "-" ? "standard input" : path
                    throw CLIError(.ioError, "cannot read \(what): \(String(cString: strerror(errno)))")
                }
                if n == 0 { atEnd = true; continue }
                start = 0
                end = n
            }
            let base = chunk.baseAddress! + start
            let newline = memchr(base, 0x0a, end - start)
            let stop = newline.map { start + (UnsafeRawPointer($0) - UnsafeRawPointer(base)) } ?? end
            guard line.count + (stop - start) <= Self.maximumLineBytes else {
                throw CLIError(.dataError, "\(place) \(number + 1) is longer than \(Hex.size(UInt64(Self.maximumLineBytes))), the most one input line may hold")
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<stop]))
            if newline == nil {
                start = end
            } else {
                start = stop + 1
                return finish(line)
            }
        }
    }

    private func finish(_ bytes: [UInt8]?) -> String? {
        guard var bytes else { return nil }
        number += 1
        if bytes.last == 0x0d { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with each line and its number.
    static func forEachLine(path: String, place: String = "line", reading: String, _ body: (String, Int) throws -> Void) throws {
        let reader = try LineReader(path: path, place: place, reading: reading)
        while let text = try reader.next() { try body(text, reader.number) }
    }
}
