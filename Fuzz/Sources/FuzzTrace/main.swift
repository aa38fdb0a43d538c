import FuzzDriver
#if canImport(Glibc)
import Glibc
#endif
import LinuxTables
import VMSA

/// Linux page-table pages a fuzzed trace may allocate: bounds memory while
/// leaving room for every operation kind.
let linuxTablePages = 1 << 10

/// One process per native granule, reset before each input: a reset
/// process is a new one (LinuxTablesTests' ResetTests), without allocating
/// its tables' memory again for every input.
let processes = Dictionary(uniqueKeysWithValues: [Granule.k16, .k64].map { granule in
    guard let tables = try? ProcessTables(native: granule, linuxTableLimit: linuxTablePages) else {
        preconditionFailure("a process with a \(granule) native table cannot be created")
    }
    return (granule, tables)
})

/// The byte that ends a trace line.
let newline = UInt8(ascii: "\n")

// The trace reader and the mirror: every line parses or throws one
// JSONError naming the line; every parsed operation applies or throws one
// LinuxTableError; nothing traps, whatever the order of operations.
runFuzzer { bytes in
    let granule: Granule = bytes.first.map { $0 & 1 == 0 ? .k16 : .k64 } ?? .k64
    let tables = processes[granule]!
    tables.reset()
    // Lines end at each newline byte, as `vmsa replay` reads them: found
    // with memchr, not by splitting Characters, which costs a grapheme break
    // (and an instrumented comparison) per byte and keeps "\r\n", one
    // Character, inside a line.
    guard let base = bytes.baseAddress else { return }
    var start = 0
    var number = 0
    while start <= bytes.count {
        let end = memchr(base + start, Int32(newline), bytes.count - start).map { UnsafeRawPointer($0) - base } ?? bytes.count
        number += 1
        // Parsed in place, as bytes: no String per line.
        let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end]).bindMemory(to: UInt8.self)
        start = end + 1
        guard let op = try? TableOperation.parse(line: line, number: number) else { continue }
        _ = try? tables.apply(op)
    }
}
