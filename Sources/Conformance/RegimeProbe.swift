import CShims
import Foundation

/// Runs the regime probe (asm/regime_probe.S) under `qemu-system-aarch64 -M
/// virt,secure=on,virtualization=on -cpu max`: it starts at EL3 and answers
/// AT instructions for the EL2, EL2&0, EL3 and stage-2 regimes over the
/// memory and registers of each `RegimeProbeInput`.
package enum RegimeProbe {
    static let timeLimit = 60.0
    /// secure=on starts the probe at EL3; virtualization=on gives it EL2.
    static let machine = "virt,secure=on,virtualization=on,highmem=off"

    /// One run: a record per address of `input`, in order.
    public static func run(_ input: RegimeProbeInput, toolchain: ProbeToolchain) throws(ConformanceError) -> [RegimeProbeRecord] {
        try run([input], toolchain: toolchain)[0]
    }

    /// Several runs in one boot (the probe clears memory and registers in
    /// between): the records of each input, in order.
    public static func run(_ inputs: [RegimeProbeInput], toolchain: ProbeToolchain) throws(ConformanceError) -> [[RegimeProbeRecord]] {
        guard FileManager.default.isReadableFile(atPath: toolchain.regimeProbe) else {
            throw .io(path: toolchain.regimeProbe, reason: "is missing; run `make probes`")
        }
        try ProbeBinary.check(toolchain.regimeProbe)
        var file = ProbeInput()
        for input in inputs {
            try input.validate()
            input.append(to: &file)
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        try file.write(to: scratch.file("in"))
        let arguments = BareMetalQEMU.arguments(machine: machine, kernel: toolchain.regimeProbe,
                                                input: scratch.file("in"), output: scratch.file("out"))
        let (status, stderr) = try ProbeProcess(executable: toolchain.qemuSystem, arguments: arguments,
                                                standardInput: nil, standardOutput: nil, timeLimit: timeLimit).run()
        let output = try ProbeOutput(path: scratch.file("out"), leg: .regime)
        guard status == 0 else { throw .probeFailed(leg: .regime, status: status, detail: stderr) }
        let stride = Int(VMSA_REGIME_RECORD_SIZE)
        let total = inputs.reduce(0) { $0 + $1.vas.count }
        try output.expect(records: total, stride: stride, leg: .regime)
        var next = 0
        return inputs.map { input in
            defer { next += input.vas.count }
            return (next..<(next + input.vas.count)).map {
                RegimeProbeRecord(output.record($0, stride: stride, as: vmsa_regime_result.self), regime: input.regime)
            }
        }
    }
}
