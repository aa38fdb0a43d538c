import Foundation
import VMSATables

/// A probe binary's ELF header, checked when the toolchain is located: a
/// text file or a host build in the probe directory would otherwise fail
/// only after the probe timeout, and be counted as failed probes.
enum ProbeBinary {
    /// Throws unless `path` starts with the header of a 64-bit little-endian
    /// AArch64 executable (ET_EXEC, or ET_DYN for a PIE).
    static func check(_ path: String) throws(ConformanceError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .io(path: path, reason: "cannot be opened")
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: ElfFormat.headerSize)) ?? Data())
        if let found = problem(bytes) { throw .notAProbe(path: path, found: found) }
    }

    /// What the header is instead, or nil for an AArch64 executable.
    static func problem(_ bytes: [UInt8]) -> String? {
        let problem = bytes.withUnsafeBytes { ElfHeaderProblem.of($0, types: [ElfFormat.etExec, ElfFormat.etDyn]) }
        switch problem {
        case nil: return nil
        case .truncated?, .notELF?: return "not an ELF file"
        case .elfClass?, .elfData?, .elfVersion?: return "not a 64-bit little-endian ELF file"
        case .type(let type)?: return "an AArch64 ELF file of e_type \(type), not an executable"
        case .machine(let machine)?: return "an ELF file for e_machine \(machine), not EM_AARCH64 (\(ElfFormat.emAArch64))"
        }
    }
}
