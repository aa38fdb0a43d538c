import VMSA

/// Where one kernel version keeps the state of an arm64 entry that the
/// hardware does not read: what makes a hardware-invalid entry present to
/// Linux (PROT_NONE, pmd_mkinvalid), uffd-wp, and the swap-entry fields.
/// Everything else (the hardware fields, PTE_WRITE = DBM, PTE_DIRTY,
/// PTE_SPECIAL, PTE_DEVMAP, the PFN, the special swap types 23..30) sits in
/// the same place in every version modelled.
public struct LinuxSoftwareLayout: Hashable, Sendable {
    /// With PTE_VALID clear, makes a PTE (and a PMD) present: PROT_NONE.
    public let presentInvalid: BitField
    /// With PTE_VALID clear, makes a PMD present (pmd_mkinvalid while a THP is split).
    public let pmdPresentInvalid: BitField
    /// PTE_UFFD_WP of present entries; nil where arm64 has no uffd-wp.
    public let uffdWP: BitField?
    /// PTE_SWP_EXCLUSIVE: remembers PG_anon_exclusive.
    public let swapExclusive: BitField
    /// PTE_SWP_UFFD_WP; nil where arm64 has no uffd-wp.
    public let swapUffdWP: BitField?
    /// __SWP_TYPE_SHIFT, __SWP_TYPE_BITS.
    public let swapType: BitField
    /// __SWP_OFFSET_SHIFT, __SWP_OFFSET_BITS.
    public let swapOffset: BitField
    /// SWP_SWAPIN_ERROR where the top swap type is that rather than SWP_PTE_MARKER.
    public let swapinErrorType: Int?

    /// v6.12, the model's own layout: `LinuxPTEBits`.
    public static let v6_12 = LinuxSoftwareLayout(
        presentInvalid: LinuxPTEBits.presentInvalid, pmdPresentInvalid: LinuxPTEBits.presentInvalid,
        uffdWP: LinuxPTEBits.uffdWP, swapExclusive: LinuxPTEBits.swapExclusive, swapUffdWP: LinuxPTEBits.swapUffdWP,
        swapType: LinuxPTEBits.swapType, swapOffset: LinuxPTEBits.swapOffset, swapinErrorType: nil)

    /// v6.1 (arch/arm64/include/asm/pgtable-prot.h, pgtable.h; include/linux/swap.h):
    /// PTE_PROT_NONE [58] and PMD_PRESENT_INVALID [59], each only while
    /// PTE_VALID is clear; no uffd-wp on arm64 (it came with v6.10); swap
    /// entries are PTE_SWP_EXCLUSIVE [2] (since v5.19), type [7:3]
    /// (__SWP_TYPE_SHIFT 3, 5 bits), offset [57:8] (__SWP_OFFSET_SHIFT 8,
    /// 50 bits), with bit 58 zero. CONFIG_PTE_MARKER is off on arm64 (only
    /// PTE_MARKER_UFFD_WP selects it), and SWP_SWAPIN_ERROR takes the top type,
    /// 31: MAX_SWAPFILES stays 23 (32 - 4 - 3 - 1 - SWP_SWAPIN_ERROR_NUM).
    public static let v6_1 = LinuxSoftwareLayout(
        presentInvalid: BitField(bit: 58), pmdPresentInvalid: BitField(bit: 59),
        uffdWP: nil, swapExclusive: BitField(bit: 2), swapUffdWP: nil,
        swapType: BitField(7, 3), swapOffset: BitField(57, 8), swapinErrorType: SwapType.marker)

    // MARK: reading

    /// pte_present_invalid / pmd_present_invalid: PTE_VALID clear and this
    /// layout's present-invalid bit for the slot's level (a PMD has two in v6.1).
    public func isPresentInvalid(_ raw: UInt64, level: Level) -> Bool {
        guard !LinuxPTEBits.valid.isSet(raw) else { return false }
        return presentInvalid.isSet(raw) || (level == .two && pmdPresentInvalid.isSet(raw))
    }

    /// is_swap_pte: neither none nor present.
    public func isSwap(_ raw: UInt64, level: Level) -> Bool {
        raw != 0 && !LinuxPTEBits.valid.isSet(raw) && !isPresentInvalid(raw, level: level)
    }

    /// A value read from a slot at `level` (3: PTE, 2: PMD, 1: PUD) as this
    /// kernel means it.
    public func entry(_ raw: UInt64, level: Level) -> LinuxEntry {
        if let t = swapinErrorType, isSwap(raw, level: level), Int(swapType.extract(raw)) == t {
            // make_swapin_error_entry keeps the page's PFN in the offset.
            return .swapinError(pfn: swapOffset.extract(raw) & SwapType.pfnMask)
        }
        return LinuxEntry(modelPTE(raw, level: level))
    }

    /// The same entry in the model's own (v6.12) layout, which replay and
    /// the native mirror understand. Present entries keep every bit but
    /// move the present-invalid marker to PTE_PRESENT_INVALID, so a v6.1
    /// PAGE_NONE entry becomes exactly v6.12's PAGE_NONE (both have nG set);
    /// a kernel without uffd-wp never sets the model's PTE_UFFD_WP, so that
    /// bit is dropped. Swap entries are re-encoded field by field; v6.1's
    /// SWP_SWAPIN_ERROR becomes the PTE marker PTE_MARKER_POISONED, what
    /// later kernels write for the same state (v6.2 made swap-in errors a
    /// marker, v6.6 named it POISONED).
    public func modelPTE(_ raw: UInt64, level: Level) -> LinuxPTE {
        let model = LinuxVersion.model.layout
        guard self != model, raw != 0 else { return LinuxPTE(raw) }
        var kept = raw
        if uffdWP == nil, let bit = model.uffdWP { kept &= ~bit.mask }
        if LinuxPTEBits.valid.isSet(raw) { return LinuxPTE(kept) }
        if isPresentInvalid(raw, level: level) {
            return LinuxPTE((kept & ~(presentInvalid.mask | pmdPresentInvalid.mask)) | model.presentInvalid.mask)
        }
        var type = Int(swapType.extract(raw)), offset = swapOffset.extract(raw)
        if type == swapinErrorType {
            type = SwapType.marker
            offset = SwapType.markerPoisoned
        }
        return SwapEntry(type: type, offset: offset, exclusive: swapExclusive.isSet(raw),
                         uffdWP: swapUffdWP?.isSet(raw) ?? false).pte
    }
}
