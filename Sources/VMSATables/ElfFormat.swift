/// The parts of the ELF64 format (System V gABI, `<elf.h>`) a core reader
/// needs: the file header and the program header table. Offsets are bytes
/// from the start of each structure; names are the ELF spec's.
package enum ElfFormat {
    /// `e_ident[EI_MAG0...EI_MAG3]`: "\x7fELF".
    package static let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    /// EI_CLASS: the index of the class byte in `e_ident`.
    package static let eiClass = 4
    /// EI_DATA: the index of the data-encoding byte in `e_ident`.
    package static let eiData = 5
    static let eiVersion = 6
    /// `e_ident[EI_CLASS]`: 64-bit objects.
    package static let elfClass64: UInt8 = 2
    /// `e_ident[EI_DATA]`: two's complement, little-endian.
    package static let elfData2LSB: UInt8 = 1
    /// `e_ident[EI_VERSION]` and `e_version`.
    package static let evCurrent: UInt8 = 1
    /// `e_type`: an executable file.
    package static let etExec: UInt16 = 2
    /// `e_type`: a shared object (a position-independent executable).
    package static let etDyn: UInt16 = 3
    /// `e_type`: a core file.
    package static let etCore: UInt16 = 4
    /// `e_machine`: Arm 64-bit (AArch64).
    package static let emAArch64: UInt16 = 183

    /// sizeof(Elf64_Ehdr).
    package static let headerSize = 64
    /// Offset of `e_type` (Elf64_Half).
    package static let eType = 16
    /// Offset of `e_machine` (Elf64_Half).
    package static let eMachine = 18
    static let ePhoff = 32
    static let eShoff = 40
    static let ePhentsize = 54
    static let ePhnum = 56

    /// sizeof(Elf64_Phdr).
    package static let programHeaderSize = 56
    static let pType = 0
    static let pOffset = 8
    static let pVaddr = 16
    static let pPaddr = 24
    static let pFilesz = 32
    static let pMemsz = 40
    /// `p_type`: a loadable segment (in a core, a run of memory).
    package static let ptLoad: UInt32 = 1
    /// `p_type`: notes (NT_PRSTATUS and friends).
    package static let ptNote: UInt32 = 4

    /// `e_phnum` when the count does not fit: the real count is section
    /// header 0's `sh_info` (QEMU's dump-guest-memory writes this for many
    /// memory blocks).
    package static let pnXNum: UInt16 = 0xffff
    /// sizeof(Elf64_Shdr).
    package static let sectionHeaderSize = 64
    static let shInfo = 44
}
