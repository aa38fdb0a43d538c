import VMSA

/// A Linux page-table operation that cannot be applied, with the value at fault.
public enum LinuxTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A user VA size other than 48 or 39 bits (Linux CONFIG_ARM64_VA_BITS with 4K pages).
    case unsupportedVABits(Int)
    /// An operation's address at or above 2^vaBits.
    case addressOutOfRange(op: String, va: UInt64, vaBits: Int)
    /// An address not aligned to what the operation covers (a page, a PMD or PUD leaf).
    case misalignedAddress(op: String, va: UInt64, alignment: UInt64)
    /// An entry count `nr` below 1 or above PTRS_PER_PTE.
    case countOutOfRange(op: String, nr: Int)
    /// `nr` entries from `va` that run past the end of one PTE table (set_ptes stays in one table).
    case countPastTable(op: String, va: UInt64, nr: Int, fits: Int)
    /// A value given to set_ptes that is neither PTE_VALID nor PTE_PRESENT_INVALID.
    case notPresent(op: String, pte: UInt64)
    /// A value that is not a Linux entry of its level, with what is wrong.
    case badEntry(op: String, pte: UInt64, problem: String)
    /// A PMD or PUD huge-page leaf where the operation needs a lower table.
    case leafInTheWay(op: String, va: UInt64, level: Level)
    /// A swap type or offset that does not fit the swap PTE (type 0...31, offset below 2^50).
    case badSwapEntry(op: String, type: Int, offset: UInt64)
    /// Table memory exhausted after `tables` tables.
    case outOfDescriptorMemory(tables: Int)

    /// The error as one sentence naming the operation, the value and what was expected.
    public var description: String {
        switch self {
        case .unsupportedVABits(let bits):
            return "a \(bits)-bit Linux virtual address space is not supported; expected 48 or 39"
        case .addressOutOfRange(let op, let va, let bits):
            return "\(op) address \(Hex.short(va)) is outside the \(bits)-bit user address space; expected below \(Hex.short(1 << UInt64(bits)))"
        case .misalignedAddress(let op, let va, let alignment):
            return "\(op) address \(Hex.short(va)) is not aligned; expected a multiple of \(Hex.size(alignment))"
        case .countOutOfRange(let op, let nr):
            return "\(op) count \(nr) is out of range; expected 1 to \(LinuxKernel.entriesPerTable)"
        case .countPastTable(let op, let va, let nr, let fits):
            return "\(op) count \(nr) from \(Hex.short(va)) runs past the end of its PTE table; at most \(fits) entries fit"
        case .notPresent(let op, let pte):
            return "\(op) value \(Hex.format(pte)) is not a present entry; expected PTE_VALID or PTE_PRESENT_INVALID set (use set_swap for swap entries)"
        case .badEntry(let op, let pte, let problem):
            return "\(op) value \(Hex.format(pte)) is not a valid Linux entry here: \(problem)"
        case .leafInTheWay(let op, let va, let level):
            let name = level.rawValue == 1 ? "PUD" : "PMD"
            return "\(op) at \(Hex.short(va)) needs a lower table, but the \(name) entry is a huge-page leaf; clear it first"
        case .badSwapEntry(let op, let type, let offset):
            return "\(op) swap type \(type) offset \(Hex.short(offset)) does not fit; expected a type from 0 to 31 and an offset below 2^50, not both zero"
        case .outOfDescriptorMemory(let tables):
            return "table memory is exhausted after \(tables) tables"
        }
    }
}
