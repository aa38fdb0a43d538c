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
    public static let version = "v6.12"
    /// Linux page tables stay at the kernel's 4K geometry.
    public static let granule: Granule = .k4
    /// CONFIG_ARM64_PA_BITS: PTE_ADDR_LOW is [47:12], no high address bits.
    public static let physicalAddressBits = 48
    /// The descriptor format a Linux PTE/PMD/PUD value is laid out in.
    public static let format = try! DescriptorFormat(granule: .k4, ds: false, paBits: physicalAddressBits)
    /// PTRS_PER_PTE (= PTRS_PER_PMD = PTRS_PER_PUD = PTRS_PER_PGD with 4K pages, 48-bit VA).
    public static let entriesPerTable = granule.entriesPerTable
    /// Virtual address sizes the model supports (CONFIG_ARM64_VA_BITS).
    public static let supportedVABits = [48, 39]
    /// CONT_PTES: entries contpte folds into one contiguous run (64K).
    public static let contPTEs = granule.contiguousCount(at: .three)!
}
