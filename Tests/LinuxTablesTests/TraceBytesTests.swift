import Testing
import VMSAJSON
@testable import LinuxTables

/// A trace line parsed from its bytes is the line parsed from a String.
@Suite struct TraceBytesTests {
    static func parse(_ line: String, number: Int) throws(JSONError) -> TableOperation {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) in try TableOperation.parse(line: buffer, number: number) }
        }.get()
    }

    @Test(arguments: [
        #"{"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}"#,
        #"{"op":"set_swap","addr":"0x7f0000010000","nr":16,"type":1,"offset":"0x100","exclusive":true}"#,
        #"{"op":"reclaim"}"#,
    ])
    func bytesAndStringsParseAlike(line: String) throws {
        #expect(try Self.parse(line, number: 3) == TableOperation.parse(line: line, number: 3))
    }

    @Test(arguments: [#"{"op":"set_ptes","addr":"0x7f0000000000","nr":16}"#, #"{"op":"reclaim""#, #"{"op":"source","linux":"v5.4"}"#])
    func errorsAreTheSame(line: String) {
        var fromString: JSONError?
        do { _ = try TableOperation.parse(line: line, number: 9) } catch { fromString = error }
        #expect(fromString != nil)
        #expect(throws: fromString!) { try Self.parse(line, number: 9) }
    }
}
