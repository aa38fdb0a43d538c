import Foundation
import GuestCapture
import VMSA
import VMSAJSON
import VMSATables

/// `conform --gdb --qmp`: a live guest's capture checked against QEMU's own
/// walker (see `GroundTruthCheck`).
enum LiveConformance {
    /// Addresses asked about when --probes does not say.
    static let defaultProbes = 5000
    /// Disagreements printed in full; the rest are counted.
    static let printedDisagreements = 20

    static func run(_ guest: GuestOptions, qmp path: String, probes: Int?, seed: UInt64, json: Bool) throws {
        let qmp = try GuestOptions.mapping { () throws(GuestError) in try QMPClient(socketPath: path) }
        let started = Date()
        let (gdb, capture) = try guest.connect()
        let captureSeconds = Date().timeIntervalSince(started)
        guest.report(capture)
        let addresses = GroundTruthCheck.addresses(in: capture.image, limit: probes ?? defaultProbes, seed: seed)
        // The guest stays stopped where it was captured until QEMU has
        // answered: from the EL it stopped at, and when that was EL0, from
        // EL1 too (the kernel half is what EL1 can reach) with PAN off and,
        // on a CPU with PAN, on.
        let stoppedAt: ExceptionLevel = capture.pstate.exceptionLevel == 0 ? .el0 : .el1
        let checks = try GuestOptions.mapping { () throws(GuestError) -> [GroundTruthCheck] in
            var out = [try GroundTruthCheck(capture, addresses: addresses, el: stoppedAt, pan: capture.pstate.pan, qmp: qmp)]
            guard stoppedAt == .el0 else { return out }
            for pan in capture.panSupport > 0 ? [false, true] : [false] {
                out.append(try capture.withProcessorState(el: 1, pan: pan, gdb) { () throws(GuestError) in
                    try GroundTruthCheck(capture, addresses: addresses, el: .el1, pan: pan, qmp: qmp)
                })
            }
            return out
        }
        try GuestOptions.mapping { () throws(GuestError) in try gdb.detach() }
        var failedTotal = 0
        for check in checks {
            failedTotal += report(check, capture, guest, captureSeconds, json: json)
        }
        if failedTotal > 0 { throw CLIError(.checkFailed, "vmsa and QEMU disagree on \(failedTotal) address\(failedTotal == 1 ? "" : "es")") }
    }

    /// Prints one EL's disagreements and summary; returns the disagreements.
    static func report(_ check: GroundTruthCheck, _ capture: GuestCapture, _ guest: GuestOptions, _ captureSeconds: Double,
                       json: Bool) -> Int {

        let faults = FaultKind.allCases.compactMap { k in check.faults[k].map { (k.rawValue, JSONValue.int($0)) } }
        for d in check.disagreements.prefix(json ? Int.max : printedDisagreements) {
            if json {
                Output.json([("va", .hex(d.va)), ("el", .int(check.el.rawValue)), ("vmsa", .string(d.vmsa)), ("qemu", .string(d.qemu)), ("walk", .string(d.walk))])
            } else {
                Output.line("\(Hex.format(d.va)) from EL\(check.el.rawValue): vmsa \(d.vmsa), QEMU \(d.qemu); vmsa's walk: \(d.walk)")
            }
        }
        let failed = check.disagreements.count
        if json {
            Output.json([("summary", .bool(true)), ("el", .int(check.el.rawValue)), ("pan", .bool(check.pan)), ("checked", .int(check.checked)), ("passed", .int(check.checked - failed)),
                         ("failed", .int(failed)), ("mapped", .int(check.mapped)), ("unmapped", .int(check.unmapped)),
                         ("faults", .object(JSONObject(faults))),
                         ("ttbr0", .int(check.perHalf[.ttbr0] ?? 0)), ("ttbr1", .int(check.perHalf[.ttbr1] ?? 0)),
                         ("tables", .int(capture.tables)), ("captureSeconds", .number(String(format: "%.3f", captureSeconds))),
                         ("el", .int(capture.pstate.exceptionLevel)), ("pan", .bool(capture.pstate.pan))])
        } else {
            if failed > printedDisagreements { Output.line("… and \(failed - printedDisagreements) more") }
            let faultText = faults.map { "\($0.0) \($0.1.jsonText)" }.joined(separator: ", ")
            Output.line("gdb \(guest.address ?? "?"): \(capture.tables) tables captured in \(String(format: "%.2f", captureSeconds)) s, stopped at EL\(capture.pstate.exceptionLevel) (PAN=\(capture.pstate.pan ? 1 : 0)); from EL\(check.el.rawValue)\(check.el == .el1 ? " with PAN=\(check.pan ? 1 : 0)" : ""), \(check.checked) addresses (TTBR0 \(check.perHalf[.ttbr0] ?? 0), TTBR1 \(check.perHalf[.ttbr1] ?? 0)) against QEMU's gva2gpa: \(check.mapped) mapped and \(check.unmapped) unmapped alike\(faultText.isEmpty ? "" : " (\(faultText))")")
            Output.line("\(check.checked - failed) passed, \(failed) failed")
        }
        return failed
    }
}
