import VMSA

/// A non-present, non-none arm64 PTE in v6.12's swap layout:
///
///     bits 0-1:   present (must be zero)
///     bit  2:     PTE_SWP_EXCLUSIVE (remember PG_anon_exclusive)
///     bit  3:     PTE_SWP_UFFD_WP (remember uffd-wp state)
///     bits 6-10:  swap type
///     bit  11:    PTE_PRESENT_INVALID (must be zero)
///     bits 12-61: swap offset
public struct SwapEntry: Hashable, Sendable {
    /// Swap type, bits [10:6] (__SWP_TYPE_SHIFT 6): a swap device below MAX_SWAPFILES, or a special type of `SwapType`.
    public var type: Int
    /// Swap offset, bits [61:12] (__SWP_OFFSET_SHIFT 12): the slot, or a PFN for special types.
    public var offset: UInt64
    /// PTE_SWP_EXCLUSIVE, bit [2].
    public var exclusive: Bool
    /// PTE_SWP_UFFD_WP, bit [3].
    public var uffdWP: Bool

    /// An entry from its fields (swp_entry, plus the flag bits).
    public init(type: Int, offset: UInt64, exclusive: Bool = false, uffdWP: Bool = false) {
        self.type = type
        self.offset = offset
        self.exclusive = exclusive
        self.uffdWP = uffdWP
    }

    @usableFromInline typealias B = LinuxPTEBits

    /// Decodes a swap-format value (`LinuxPTE.isSwap`); nil otherwise.
    public init?(_ pte: LinuxPTE) {
        guard pte.isSwap else { return nil }
        type = Int(B.swapType.extract(pte.rawValue))
        offset = B.swapOffset.extract(pte.rawValue)
        exclusive = B.swapExclusive.isSet(pte.rawValue)
        uffdWP = B.swapUffdWP.isSet(pte.rawValue)
    }

    /// Whether the fields fit the layout; `pte` drops what does not.
    public var isEncodable: Bool { type >= 0 && B.swapType.fits(UInt64(type)) && B.swapOffset.fits(offset) }

    /// swp_entry_to_pte (__swp_entry), plus the two flag bits.
    /// Type 0, offset 0 encodes as zero, which is pte_none: callers avoid it.
    public var pte: LinuxPTE {
        var raw = B.swapType.inserting(UInt64(type), into: 0)
        raw = B.swapOffset.inserting(offset, into: raw)
        if exclusive { raw |= B.swapExclusive.mask }
        if uffdWP { raw |= B.swapUffdWP.mask }
        return LinuxPTE(raw)
    }

    /// The entry `n` slots later (consecutive swap slots of one folio).
    public func advanced(by n: UInt64) -> SwapEntry {
        var e = self
        e.offset &+= n
        return e
    }
}
