import VMSA

/// An update to valid entries that live tables may not make in place: the
/// Arm ARM requires break-before-make (write invalid, invalidate the TLB,
/// then write the new entry) when a block becomes a table, when a
/// contiguous run changes, or when attributes other than permissions
/// change. Safe changes follow Linux `pgattr_change_is_safe`
/// (arch/arm64/mm/mmu.c): only PXN, AP[2] (PTE_RDONLY), DBM (PTE_WRITE) and
/// nG from 0 to 1 may change on a live entry; creating and removing
/// mappings is always safe.
public struct BreakBeforeMake: Hashable, Sendable, CustomStringConvertible {
    /// Which of the Arm ARM's break-before-make cases an update falls under.
    public enum Reason: String, Hashable, Sendable {
        /// A block replaced by a table of smaller leaves.
        case blockSplit
        /// Entries of a contiguous run lose the Contiguous bit because part
        /// of the run changes.
        case contiguousRunBroken
        /// Attributes change in a way that is not safe on a live entry.
        case attributeChange
    }

    /// Why the update needs break-before-make.
    public var reason: Reason
    /// The half whose tables change.
    public var ttbr: TranslationTableBase
    /// First VA of the affected entries (adjacent updates of the same
    /// reason and level are reported as one range).
    public var va: VirtualAddress
    /// Bytes of VA the affected entries map.
    public var size: UInt64
    /// The level of the affected entries.
    public var level: Level
    /// The first affected entry before and after.
    public var old: Descriptor
    /// The entry after.
    public var new: Descriptor

    /// A report of `reason` over `size` bytes from `va` at `level`.
    public init(reason: Reason, ttbr: TranslationTableBase, va: VirtualAddress, size: UInt64, level: Level,
                old: Descriptor, new: Descriptor) {
        self.reason = reason
        self.ttbr = ttbr
        self.va = va
        self.size = size
        self.level = level
        self.old = old
        self.new = new
    }

    /// Whether changing a live entry from `old` to `new` needs no
    /// break-before-make (Linux `pgattr_change_is_safe`).
    public static func isSafe(old: UInt64, new: UInt64, format: DescriptorFormat) -> Bool {
        typealias B = Descriptor.Bits
        if old == new || !B.valid.isSet(old) || !B.valid.isSet(new) { return true }
        let addressMask = format.outputAddressField.mask | (format.outputAddressHighField?.mask ?? 0)
        if (old ^ new) & addressMask != 0 { return false }
        if (old | new) & B.contiguous.mask != 0 { return false }
        if old & ~new & B.nG.mask != 0 { return false }
        let safe = B.pxn.mask | BitField(bit: B.ap.msb).mask | B.dbm.mask | B.nG.mask
        return (old ^ new) & ~safe == 0
    }

    /// `reason: half first-last at level: old -> new`.
    public var description: String {
        "\(reason.rawValue): \(ttbr) \(va)-\(Hex.format(va.rawValue &+ (size &- 1))) at \(level): \(old) -> \(new)"
    }
}
