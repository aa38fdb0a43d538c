import Testing
@testable import GuestCapture
import VMSA

@Suite("GDB remote protocol packets")
struct PacketTests {
    @Test func framesWithChecksumAndEscapes() {
        // "m0,4": the checksum is the byte sum mod 256, two lowercase hex digits.
        let sum = "m0,4".utf8.reduce(UInt8(0)) { $0 &+ $1 }
        #expect(GDBPacket.frame("m0,4") == Array("$m0,4#\(String(sum, radix: 16))".utf8))
        // '#', '$', '}' and '*' travel as '}' then the byte XOR 0x20.
        #expect(GDBPacket.frame("a#") == [0x24, 0x61, 0x7d, 0x03, 0x23] + Array(String((0x61 + 0x7d + 0x03) & 0xff, radix: 16).utf8))
    }

    @Test func decodesEscapesAndRunLengths() {
        // "0* " is '0' then 32 - 29 = 3 more: "0000".
        #expect(GDBPacket.decode(Array("0* ".utf8)) == "0000")
        #expect(GDBPacket.decode([0x7d, 0x03]) == "#")
        #expect(GDBPacket.decode(Array("*!".utf8)) == nil)
        #expect(GDBPacket.decode([0x7d]) == nil)
    }

    @Test func hexReplies() {
        #expect(GDBPacket.bytes(fromHex: "0011ff") == [0, 0x11, 0xff])
        #expect(GDBPacket.bytes(fromHex: "E14") == nil)
        #expect(GDBPacket.bytes(fromHex: "") == nil)
        #expect(GDBPacket.bytes(fromHex: "zz") == nil)
    }

    @Test func targetDescriptionNumbersRegistersAsGDBDoes() throws {
        let xml = """
            <?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd">
            <target><architecture>aarch64</architecture>
            <feature name="org.gnu.gdb.aarch64.core"><!-- <reg name="fake" bitsize="8"/> -->
            <reg name="x0" bitsize="64" regnum="0"/><reg name="x1" bitsize="64"/>
            <reg name="cpsr" bitsize="32" regnum="33"/><reg name='SCTLR' bitsize='64'/></feature></target>
            """
        let d = try TargetDescription(text: xml)
        #expect(d.architecture == "aarch64")
        #expect(try d.register(["x1"]).number == 1)
        #expect(try d.register(["CPSR"]).number == 33)
        #expect(try d.register(["SCTLR_EL1", "SCTLR"]).number == 34)
        #expect(d.registers["fake"] == nil)
        #expect(throws: GuestError.self) { try d.register(["TTBR0_EL1"]) }
    }
}

@Suite("Replies a stub may send, however malformed")
struct MalformedReplyTests {
    /// Random bytes drawn mostly from the characters that matter to the
    /// parsers, so escapes, run lengths, tags and quotes meet every state.
    static func noise(_ rng: inout SplitMix64, _ alphabet: [UInt8]) -> [UInt8] {
        (0..<Int(rng.next() % 200)).map { _ in
            rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
        }
    }

    @Test func packetDecodingNeverTraps() {
        var rng = SplitMix64(seed: 0x6462)
        let alphabet = Array("}*#$0aF ".utf8)
        for _ in 0..<5_000 {
            let raw = Self.noise(&rng, alphabet)
            if let text = GDBPacket.decode(raw) {
                // Without escapes or run lengths, decoding is the identity.
                if !raw.contains(GDBPacket.escape), !raw.contains(GDBPacket.runLength) {
                    #expect(Array(text.utf8) == raw || String(decoding: raw, as: UTF8.self) == text)
                }
            }
            _ = GDBPacket.bytes(fromHex: String(decoding: raw, as: UTF8.self))
        }
    }

    @Test func targetDescriptionParsingNeverTraps() {
        var rng = SplitMix64(seed: 0x786d6c)
        let alphabet = Array("<reg name=\"x\" bitsize='64' regnum=\"1\"/><!-- --><?xi:include href=\"a\"/>> ".utf8)
        var parsed = 0
        for _ in 0..<5_000 {
            let text = String(decoding: Self.noise(&rng, alphabet), as: UTF8.self)
            if (try? TargetDescription(text: text)) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }
}
