/// One operation `vmsa bench` measures: a Swift implementation and, where
/// one exists, the plain-C reference compiled into the same binary.
/// Each closure runs the whole workload once and returns how many
/// operations it performed plus a checksum that keeps the optimiser honest.
struct BenchCase {
    let name: String
    /// What one operation is: "descriptor", "entry", "block", "leaf", "lookup", "batch".
    let unit: String
    let swift: () -> (operations: Int, checksum: UInt64)
    let c: (() -> (operations: Int, checksum: UInt64))?
}

/// Every group of bench cases, in the order `vmsa bench` runs them.
/// Each part of vmsa adds its group here.
enum BenchSuite {
    /// The largest useful `--scale`: the largest workload's full size. Past
    /// it every workload is already at its smallest.
    static let largestScale = max(CodecBench.fullCount, MirrorBench.fullCount)

    static func all(scale: Int) -> [BenchCase] {
        CodecBench.cases(scale: scale) + TableBench.cases(scale: scale) + MirrorBench.cases(scale: scale)
    }
}
