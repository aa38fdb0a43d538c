import Foundation
import Testing
@testable import vmsa

/// `vmsa bench --scale N` for any N in range: every workload keeps a size its
/// map and its C reference accept.
@Suite("bench --scale")
struct BenchSizingTests {
    static let block: UInt64 = 2 << 20

    /// (scale, 2M blocks mapped).
    static let sizes: [(Int, UInt64)] = [
        (1, 512), (2, 256), (3, 170), (7, 73), (100, 5), (101, 5), (512, 1), (513, 1), (1000, 1), (10_000_000, 1),
    ]

    @Test("the mapped size is whole 2M blocks, at least one, for any scale", arguments: sizes)
    func mappedBytes(scale: Int, blocks: UInt64) {
        #expect(TableBench.mappedBytes(scale: scale) == blocks * Self.block)
    }

    @Test("an odd scale runs every operation, and Swift and C agree")
    func oddScale() throws {
        let r = try VMSATool.run(["bench", "--json", "--scale", "101", "--repeat", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.compactMap { $0.split(separator: "\"").dropFirst(3).first.map(String.init) } == [
            "encode", "decode", "map-4k", "map-2m", "walk", "walk-sequence", "translate", "translate-sparse",
            "mirror-set-ptes", "mirror-set-ptes-rootwalk", "mirror-native-entry", "mirror-native-entry-rootwalk",
        ])
    }

    @Test("a scale below 1 or past the largest workload is a usage error", arguments: [
        ("0", "vmsa: --scale 0 is out of range; expected 1 to 10000000, where every workload is at its smallest\n"),
        ("-3", "vmsa: --scale -3 is out of range; expected 1 to 10000000, where every workload is at its smallest\n"),
        ("10000001", "vmsa: --scale 10000001 is out of range; expected 1 to 10000000, where every workload is at its smallest\n"),
        ("1e3", "vmsa: the value '1e3' is invalid for '--scale <scale>'; expected a decimal integer\n"),
    ])
    func badScale(value: String, message: String) throws {
        let r = try VMSATool.run(["bench", "--scale=" + value])
        #expect(r.status == 64)
        #expect(r.stderr == message)
        #expect(r.stdout.isEmpty)
    }
}
