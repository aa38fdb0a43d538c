import ArgumentParser
import Foundation
import GuestCapture
import VMSA
import VMSAJSON
import VMSATables

struct CaptureCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture a live guest's translation tables through its GDB stub into an image.",
        discussion: """
            Talks the GDB remote protocol to QEMU's gdbstub (qemu-system-aarch64 -gdb tcp::PORT) or any \
            stub that describes the AArch64 system registers: reads TTBR0_EL1, TTBR1_EL1, TCR_EL1, \
            MAIR_EL1, SCTLR_EL1 and PSTATE (EL, PAN), switches the stub to physical memory, reads only \
            the table pages reachable from both TTBRs, and writes a version 2 image that records the \
            registers and CPU state. The guest is stopped while it is read (QEMU stops it when a \
            debugger connects) and runs on afterwards. A table outside the guest's memory is named in \
            a warning; its walks show as not captured.
            """)

    @OptionGroup var guest: GuestOptions
    @Option(name: .shortAndLong, help: "The image file to write; - for standard output.") var output: String
    @Flag(help: "Print a JSON object describing the capture.") var json = false

    func validate() throws {
        if guest.address == nil { throw ValidationError("capture needs --gdb HOST:PORT") }
        if AtomicFile.isStandardOutput(output), json { throw ValidationError("-o - writes the image to standard output, which leaves no room for --json") }
    }

    func execute() throws {
        let started = Date()
        let (gdb, capture) = try guest.connect()
        let seconds = Date().timeIntervalSince(started)
        try GuestOptions.mapping { () throws(GuestError) in try gdb.detach() }
        guest.report(capture)
        try ImageFiles.write(capture.image, to: output)
        if AtomicFile.isStandardOutput(output) { return }
        let image = capture.image
        if json {
            Output.json([("image", .string(output)), ("tables", .int(capture.tables)), ("missing", .int(capture.missing.count)),
                         ("bytes", .hex(image.capturedBytes)), ("segments", .int(image.memorySegments.count)),
                         ("reads", .int(capture.reads)), ("seconds", .number(String(format: "%.3f", seconds))),
                         ("el", .int(capture.pstate.exceptionLevel)), ("pan", .bool(capture.pstate.pan))]
                        + TableJSON.registerFields(image))
        } else {
            Output.line("\(output): \(capture.tables) tables, \(Hex.size(image.capturedBytes)) in \(image.memorySegments.count) segments, read in \(String(format: "%.2f", seconds)) s; EL\(capture.pstate.exceptionLevel), PAN=\(capture.pstate.pan ? 1 : 0), TTBR0_EL1 \(Hex.format(image.ttbr0.rawValue)), TTBR1_EL1 \(Hex.format(image.ttbr1.rawValue))")
        }
    }
}
