import VMSA

/// One arm64 Linux page-table entry value (pte_t, and pmd_t/pud_t leaves,
/// which share its layout), with the v6.12 helpers by their Linux names.
/// Predicates other than `isNone`/`isPresent` only mean something for
/// present entries, as in the kernel.
public struct LinuxPTE: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The pte_t value (pte_val).
    public var rawValue: UInt64
    /// The entry with value `rawValue` (__pte).
    @inlinable @inline(__always) public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The entry with value `rawValue` (__pte).
    @inlinable @inline(__always) public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    @usableFromInline typealias B = LinuxPTEBits

    @inlinable @inline(__always) func has(_ f: BitField) -> Bool { rawValue & f.mask != 0 }
    @inlinable @inline(__always) func setting(_ f: BitField) -> LinuxPTE { LinuxPTE(rawValue | f.mask) }
    @inlinable @inline(__always) func clearing(_ f: BitField) -> LinuxPTE { LinuxPTE(rawValue & ~f.mask) }

    // MARK: predicates (pgtable.h)

    /// pte_none: the whole value is zero.
    @inlinable public var isNone: Bool { rawValue == 0 }
    /// pte_valid: PTE_VALID set, so the MMU uses it.
    @inlinable public var isValid: Bool { has(B.valid) }
    /// pte_present_invalid: PTE_PRESENT_INVALID set with PTE_VALID clear.
    @inlinable public var isPresentInvalid: Bool {
        rawValue & (B.valid.mask | B.presentInvalid.mask) == B.presentInvalid.mask
    }
    /// pte_present: valid, or present-invalid (PROT_NONE, pmd_mkinvalid).
    @inlinable public var isPresent: Bool { isValid || isPresentInvalid }
    /// is_swap_pte: neither none nor present, so a swap-format entry.
    @inlinable public var isSwap: Bool { !isNone && !isPresent }
    /// pte_young.
    @inlinable public var isYoung: Bool { has(B.af) }
    /// pte_write: PTE_WRITE (= DBM).
    @inlinable public var isWrite: Bool { has(B.write) }
    /// pte_rdonly.
    @inlinable public var isReadOnly: Bool { has(B.rdonly) }
    /// pte_hw_dirty: writable and PTE_RDONLY clear.
    @inlinable public var isHardwareDirty: Bool { isWrite && !isReadOnly }
    /// pte_sw_dirty: PTE_DIRTY.
    @inlinable public var isSoftwareDirty: Bool { has(B.dirty) }
    /// pte_dirty: software or hardware dirty.
    @inlinable public var isDirty: Bool { isSoftwareDirty || isHardwareDirty }
    /// pte_special.
    @inlinable public var isSpecial: Bool { has(B.special) }
    /// pte_cont.
    @inlinable public var isCont: Bool { has(B.cont) }
    /// pte_user.
    @inlinable public var isUser: Bool { has(B.user) }
    /// pte_uffd_wp.
    @inlinable public var isUffdWP: Bool { has(B.uffdWP) }
    /// pte_protnone: present-invalid with neither PTE_USER nor user execute.
    @inlinable public var isProtNone: Bool { isPresentInvalid && !isUser && has(B.uxn) }

    /// pte_pfn: the page frame number of a present entry.
    @inlinable public var pfn: UInt64 { B.address.extract(rawValue) }
    /// The output address of a present entry (__pte_to_phys).
    @inlinable public var physicalAddress: UInt64 { rawValue & B.address.mask }

    /// pfn_pte: `pfn` with protection `prot` (address bits of `prot` are dropped).
    @inlinable public init(pfn: UInt64, prot: UInt64) {
        rawValue = (prot & ~B.address.mask) | ((pfn &<< UInt64(LinuxKernel.granule.pageShift)) & B.address.mask)
    }

    /// pte_pgprot: every bit except the PFN.
    @inlinable public var pgprot: UInt64 { rawValue & ~B.address.mask }

    /// pte_advance_pfn.
    @inlinable @inline(__always)
    public func advancingPFN(by n: UInt64) -> LinuxPTE {
        LinuxPTE((rawValue & ~B.address.mask) | ((rawValue &+ (n &<< UInt64(LinuxKernel.granule.pageShift))) & B.address.mask))
    }

    // MARK: modifiers (pgtable.h, v6.12)

    /// pte_mkold: clear PTE_AF.
    @inlinable public func mkold() -> LinuxPTE { clearing(B.af) }
    /// pte_mkyoung: set PTE_AF.
    @inlinable public func mkyoung() -> LinuxPTE { setting(B.af) }
    /// pte_mkclean: clear PTE_DIRTY, set PTE_RDONLY.
    @inlinable public func mkclean() -> LinuxPTE { clearing(B.dirty).setting(B.rdonly) }
    /// pte_mkdirty: set PTE_DIRTY, and clear PTE_RDONLY when writable.
    @inlinable public func mkdirty() -> LinuxPTE {
        let p = setting(B.dirty)
        return p.isWrite ? p.clearing(B.rdonly) : p
    }
    /// pte_wrprotect: move hardware dirtiness to PTE_DIRTY, clear PTE_WRITE, set PTE_RDONLY.
    @inlinable public func wrprotect() -> LinuxPTE {
        let p = isHardwareDirty ? setting(B.dirty) : self
        return p.clearing(B.write).setting(B.rdonly)
    }
    /// pte_mkwrite_novma: set PTE_WRITE, clear PTE_RDONLY.
    @inlinable public func mkwrite() -> LinuxPTE { setting(B.write).clearing(B.rdonly) }
    /// pte_mkspecial.
    @inlinable public func mkspecial() -> LinuxPTE { setting(B.special) }
    /// pte_mkcont.
    @inlinable public func mkcont() -> LinuxPTE { setting(B.cont) }
    /// pte_mknoncont.
    @inlinable public func mknoncont() -> LinuxPTE { clearing(B.cont) }
    /// pte_mkinvalid: set PTE_PRESENT_INVALID, clear PTE_VALID.
    @inlinable public func mkinvalid() -> LinuxPTE { setting(B.presentInvalid).clearing(B.valid) }
    /// pte_mkuffd_wp: set PTE_UFFD_WP and write-protect.
    @inlinable public func mkuffdWP() -> LinuxPTE { setting(B.uffdWP).wrprotect() }

    /// pte_modify: take the bits of `LinuxPTEBits.modifyMask` from `newprot`,
    /// keeping hardware dirtiness as PTE_DIRTY and re-dirtying a
    /// software-dirty result.
    @inlinable public func modify(_ newprot: UInt64) -> LinuxPTE {
        var p = isHardwareDirty ? setting(B.dirty) : self
        p.rawValue = (p.rawValue & ~B.modifyMask) | (newprot & B.modifyMask)
        return p.isSoftwareDirty ? p.mkdirty() : p
    }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
