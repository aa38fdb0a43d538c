import Foundation
import Testing

/// A command given no value reads standard input; on a terminal it says so,
/// once, on standard error, so that it does not look hung. Through a pipe it
/// says nothing.
@Suite("Standard input on a terminal")
struct TerminalInputTests {
    @Test("the note names what is read, once, and the values still decode", arguments: [
        (["decode", "--json"], "0x3\n0x703\n", "vmsa: reading values from standard input, one per line (end with Ctrl-D)\n", 2),
        (["tcr", "decode", "--json"], "0x0000001580903519\n", "vmsa: reading values from standard input, one per line (end with Ctrl-D)\n", 1),
        (["encode", "--json"], #"{"kind":"invalid"}"# + "\n", "vmsa: reading JSON Lines from standard input (end with Ctrl-D)\n", 1),
        (["replay", "-", "--granule", "64k"], #"{"op":"mkold","addr":"0x7f0000000000","nr":1}"# + "\n",
         "vmsa: reading the trace from standard input, one operation per line (end with Ctrl-D)\n", 1),
    ])
    func terminal(args: [String], typed: String, note: String, lines: Int) throws {
        let r = try VMSATool.run(args, stdin: typed, stdinTerminal: true)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == note)
        #expect(r.lines.count == lines)
    }

    @Test("through a pipe there is no note")
    func pipe() throws {
        let r = try VMSATool.run(["decode", "--json"], stdin: "0x3\n")
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
    }
}
