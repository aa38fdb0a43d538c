import VMSA

/// Named arm64 protections (pgprot values, PFN 0) of Linux v6.12's
/// pgtable-prot.h, built from the bit definitions rather than written out,
/// with `arm64_use_ng_mappings` false (no KPTI) for the kernel ones.
public enum LinuxProtection {
    @usableFromInline typealias B = LinuxPTEBits

    /// MAIR_EL1 indices of arch/arm64/include/asm/memory.h (v6.12).
    public enum MemoryType: UInt64, CaseIterable, Sendable {
        /// MT_NORMAL (0), MT_NORMAL_TAGGED (1), MT_NORMAL_NC (2), MT_DEVICE_nGnRnE (3), MT_DEVICE_nGnRE (4).
        case normal = 0, normalTagged = 1, normalNC = 2, deviceNGnRnE = 3, deviceNGnRE = 4
    }

    /// PTE_ATTRINDX(mt).
    public static func attrIndx(_ mt: MemoryType) -> UInt64 { Descriptor.Bits.attrIndx.inserting(mt.rawValue, into: 0) }

    /// PTE_SHARED: Inner Shareable, SH = 0b11.
    public static let shared = Descriptor.Bits.sh.inserting(Shareability.innerShareable.rawValue, into: 0)
    /// PTE_TYPE_PAGE.
    public static let typePage = Descriptor.TypeBits.tableOrPage
    /// PMD_TYPE_SECT / PUD_TYPE_SECT.
    public static let typeSection = Descriptor.TypeBits.block

    /// _PROT_DEFAULT: PTE_TYPE_PAGE | PTE_AF | PTE_SHARED.
    public static let protDefault = typePage | B.af.mask | shared
    /// _PAGE_DEFAULT: _PROT_DEFAULT | PTE_ATTRINDX(MT_NORMAL).
    public static let pageDefault = protDefault | attrIndx(.normal)

    /// PROT_NORMAL = PAGE_KERNEL.
    public static let kernel = protDefault | B.pxn.mask | B.uxn.mask | B.write.mask | attrIndx(.normal)
    /// PAGE_KERNEL_RO.
    public static let kernelRO = (kernel & ~B.write.mask) | B.rdonly.mask
    /// PAGE_KERNEL_EXEC.
    public static let kernelExec = kernel & ~B.pxn.mask
    /// PROT_DEVICE_nGnRE.
    public static let deviceNGnRE = protDefault | B.pxn.mask | B.uxn.mask | B.write.mask | attrIndx(.deviceNGnRE)

    /// PAGE_NONE: present-invalid (PROT_NONE), v6.10 and later.
    public static let none = (pageDefault & ~B.valid.mask) | B.presentInvalid.mask | B.rdonly.mask
        | B.nG.mask | B.pxn.mask | B.uxn.mask
    /// PAGE_SHARED: shared+writable pages start clean (PTE_RDONLY | PTE_WRITE).
    public static let sharedRW = pageDefault | B.user.mask | B.rdonly.mask | B.nG.mask | B.pxn.mask | B.uxn.mask | B.write.mask
    /// PAGE_SHARED_EXEC.
    public static let sharedExec = sharedRW & ~B.uxn.mask
    /// PAGE_READONLY.
    public static let readOnly = pageDefault | B.user.mask | B.rdonly.mask | B.nG.mask | B.pxn.mask | B.uxn.mask
    /// PAGE_READONLY_EXEC.
    public static let readOnlyExec = readOnly & ~B.uxn.mask
    /// PAGE_EXECONLY (with Enhanced PAN).
    public static let execOnly = pageDefault | B.rdonly.mask | B.nG.mask | B.pxn.mask

    /// VM_READ, VM_WRITE, VM_EXEC, VM_SHARED as in include/linux/mm.h.
    public struct VMFlags: OptionSet, Hashable, Sendable {
        /// The vm_flags bits.
        public let rawValue: Int
        /// Flags from vm_flags bits.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// VM_READ, 0x1.
        public static let read = VMFlags(rawValue: 0x1)
        /// VM_WRITE, 0x2.
        public static let write = VMFlags(rawValue: 0x2)
        /// VM_EXEC, 0x4.
        public static let exec = VMFlags(rawValue: 0x4)
        /// VM_SHARED, 0x8.
        public static let shared = VMFlags(rawValue: 0x8)
    }

    /// arm64's protection_map (arch/arm64/mm/mmap.c) without Enhanced PAN:
    /// private writable mappings start read-only (copy on write).
    public static func vmGetPageProt(_ flags: VMFlags) -> UInt64 {
        let write = flags.contains(.write), exec = flags.contains(.exec)
        if flags.contains(.shared) {
            switch (flags.contains(.read), write, exec) {
            case (false, false, false): return none
            case (_, true, false): return sharedRW
            case (_, true, true): return sharedExec
            case (_, false, true): return readOnlyExec
            case (true, false, false): return readOnly
            }
        }
        if exec { return readOnlyExec }
        return flags.isEmpty ? none : readOnly
    }

    /// mk_pmd_sect_prot / mk_pud_sect_prot: a page protection as a section (block).
    public static func section(_ prot: UInt64) -> UInt64 { (prot & ~B.type.mask) | typeSection }
}
