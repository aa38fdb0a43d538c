import Foundation

/// Where the cross-compiled probes and the two QEMUs are.
public struct ProbeToolchain: Hashable, Sendable {
    /// Directory holding `walk_probe`, `layout_probe`, `mmu_probe.elf` and
    /// `regime_probe.elf` (`make probes` puts them in `.build-probes/`).
    public var probeDirectory: String
    /// `qemu-aarch64` (Debian package qemu-user).
    package var qemuUser: String
    /// `qemu-system-aarch64` (Debian package qemu-system-arm).
    package var qemuSystem: String

    public init(probeDirectory: String, qemuUser: String, qemuSystem: String) {
        self.probeDirectory = probeDirectory
        self.qemuUser = qemuUser
        self.qemuSystem = qemuSystem
    }

    /// The environment variable naming the probe directory.
    package static let probeDirectoryVariable = "VMSA_PROBE_DIR"
    /// The directory name `make probes` builds into, at the package root.
    package static let probeDirectoryName = ".build-probes"
    static let probeFiles = ["walk_probe", "layout_probe", "mmu_probe.elf"]

    var walkProbe: String { probeDirectory + "/walk_probe" }
    var layoutProbe: String { probeDirectory + "/layout_probe" }
    var mmuProbe: String { probeDirectory + "/mmu_probe.elf" }
    /// Not among `probeFiles`: `vmsa conform` does not run it yet, so
    /// `RegimeProbe` checks it when it runs.
    var regimeProbe: String { probeDirectory + "/regime_probe.elf" }

    /// Finds the probes (the given directory, else $VMSA_PROBE_DIR, else a
    /// `.build-probes` directory above the working directory or the running
    /// executable) and the QEMUs on PATH.
    public static func locate(probeDirectory: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConformanceError) -> ProbeToolchain {
        let fm = FileManager.default
        func hasProbes(_ dir: String) -> Bool {
            probeFiles.allSatisfy { fm.isReadableFile(atPath: dir + "/" + $0) }
        }
        var candidates: [String] = []
        if let probeDirectory {
            candidates = [probeDirectory]
        } else if let fromEnvironment = environment[probeDirectoryVariable], !fromEnvironment.isEmpty {
            candidates = [fromEnvironment]
        } else {
            // The running executable (Linux: /proc/self/exe), so that an
            // installed or `swift run` binary finds the tree it was built in.
            let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            for start in [fm.currentDirectoryPath, executable.deletingLastPathComponent().path] {
                var dir = URL(fileURLWithPath: start).standardizedFileURL
                for _ in 0..<6 {
                    candidates.append(dir.appendingPathComponent(probeDirectoryName).path)
                    dir.deleteLastPathComponent()
                }
            }
        }
        guard let found = candidates.first(where: hasProbes) else {
            let searched = probeDirectory ?? environment[probeDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 }
            throw .probesNotFound(searched: searched ?? "\(probeDirectoryName) above the working directory or the vmsa executable")
        }
        // Before the QEMUs: a junk probe is the first thing to fix.
        for name in probeFiles { try ProbeBinary.check(found + "/" + name) }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func which(_ name: String, _ package: String) throws(ConformanceError) -> String {
            for dir in path where fm.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
            throw .toolNotFound(name: name, package: package)
        }
        return ProbeToolchain(probeDirectory: URL(fileURLWithPath: found).standardizedFileURL.path,
                              qemuUser: try which("qemu-aarch64", "qemu-user"),
                              qemuSystem: try which("qemu-system-aarch64", "qemu-system-arm"))
    }
}
