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
        guard bytes.count >= ElfFormat.headerSize, bytes.prefix(ElfFormat.magic.count).elementsEqual(ElfFormat.magic) else {
            return "not an ELF file"
        }
        guard bytes[ElfFormat.eiClass] == ElfFormat.elfClass64, bytes[ElfFormat.eiData] == ElfFormat.elfData2LSB else {
            return "not a 64-bit little-endian ELF file"
        }
        func read16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
        let machine = read16(ElfFormat.eMachine)
        guard machine == ElfFormat.emAArch64 else { return "an ELF file for e_machine \(machine), not EM_AARCH64 (\(ElfFormat.emAArch64))" }
        let type = read16(ElfFormat.eType)
        guard type == ElfFormat.etExec || type == ElfFormat.etDyn else { return "an AArch64 ELF file of e_type \(type), not an executable" }
        return nil
    }
}
