import Testing
@testable import VMSAJSON

/// `JSONParser.parse(utf8:)` reads bytes in place and agrees with the String parser.
@Suite struct ParseBytesTests {
    static func parseBytes(_ text: String) throws(JSONError) -> JSONValue {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONError) in try JSONParser.parse(utf8: buffer) } }.get()
    }

    @Test(arguments: [
        #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#,
        #"{"z":1,"a":[true,false,null],"n":-12.5e3,"s":"tab\tq\"\\\u00e9\n"}"#,
        "  [1, 2, {\"k\": \"é\"}]\r",
    ])
    func bytesAndStringsParseAlike(text: String) throws {
        #expect(try Self.parseBytes(text) == JSONParser.parse(text))
    }

    @Test func errorsCountLinesAndColumns() {
        let text = "[1,\n 2,\n x]"
        #expect(throws: JSONError("invalid JSON at line 3, column 2: expected a value")) { try JSONParser.parse(text) }
        #expect(throws: JSONError("invalid JSON at line 3, column 2: expected a value")) { try Self.parseBytes(text) }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        let bytes: [UInt8] = Array("\"a".utf8) + [0xff] + Array("\"".utf8)
        #expect(throws: JSONError("invalid JSON at line 1, column 5: string is not valid UTF-8")) {
            try bytes.withUnsafeBufferPointer { buffer in Result { () throws(JSONError) in try JSONParser.parse(utf8: buffer) } }.get()
        }
    }
}
