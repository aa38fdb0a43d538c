import VMSA

/// The one Linux kernel whose arm64 page-table format this library models.
///
/// Every software bit, swap-entry field and special swap type below is taken
/// from Linux v6.12 (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h,
/// pgtable.h; include/linux/swap.h, swapops.h) built with 4K pages,
/// 48-bit VA (39-bit as an option), CONFIG_ARM64_PA_BITS=48, CONFIG_MIGRATION,
/// CONFIG_MEMORY_FAILURE, CONFIG_DEVICE_PRIVATE, CONFIG_ARM64_CONTPTE and
/// CONFIG_HAVE_ARCH_USERFAULTFD_WP, as a distribution kernel is configured.
public enum LinuxKernel {
    /// The kernel version the bit layout is pinned to.
    public static let version = LinuxVersion.model.rawValue
    // Constants the hot paths use are computed and inlinable (a `static let`
    // would cost a lazy-initialisation check on every access).
    /// Linux page tables stay at the kernel's 4K geometry.
    @inlinable public static var granule: Granule { .k4 }
    /// CONFIG_ARM64_PA_BITS: PTE_ADDR_LOW is [47:12], no high address bits.
    @inlinable public static var physicalAddressBits: Int { 48 }
    /// The descriptor format a Linux PTE/PMD/PUD value is laid out in.
    public static let format = try! DescriptorFormat(granule: .k4, ds: false, paBits: physicalAddressBits)
    /// PTRS_PER_PTE (= PTRS_PER_PMD = PTRS_PER_PUD = PTRS_PER_PGD with 4K pages, 48-bit VA).
    @inlinable public static var entriesPerTable: Int { granule.entriesPerTable }
    /// The PTE level, 3.
    @inlinable public static var pteLevel: Level { Level(uncheckedRawValue: 3) }
    /// Virtual address sizes the model supports (CONFIG_ARM64_VA_BITS).
    public static let supportedVABits = [48, 39]
    /// CONT_PTE_SHIFT - PAGE_SHIFT for 4K pages (pgtable-hwdef.h): a
    /// contiguous run is 16 PTEs, the Arm ARM's run at 4K level 3 (pinned
    /// against `Granule.contiguousCount` in the tests).
    @inlinable public static var contPTEShift: Int { 4 }
    /// MAIR_EL1 as arch/arm64/mm/proc.S programs it (MAIR_EL1_SET): Attr0
    /// MT_NORMAL 0xff, Attr1 MT_NORMAL_TAGGED 0xff (0xf0 only once MTE is
    /// enabled), Attr2 MT_NORMAL_NC 0x44, Attr3 MT_DEVICE_nGnRnE 0x00,
    /// Attr4 MT_DEVICE_nGnRE 0x04.
    public static let mair = MAIR(rawValue: 0x0000_0004_0044_ffff)
    /// CONT_PTES: entries contpte folds into one contiguous run (64K).
    @inlinable public static var contPTEs: Int { 1 << contPTEShift }
}
