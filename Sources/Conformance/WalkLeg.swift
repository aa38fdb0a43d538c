import CShims
import Foundation
import VMSA
import VMSATables

/// The walk leg: the AArch64 table walker (asm/walk_probe.S) under
/// qemu-aarch64 walks vmsa's image for a list of addresses; for each of the
/// six accesses its answer must equal `TableImage.translate`, including the
/// output address, leaf level, descriptor and effective attributes.
package enum WalkLeg {
    /// Seconds a walk probe may take.
    static let timeLimit = 120.0

    /// Runs the walker over `vas` and compares.
    public static func check(_ image: TableImage, vas: [UInt64], toolchain: ProbeToolchain) throws(ConformanceError) -> LegResult {
        let start = Date()
        let records = try run(image, vas: vas, toolchain: toolchain)
        var result = LegResult(leg: .walk)
        for (i, va) in vas.enumerated() {
            result.record(compare(image, va: va, record: records[i]), deviations: [])
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// The walker's records, one per address.
    static func run(_ image: TableImage, vas: [UInt64], toolchain: ProbeToolchain) throws(ConformanceError) -> [vmsa_walk_result] {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var input = ProbeInput(leg: .walk, tcr: image.tcr, mair: image.mair, ttbr0: image.ttbr0, ttbr1: image.ttbr1,
                               tablesBase: image.tablesBase, tablesSize: image.tablesSize, recordCount: vas.count)
        image.withWords { input.append(words: $0) }
        for va in vas { input.append(va.littleEndian) }
        try input.write(to: scratch.file("in"))
        let (status, stderr) = try ProbeProcess(executable: toolchain.qemuUser, arguments: [toolchain.walkProbe],
                                                standardInput: scratch.file("in"), standardOutput: scratch.file("out"),
                                                timeLimit: timeLimit).run()
        guard status == 0 else { throw .probeFailed(leg: .walk, status: status, detail: stderr) }
        let output = try ProbeOutput(path: scratch.file("out"), leg: .walk)
        let stride = Int(VMSA_WALK_RECORD_SIZE)
        try output.expect(records: vas.count, stride: stride, leg: .walk)
        return (0..<vas.count).map { output.record($0, stride: stride, as: vmsa_walk_result.self) }
    }

    /// Mismatches between the walker's record for `va` and vmsa.
    static func compare(_ image: TableImage, va: UInt64, record r: vmsa_walk_result) -> [Mismatch] {
        var found: [Mismatch] = []
        guard r.va == va else {
            return [Mismatch(leg: .walk, va: va, check: "record order", vmsa: Hex.format(va), probe: Hex.format(r.va), walk: [])]
        }
        let statuses = withUnsafeBytes(of: r.access) { Array($0) }
        for access in ProbeAccess.allCases {
            let expected = image.translate(VirtualAddress(va), access: access.kind, el: access.el)
            let status = statuses[access.rawValue]
            let agrees: Bool
            switch expected {
            case .success(let t):
                agrees = status == UInt8(VMSA_STATUS_OK) && r.pa == t.pa.rawValue && Int(r.level) == t.level.rawValue
                    && r.descriptor == t.descriptor.rawValue && UInt64(r.ap) == t.ap.rawValue
                    && r.xn == (t.pxn ? UInt8(VMSA_WALK_XN_PXN) : 0) | (t.uxn ? UInt8(VMSA_WALK_XN_UXN) : 0)
                    && UInt64(r.sh) == t.sh.rawValue && r.attr == t.mairAttr.rawValue
            case .failure(let f):
                agrees = status == UInt8(VMSA_STATUS_FAULT) | f.statusCode
            }
            if !agrees {
                found.append(Mismatch(leg: .walk, va: va, check: access.description, vmsa: expected.answerText,
                                      probe: answerText(r, status: status), walk: image.walkTrace(va)))
            }
        }
        return found
    }

    static func answerText(_ r: vmsa_walk_result, status: UInt8) -> String {
        if status & UInt8(VMSA_STATUS_FAULT) != 0 {
            return FaultStatus.describe(status) + " (walk stopped at level \(r.level), descriptor \(Descriptor(rawValue: r.descriptor)))"
        }
        return "PA \(PhysicalAddress(r.pa)) level \(r.level) ATTR \(MemoryAttribute(rawValue: r.attr)) SH \(r.sh) AP \(r.ap) PXN \(r.xn & UInt8(VMSA_WALK_XN_PXN)) UXN \((r.xn & UInt8(VMSA_WALK_XN_UXN)) >> 1) descriptor \(Descriptor(rawValue: r.descriptor))"
    }
}
