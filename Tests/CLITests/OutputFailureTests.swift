import Foundation
import Testing

/// A write to standard output that fails never crashes the tool: a full
/// device is an I/O error (exit 74, one sentence), a reader that went away
/// ends the command quietly.
@Suite("Failed writes to standard output")
struct OutputFailureTests {
    @Test("standard output on a full device: exit 74 and one sentence", arguments: [
        ["decode", "0x3"],
        ["decode", "--json", "0x3", "0x3"],
        ["geometry", "--granule", "16k", "--va-bits", "47"],
    ])
    func fullDevice(args: [String]) throws {
        let r = try VMSATool.run(args, stdout: .file("/dev/full"))
        #expect(r.status == 74)
        #expect(r.stderr == "vmsa: cannot write to standard output: No space left on device\n")
    }

    @Test("more output than one buffer on a full device still fails at the first write")
    func fullDeviceLarge() throws {
        let r = try VMSATool.run(["decode", "--json"] + Array(repeating: "0x3", count: 2000), stdout: .file("/dev/full"))
        #expect(r.status == 74)
        #expect(r.stderr == "vmsa: cannot write to standard output: No space left on device\n")
    }

    @Test("a closed pipe with SIGPIPE ignored: exit 0, nothing on standard error", arguments: [1, 2000])
    func closedPipe(values: Int) throws {
        let r = try VMSATool.run(["decode", "--json"] + Array(repeating: "0x3", count: values),
                                 stdout: .closedPipe, ignoringSIGPIPE: true)
        #expect(r.status == 0)
        #expect(r.stderr == "")
    }

    @Test("a closed pipe with SIGPIPE at its default: the signal ends the tool, as it does C tools")
    func closedPipeDefault() throws {
        let r = try VMSATool.run(["decode", "0x3"], stdout: .closedPipe)
        #expect(r.status == SIGPIPE)
        #expect(r.stderr == "")
    }

    @Test("results printed before an error are flushed, and the error follows them")
    func flushedBeforeError() throws {
        let r = try VMSATool.run(["decode", "--json", "0x3", "zz"])
        #expect(r.status == 65)
        #expect(r.lines.count == 1)
        #expect(r.lines.first?.hasPrefix("{\"raw\":\"0x0000000000000003\"") == true)
        #expect(r.stderr == "vmsa: descriptor \"zz\" is not a 64-bit hex value\n")
    }

    @Test("output larger than the buffer arrives whole and in order")
    func largeOutput() throws {
        let values = (0..<3000).map { "0x\(String($0 << 12 | 3, radix: 16))" }
        let r = try VMSATool.run(["decode", "--json"] + values)
        #expect(r.status == 0)
        #expect(r.lines.count == values.count)
        #expect(r.lines.last?.hasPrefix("{\"raw\":\"0x0000000000bb7003\"") == true)
    }

    @Test("a command that answers line by line can take more standard input than a pipe holds")
    func largeStandardInput() throws {
        let count = 4000
        let line = #"{"kind":"page","outputAddress":"0x40000000","af":true}"#
        let r = try VMSATool.run(["encode", "--json"], stdin: String(repeating: line + "\n", count: count))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines == Array(repeating: #"{"raw":"0x0000000040000403"}"#, count: count))
    }

    @Test("standard error on a full device does not crash the tool: the status still says what happened")
    func fullStandardError() throws {
        let p = Process()
        p.executableURL = VMSATool.binary
        p.arguments = ["decode", "zz"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 65)
    }
}
