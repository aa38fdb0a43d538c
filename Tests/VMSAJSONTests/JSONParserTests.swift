import Testing
@testable import VMSAJSON

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test("parse then write keeps key order, exact numbers and escapes")
    func roundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null],"n":-12.5e3,"big":18446744073709551615,"s":"tab\tq\"\\\u00e9\n"}"#
        let v = try JSONParser.parse(text)
        #expect(v.jsonText == #"{"z":1,"a":[true,false,null],"n":-12.5e3,"big":18446744073709551615,"s":"tab\tq\"\\é\n"}"#)
        #expect(v["big"] == .number("18446744073709551615"))
    }

    @Test("surrogate pairs decode to one scalar")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test("control characters are escaped on output")
    func controlEscapes() {
        #expect(JSONValue.string("a\u{01}b").jsonText == #""a\u0001b""#)
    }

    @Test("malformed text: the error names line, column and what was expected", arguments: [
        ("{\"a\":1,}", "invalid JSON at line 1, column 8: expected a key string"),
        ("{\"a\":1 \"b\":2}", "invalid JSON at line 1, column 8: expected ',' or '}' in object"),
        ("{\"a\":1,\"a\":2}", "invalid JSON at line 1, column 11: duplicate key \"a\""),
        ("[1,2", "invalid JSON at line 1, column 5: unterminated array"),
        ("01", "invalid JSON at line 1, column 3: leading zero in number"),
        ("1.", "invalid JSON at line 1, column 3: expected digits after '.'"),
        ("\"abc", "invalid JSON at line 1, column 5: unterminated string"),
        ("\"\\x\"", "invalid JSON at line 1, column 4: invalid escape in string"),
        ("\"\\ud800\"", "invalid JSON at line 1, column 8: unpaired surrogate in string"),
        ("{}\n x", "invalid JSON at line 2, column 2: unexpected text after the JSON value"),
        ("tru", "invalid JSON at line 1, column 1: expected true"),
        ("", "invalid JSON at line 1, column 1: expected a value, found the end of the text"),
    ])
    func malformed(text: String, message: String) {
        #expect(throws: JSONError(message)) { try JSONParser.parse(text) }
    }

    @Test("a string reads the same whether an escape comes first, later or never", arguments: [
        (#""plain""#, "plain"),
        (#""""#, ""),
        (#""a long string without any escape in it""#, "a long string without any escape in it"),
        (#""\tfirst""#, "\tfirst"),
        (#""after a long plain prefix\n""#, "after a long plain prefix\n"),
        (#""x\"y\\z\/""#, "x\"y\\z/"),
        (#""caf\u00e9 and é""#, "café and é"),
    ])
    func strings(text: String, value: String) throws {
        #expect(try JSONParser.parse(text) == .string(value))
    }

    @Test("a control character or the end inside a string is found where it is, escape or not", arguments: [
        ("\"ab\u{01}c\"", "invalid JSON at line 1, column 4: control character in string"),
        ("\"a\\nb\u{01}c\"", "invalid JSON at line 1, column 6: control character in string"),
        ("\"a\\nbc", "invalid JSON at line 1, column 7: unterminated string"),
        ("\"abc\\", "invalid JSON at line 1, column 6: unterminated escape"),
    ])
    func stringErrors(text: String, message: String) {
        #expect(throws: JSONError(message)) { try JSONParser.parse(text) }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONError("invalid JSON at line 1, column 65: nesting deeper than 64 levels")) {
            try JSONParser.parse(deep)
        }
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect((try? JSONParser.parse(ok)) != nil)
    }
}

@Suite("Strict object reader")
struct JSONObjectReaderTests {
    @Test("typed reads and unknown-key rejection")
    func reads() throws {
        var r = try JSONObjectReader(try JSONParser.parse(#"{"va":"0xffff_0000_0000_0000","n":3,"f":true,"s":"x"}"#), context: "mapping 1")
        #expect(try r.hex("va") == 0xFFFF_0000_0000_0000)
        #expect(try r.int("n", in: 0...7) == 3)
        #expect(try r.bool("f") == true)
        #expect(try r.optionalString("s") == "x")
        #expect(try r.optionalHex("absent") == nil)
        try r.finish()
    }

    @Test("a value in a string is hex, 0x or not; a number is decimal")
    func hexStrings() throws {
        var r = try JSONObjectReader(try JSONParser.parse(#"{"a":"0068000041200fc3","b":"4096","c":4096,"d":"0X1f"}"#), context: "line 1")
        #expect(try r.hex("a") == 0x0068_0000_4120_0fc3)
        #expect(try r.hex("b") == 0x4096)
        #expect(try r.hex("c") == 4096)
        #expect(try r.hex("d") == 0x1f)
        try r.finish()
    }

    /// The rule `parseUInt64` reads in place, spelled as copies: strip a
    /// `0x`, drop the underscores, read the rest as base 16, no sign.
    static func copyingParse(_ text: String) -> UInt64? {
        var s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        let digits = s.filter { $0 != "_" }
        guard !digits.isEmpty, digits.first != "+", digits.first != "-" else { return nil }
        return UInt64(digits, radix: 16)
    }

    @Test("hex strings: in-place reading agrees with the copying rule, on edge cases and every short string")
    func hexRule() {
        var cases = ["", "0x", "0X", "_", "0x_", "0", "0x0", "00", "ffff_ffff_ffff_ffff", "0xFFFFFFFFFFFFFFFF",
                     "1_0000_0000_0000_0000", "0000000000000000000001", "0x00000000000000000ffffffffffffffff",
                     "+1", "-1", "0x+1", "0x-0", "0xg", "g", "0x 1", " 1", "1 ", "0x\u{301}1", "١", "0x1__2", "x1", "0xx1"]
        // Every string of up to four characters the rule tells apart (digits
        // at both ends of each range, non-digits, the prefix, the separator,
        // signs, space, non-ASCII).
        let alphabet: [String] = ["0", "9", "a", "f", "A", "F", "g", "x", "X", "_", "+", "-", " ", "é"]
        var short = [""]
        for _ in 0..<4 {
            short = short.flatMap { s in alphabet.map { s + $0 } }
            cases += short
        }
        for text in cases {
            #expect(JSONObjectReader.parseUInt64(text) == Self.copyingParse(text), "\(text.debugDescription)")
        }
    }

    @Test("each wrong value gets one sentence naming it", arguments: [
        (#"{"va":"0xzz"}"#, "hex", #"mapping 1: "va" is "0xzz"; expected a hex string such as "0x40000000""#),
        (#"{"va":"0x1_0000_0000_0000_0000"}"#, "hex", #"mapping 1: "va" is "0x1_0000_0000_0000_0000"; expected a hex string such as "0x40000000""#),
        (#"{"va":-1}"#, "hex", #"mapping 1: "va" is -1; expected a hex string such as "0x40000000""#),
        (#"{"n":8}"#, "int", #"mapping 1: "n" is 8; expected an integer from 0 to 7"#),
        (#"{"n":1.5}"#, "int", #"mapping 1: "n" is 1.5; expected an integer from 0 to 7"#),
        (#"{"f":1}"#, "bool", #"mapping 1: "f" is 1; expected true or false"#),
        (#"{}"#, "bool", #"mapping 1: "f" is missing; expected true or false"#),
    ])
    func wrong(text: String, kind: String, message: String) throws {
        var r = try JSONObjectReader(try JSONParser.parse(text), context: "mapping 1")
        #expect(throws: JSONError(message)) {
            switch kind {
            case "hex": _ = try r.hex("va")
            case "int": _ = try r.int("n", in: 0...7)
            default: _ = try r.bool("f")
            }
        }
    }

    @Test("an unknown key is named with the known ones")
    func unknownKey() throws {
        var r = try JSONObjectReader(try JSONParser.parse(#"{"va":"0x0","colour":"red"}"#), context: "mapping 2")
        _ = try r.hex("va")
        _ = try r.optionalBool("af")
        #expect(throws: JSONError(#"mapping 2: unknown key "colour"; expected one of "af", "va""#)) { try r.finish() }
    }

    @Test("a non-object is rejected")
    func notObject() throws {
        #expect(throws: JSONError("line 3 is an array; expected an object")) {
            try JSONObjectReader(.array([]), context: "line 3")
        }
    }

    /// The byte-by-byte hex reader against the rule it implements, spelled
    /// the plain way: drop `0x`, drop underscores, read base 16.
    @Test("hex strings read as the filter-and-parse rule reads them")
    func hexStringsMatchTheRule() {
        func rule(_ text: String) -> UInt64? {
            var s = Substring(text)
            if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
            let digits = s.filter { $0 != "_" }
            guard !digits.isEmpty, digits.first != "+", digits.first != "-" else { return nil }
            return UInt64(digits, radix: 16)
        }
        let fixed = ["", "0x", "0X", "_", "0x_", "0", "0x0", "00", "0xF", "0xfFfF_fFfF_ffff_ffff", "0x1_0000_0000_0000_0000",
                     "ffffffffffffffff", "10000000000000000", "0000000000000000000001", "+1", "-1", "0x+1", "0xx1", "0x1x",
                     " 1", "1 ", "g", "0xé", "١", "0x0068000041200fc3", "0X1f", "__1__"]
        for text in fixed { #expect(JSONObjectReader.parseUInt64(text) == rule(text), "\(text)") }
        let alphabet = Array("0123456789abcdefABCDEFxX_+-g ")
        var state: UInt64 = 0x1234_5678
        for _ in 0..<20000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 59)
            var text = ""
            for k in 0..<length { text.append(alphabet[Int((state >> UInt64(k * 2 % 50)) % UInt64(alphabet.count))]) }
            if state & 1 == 0 { text = "0x" + text }
            #expect(JSONObjectReader.parseUInt64(text) == rule(text), "\(text)")
        }
    }
}
