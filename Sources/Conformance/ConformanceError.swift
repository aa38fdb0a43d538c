import CShims
import VMSA

/// Why a conformance leg could not run (as opposed to running and finding a
/// mismatch). Each description is one sentence naming the value.
public enum ConformanceError: Error, Hashable, Sendable, CustomStringConvertible {
    case probesNotFound(searched: String)
    /// A file in the probe directory that is not an AArch64 executable.
    case notAProbe(path: String, found: String)
    case toolNotFound(name: String, package: String)
    case launchFailed(tool: String, reason: String)
    case timedOut(tool: String, seconds: Double)
    /// A probe exited with a run status (CShims.h VMSA_RUN_*) or a signal.
    case probeFailed(leg: ProbeLeg, status: Int32, detail: String)
    case malformedOutput(leg: ProbeLeg, reason: String)
    /// The image's table memory is not where the bare-metal probe can load it.
    case tablesOutsideProbeRAM(base: UInt64, size: UInt64, ram: ClosedRange<UInt64>)
    case io(path: String, reason: String)
    case layoutRejected(String)
    /// More addresses than the probe's buffer holds.
    case tooManyProbes(leg: ProbeLeg, count: Int, limit: Int)
    /// A regime-probe segment whose base or size is not a multiple of 8 bytes.
    case segmentNotAligned(base: UInt64, size: Int)
    /// An el3 run's tables do not map the EL3 window to itself; `par` is AT S1E2R's answer for it.
    case el3WindowUnmapped(par: PhysicalAddressRegister)

    public var description: String {
        switch self {
        case .probesNotFound(let searched):
            return "the AArch64 probes were not found (walk_probe, layout_probe and mmu_probe.elf in \(searched)); run `make probes` or set VMSA_PROBE_DIR"
        case .notAProbe(let path, let found):
            return "\(path) is \(found); expected an AArch64 ELF executable (rebuild with `make probes`)"
        case .toolNotFound(let name, let package):
            return "\(name) was not found on PATH; install the Debian package \(package) (`make deps`)"
        case .launchFailed(let tool, let reason):
            return "cannot run \(tool): \(reason)"
        case .timedOut(let tool, let seconds):
            return "\(tool) did not finish within \(seconds) seconds and was stopped"
        case .probeFailed(let leg, let status, let detail):
            return "the \(leg.rawValue) probe failed with status \(status)\(detail.isEmpty ? "" : ": " + detail)"
        case .malformedOutput(let leg, let reason):
            return "the \(leg.rawValue) probe's output is malformed: \(reason)"
        case .tablesOutsideProbeRAM(let base, let size, let ram):
            return "table memory \(Hex.short(base))-\(Hex.short(base &+ size &- 1)) is not inside \(Hex.short(ram.lowerBound))-\(Hex.short(ram.upperBound)), the RAM where the bare-metal probe can load it at its physical address"
        case .io(let path, let reason):
            return "cannot use \(path): \(reason)"
        case .layoutRejected(let reason):
            return "vmsa refused the layout: \(reason)"
        case .tooManyProbes(let leg, let count, let limit):
            return "\(count) addresses do not fit the \(leg.rawValue) probe's buffer; expected at most \(limit) per configuration"
        case .segmentNotAligned(let base, let size):
            return "segment \(Hex.short(base)) of \(size) bytes is not 8-byte aligned in base and size, as the regime probe copies it in 64-bit words"
        case .el3WindowUnmapped(let par):
            return "the EL3 tables do not map the EL3 window \(Hex.short(UInt64(VMSA_REGIME_WINDOW_PA)))-\(Hex.short(UInt64(VMSA_REGIME_WINDOW_PA) + UInt64(VMSA_REGIME_WINDOW_CODE_SIZE) - 1)) to itself (\(par))"
        }
    }
}
