/// What is wrong with the start of a file that should be a 64-bit
/// little-endian AArch64 ELF file of some types: the one check of an ELF
/// header's identity, for cores (`ElfCore`) and probe executables alike.
package enum ElfHeaderProblem: Equatable, Sendable {
    /// Fewer bytes than a header, though those there start like ELF.
    case truncated(size: Int)
    /// The file does not start with `\x7fELF`.
    case notELF
    /// `e_ident[EI_CLASS]` is not ELFCLASS64.
    case elfClass(UInt8)
    /// `e_ident[EI_DATA]` is not ELFDATA2LSB.
    case elfData(UInt8)
    /// `e_ident[EI_VERSION]` is not EV_CURRENT.
    case elfVersion(UInt8)
    /// `e_type` is not one of the types asked for.
    case type(UInt16)
    /// `e_machine` is not EM_AARCH64.
    case machine(UInt16)

    /// The problem of `bytes` as an ELF header of one of `types`, or nil.
    /// Checked in header order: identity bytes, e_type, e_machine.
    package static func of(_ bytes: UnsafeRawBufferPointer, types: [UInt16]) -> ElfHeaderProblem? {
        let magic = bytes.count >= ElfFormat.magic.count && bytes.prefix(ElfFormat.magic.count).elementsEqual(ElfFormat.magic)
        guard bytes.count >= ElfFormat.headerSize else {
            return bytes.count >= ElfFormat.magic.count && !magic ? .notELF : .truncated(size: bytes.count)
        }
        guard magic else { return .notELF }
        guard bytes[ElfFormat.eiClass] == ElfFormat.elfClass64 else { return .elfClass(bytes[ElfFormat.eiClass]) }
        guard bytes[ElfFormat.eiData] == ElfFormat.elfData2LSB else { return .elfData(bytes[ElfFormat.eiData]) }
        guard bytes[ElfFormat.eiVersion] == ElfFormat.evCurrent else { return .elfVersion(bytes[ElfFormat.eiVersion]) }
        let type = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: ElfFormat.eType, as: UInt16.self))
        guard types.contains(type) else { return .type(type) }
        let machine = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: ElfFormat.eMachine, as: UInt16.self))
        guard machine == ElfFormat.emAArch64 else { return .machine(machine) }
        return nil
    }
}
