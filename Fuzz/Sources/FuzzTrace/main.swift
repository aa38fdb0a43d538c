import FuzzDriver
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

// The trace reader and the mirror: every line parses or throws one
// JSONError naming the line; every parsed operation applies or throws one
// LinuxTableError; nothing traps, whatever the order of operations.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    let granule: Granule = bytes.first.map { $0 & 1 == 0 ? .k16 : .k64 } ?? .k64
    let tables = processes[granule]!
    tables.reset()
    var number = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        number += 1
        guard let op = try? TableOperation.parse(line: String(line), number: number) else { continue }
        _ = try? tables.apply(op)
    }
}
