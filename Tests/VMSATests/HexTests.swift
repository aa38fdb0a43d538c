import Testing
import VMSA

/// `Hex` spells values in place: the same text as the radix conversion it replaced.
@Suite struct HexTests {
    /// `0x`, zero padding to `digits`, then `String(radix: 16)`: the old spelling.
    static func reference(_ value: UInt64, digits: Int) -> String {
        let s = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static let values: [UInt64] = [0, 1, 9, 0xa, 0xf, 0x10, 0xff, 0xabc_def0, 0x8000_0000, 0xffff_ffff, 0x1_0000_0000,
                                   0x1234_5678_9abc_def0, 0xffff_0000_0000_1000, 1 << 63, ~0]

    @Test(arguments: [-1, 0, 1, 2, 8, 12, 13, 14, 15, 16, 17, 20, 40])
    func formatPadsToTheDigitsAskedFor(digits: Int) {
        for v in Self.values {
            #expect(Hex.format(v, digits: digits) == Self.reference(v, digits: digits))
            var text = "a "
            Hex.append(v, digits: digits, to: &text)
            #expect(text == "a " + Self.reference(v, digits: digits))
        }
    }

    @Test func shortIsTheShortestSpelling() {
        for v in Self.values {
            #expect(Hex.short(v) == "0x" + String(v, radix: 16))
            var text = ""
            Hex.append(v, digits: Hex.shortest, to: &text)
            #expect(text == Hex.short(v))
        }
        #expect(Hex.format(0x4010_0000) == "0x0000000040100000")
    }

    @Test func sizes() {
        #expect(Hex.size(4096) == "4 KiB")
        #expect(Hex.size(3) == "3 B")
        #expect(Hex.size(1 << 30) == "1 GiB")
        #expect(Hex.size(0x1800) == "6 KiB")
    }
}
