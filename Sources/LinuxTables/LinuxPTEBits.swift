import VMSA

/// The bits of an arm64 Linux PTE (and of PMD/PUD leaves, which share the
/// layout) under their Linux names, as in v6.12. Hardware fields come from
/// `Descriptor.Bits`; only the software meanings are declared here.
public enum LinuxPTEBits {
    @usableFromInline typealias HW = Descriptor.Bits

    /// PTE_VALID, [0].
    @inlinable public static var valid: BitField { Descriptor.Bits.valid }
    /// PTE_TYPE_MASK / PMD_TYPE_MASK, [1:0]: 0b11 page or table, 0b01 section (block).
    @inlinable public static var type: BitField { Descriptor.Bits.type }
    /// PTE_USER, [6] = AP[1]: EL0 access.
    @inlinable public static var user: BitField { BitField(bit: Descriptor.Bits.ap.lsb) }
    /// PTE_RDONLY, [7] = AP[2]: read-only (also "clean" when PTE_WRITE is set).
    @inlinable public static var rdonly: BitField { BitField(bit: Descriptor.Bits.ap.msb) }
    /// PTE_AF, [10]: young.
    @inlinable public static var af: BitField { Descriptor.Bits.af }
    /// PTE_NG, [11].
    @inlinable public static var nG: BitField { Descriptor.Bits.nG }
    /// PTE_PRESENT_INVALID, [11] = PTE_NG, meaningful only while PTE_VALID is
    /// clear: the entry is present to Linux (PROT_NONE, pmd_mkinvalid) but
    /// faults in hardware. v6.10 moved it here from bit 59.
    @inlinable public static var presentInvalid: BitField { Descriptor.Bits.nG }
    /// PTE_ADDR_LOW, [47:12] with 48-bit PA: the output address (PFN << 12).
    @inlinable public static var address: BitField {
        BitField(LinuxKernel.physicalAddressBits - 1, LinuxKernel.granule.pageShift)
    }
    /// PTE_WRITE, [51] = PTE_DBM: writable (hardware dirty-bit management).
    @inlinable public static var write: BitField { Descriptor.Bits.dbm }
    /// PTE_CONT, [52]: contpte has folded this entry into a 64K run.
    @inlinable public static var cont: BitField { Descriptor.Bits.contiguous }
    /// PTE_PXN, [53].
    @inlinable public static var pxn: BitField { Descriptor.Bits.pxn }
    /// PTE_UXN, [54].
    @inlinable public static var uxn: BitField { Descriptor.Bits.uxn }
    /// PTE_DIRTY, [55]: software dirty.
    @inlinable public static var dirty: BitField { BitField(bit: 55) }
    /// PTE_SPECIAL, [56]: no struct page behind the PFN.
    @inlinable public static var special: BitField { BitField(bit: 56) }
    /// PTE_DEVMAP, [57].
    @inlinable public static var devmap: BitField { BitField(bit: 57) }
    /// PTE_UFFD_WP, [58]: userfaultfd write-protect (present entries).
    @inlinable public static var uffdWP: BitField { BitField(bit: 58) }
    /// PTE_PO_IDX_0..2, [62:60]: POE permission overlay index (FEAT_S1POE, v6.12).
    @inlinable public static var poIndex: BitField { BitField(62, 60) }

    // Swap (non-present) entries: see `SwapEntry`.
    /// PTE_SWP_EXCLUSIVE, [2]: remembers PG_anon_exclusive.
    @inlinable public static var swapExclusive: BitField { BitField(bit: 2) }
    /// PTE_SWP_UFFD_WP, [3]: remembers the uffd-wp state.
    @inlinable public static var swapUffdWP: BitField { BitField(bit: 3) }
    /// __SWP_TYPE_SHIFT 6, __SWP_TYPE_BITS 5: the swap type, [10:6].
    @inlinable public static var swapType: BitField { BitField(10, 6) }
    /// __SWP_OFFSET_SHIFT 12, __SWP_OFFSET_BITS 50: the swap offset, [61:12].
    @inlinable public static var swapOffset: BitField { BitField(61, 12) }

    /// The mask pte_modify() takes from the new protection (v6.12): PTE_USER,
    /// PTE_PXN, PTE_UXN, PTE_RDONLY, PTE_PRESENT_INVALID, PTE_VALID,
    /// PTE_WRITE, PTE_GP, PTE_ATTRINDX_MASK and PTE_PO_IDX_MASK.
    @inlinable public static var modifyMask: UInt64 {
        user.mask | pxn.mask | uxn.mask | rdonly.mask | presentInvalid.mask | valid.mask
            | write.mask | Descriptor.Bits.gp.mask | Descriptor.Bits.attrIndx.mask | poIndex.mask
    }
}
