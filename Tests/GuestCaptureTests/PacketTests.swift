import Testing
@testable import GuestCapture

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
