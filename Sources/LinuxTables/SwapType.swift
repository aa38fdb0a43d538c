/// Swap types of Linux v6.12's include/linux/swap.h. Five type bits
/// (MAX_SWAPFILES_SHIFT); the top types are taken for special entries, in
/// this order above MAX_SWAPFILES: HWPOISON, MIGRATION (3), DEVICE (4),
/// PTE_MARKER, with CONFIG_MEMORY_FAILURE, CONFIG_MIGRATION and
/// CONFIG_DEVICE_PRIVATE enabled.
public enum SwapType {
    /// MAX_SWAPFILES_SHIFT.
    public static let typeBits = 5
    /// SWP_HWPOISON_NUM, SWP_MIGRATION_NUM, SWP_DEVICE_NUM, SWP_PTE_MARKER_NUM.
    public static let hwpoisonCount = 1, migrationCount = 3, deviceCount = 4, markerCount = 1
    /// MAX_SWAPFILES = 32 - 4 - 3 - 1 - 1 = 23: real swap devices are 0..<23.
    public static let maxSwapFiles = (1 << typeBits) - deviceCount - migrationCount - hwpoisonCount - markerCount
    /// SWP_HWPOISON = MAX_SWAPFILES.
    public static let hwpoison = maxSwapFiles
    /// SWP_MIGRATION_READ, SWP_MIGRATION_READ_EXCLUSIVE, SWP_MIGRATION_WRITE.
    public static let migrationRead = maxSwapFiles + hwpoisonCount
    /// SWP_MIGRATION_READ_EXCLUSIVE.
    public static let migrationReadExclusive = migrationRead + 1
    /// SWP_MIGRATION_WRITE.
    public static let migrationWrite = migrationRead + 2
    /// SWP_DEVICE_WRITE, SWP_DEVICE_READ, SWP_DEVICE_EXCLUSIVE_WRITE, SWP_DEVICE_EXCLUSIVE_READ.
    public static let deviceWrite = maxSwapFiles + hwpoisonCount + migrationCount
    /// SWP_DEVICE_READ.
    public static let deviceRead = deviceWrite + 1
    /// SWP_DEVICE_EXCLUSIVE_WRITE.
    public static let deviceExclusiveWrite = deviceWrite + 2
    /// SWP_DEVICE_EXCLUSIVE_READ.
    public static let deviceExclusiveRead = deviceWrite + 3
    /// SWP_PTE_MARKER.
    public static let marker = maxSwapFiles + hwpoisonCount + migrationCount + deviceCount

    /// Offset bits that hold a PFN in migration, device and hwpoison
    /// entries: SWP_PFN_BITS = MAX_PHYSMEM_BITS - PAGE_SHIFT.
    public static let pfnBits = LinuxKernel.physicalAddressBits - LinuxKernel.granule.pageShift
    /// The offset bits that hold that PFN.
    public static let pfnMask: UInt64 = (1 << UInt64(pfnBits)) - 1
    /// SWP_MIG_YOUNG_BIT and SWP_MIG_DIRTY_BIT: migration entries keep A/D
    /// above the PFN (migration_entry_supports_ad() holds on arm64).
    public static let migrationYoungBit = pfnBits, migrationDirtyBit = pfnBits + 1

    /// PTE_MARKER_UFFD_WP and PTE_MARKER_POISONED (include/linux/swapops.h).
    public static let markerUffdWP: UInt64 = 1 << 0, markerPoisoned: UInt64 = 1 << 1
}
