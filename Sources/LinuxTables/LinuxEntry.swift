/// What one Linux leaf slot holds, typed the way the generic page walk
/// (mm/pagewalk.c and the swapops.h predicates) tells entries apart.
public enum LinuxEntry: Hashable, Sendable {
    /// pte_none / pmd_none.
    case none
    /// pte_present: a mapped PFN. `valid` is false for present-invalid
    /// entries (PROT_NONE, pmd_mkinvalid), which fault in hardware.
    case present(pfn: UInt64, valid: Bool)
    /// A real swap entry (type below MAX_SWAPFILES).
    case swap(type: Int, offset: UInt64, exclusive: Bool)
    /// is_migration_entry: SWP_MIGRATION_READ, _READ_EXCLUSIVE or _WRITE.
    case migration(pfn: UInt64, writable: Bool, exclusive: Bool)
    /// is_device_private_entry / is_device_exclusive_entry.
    case device(pfn: UInt64, writable: Bool, exclusive: Bool)
    /// is_hwpoison_entry.
    case hwpoison(pfn: UInt64)
    /// is_pte_marker_entry: PTE_MARKER_UFFD_WP, PTE_MARKER_POISONED bits.
    case marker(UInt64)
    /// is_swapin_error_entry (v5.19 to v6.1 only; see `LinuxSoftwareLayout.v6_1`).
    case swapinError(pfn: UInt64)

    /// Classifies a value read from a PTE, PMD or PUD slot, in the model's
    /// (v6.12) layout; `LinuxSoftwareLayout.entry` reads other versions.
    public init(_ pte: LinuxPTE) {
        if pte.isNone { self = .none; return }
        if pte.isPresent { self = .present(pfn: pte.pfn, valid: pte.isValid); return }
        let swp = SwapEntry(pte)!
        let pfn = swp.offset & SwapType.pfnMask
        switch swp.type {
        case SwapType.migrationRead: self = .migration(pfn: pfn, writable: false, exclusive: false)
        case SwapType.migrationReadExclusive: self = .migration(pfn: pfn, writable: false, exclusive: true)
        case SwapType.migrationWrite: self = .migration(pfn: pfn, writable: true, exclusive: true)
        case SwapType.deviceWrite: self = .device(pfn: pfn, writable: true, exclusive: false)
        case SwapType.deviceRead: self = .device(pfn: pfn, writable: false, exclusive: false)
        case SwapType.deviceExclusiveWrite: self = .device(pfn: pfn, writable: true, exclusive: true)
        case SwapType.deviceExclusiveRead: self = .device(pfn: pfn, writable: false, exclusive: true)
        case SwapType.hwpoison: self = .hwpoison(pfn: pfn)
        case SwapType.marker: self = .marker(swp.offset)
        default: self = .swap(type: swp.type, offset: swp.offset, exclusive: swp.exclusive)
        }
    }

    /// The kind's name, as JSON and messages spell it.
    public var kindName: String {
        switch self {
        case .none: "none"
        case .present: "present"
        case .swap: "swap"
        case .migration: "migration"
        case .device: "device"
        case .hwpoison: "hwpoison"
        case .marker: "marker"
        case .swapinError: "swapin-error"
        }
    }
}
