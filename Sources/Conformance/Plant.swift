import VMSA
import VMSATables

/// A fault planted into a built image by rewriting one descriptor, so that
/// every fault type occurs at every level the configuration has. The
/// builder never writes these on its own.
package struct Plant: Hashable, Sendable, CustomStringConvertible {
    package enum Kind: String, Hashable, Sendable {
        /// 0b01 at level 3 (translation fault).
        case reservedPage = "reserved-l3"
        /// A table descriptor turned into a block where the granule has none
        /// (translation fault; QEMU 7.2 accepts it).
        case illegalBlock = "illegal-block"
        /// A next-table address beyond the output size (address size fault).
        case tableBeyondPA = "table-beyond-pa"
        /// A block or page output address beyond the output size.
        case leafBeyondPA = "leaf-beyond-pa"
        /// One entry of a contiguous run given another PXN: the run breaks
        /// the Contiguous bit's rules (QEMU ignores the bit).
        case brokenRun = "broken-run"
        /// A table descriptor made invalid (translation fault at its level).
        case invalidTable = "invalid-table"
    }

    public var kind: Kind
    public var level: Level
    /// For the address size plants: the output-address bit set beyond the PA size.
    package var addressBit: Int?
    /// First VA of the region the plant sits in.
    public var va: UInt64
    /// The entry rewritten, and its words before and after.
    public var entryAddress: UInt64
    public var old: UInt64
    public var new: UInt64

    /// The output-address bits worth setting beyond a half's PA size: the
    /// first one, and the first one a 52-bit format keeps apart (OA[51:48] of
    /// 64K, OA[51:50] with DS), which QEMU 7.2 handles differently.
    static func addressBits(_ h: RegimeHalf) -> [Int] {
        guard h.outputBits < h.format.outputAddressBits else { return [] }
        var bits = [h.outputBits]
        if h.format.outputAddressHighField != nil, h.format.outputAddressHighShift > h.outputBits {
            bits.append(h.format.outputAddressHighShift)
        }
        return bits
    }

    public var description: String {
        "\(kind.rawValue)\(addressBit.map { " (OA bit \($0))" } ?? "") at L\(level.rawValue) (VA \(Hex.format(va)), entry \(Hex.format(entryAddress, digits: 12)): \(Descriptor(rawValue: old)) -> \(Descriptor(rawValue: new)))"
    }

    /// Rewrites the descriptor at `level` on the walk of `va` in `image`;
    /// nil when the walk has no descriptor of the needed kind there or the
    /// fault cannot be expressed in this half's format.
    static func apply(_ kind: Kind, level: Level, va: UInt64, addressBit: Int? = nil, to image: inout TableImage) -> Plant? {
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        guard let h = image.half(ttbr), let step = image.walkTrace(va).first(where: { $0.level == level }) else { return nil }
        let raw = step.descriptor.rawValue
        let format = h.format
        var new: UInt64
        switch kind {
        case .reservedPage:
            guard step.kind == .page else { return nil }
            new = raw & ~(Descriptor.TypeBits.tableOrPage ^ Descriptor.TypeBits.block)
        case .illegalBlock:
            // Not 64K: its level 1 blocks are legal on any CPU with 52-bit
            // PAs (Arm ARM AArch64.BlockDescSupported uses PAMax, not TCR.IPS).
            guard step.kind == .table, !h.isBlockLegal(at: level), h.granule != .k64 else { return nil }
            // A block of this level's size at an aligned unassigned address,
            // readable and writable at EL0 so that QEMU's answer is a translation.
            // (PA 0 when nothing aligned fits a small PA size: AT still answers.)
            let size = h.granule.entrySize(at: level)
            guard let oa = [max(size, UInt64(1) << 47), 0].first(where: { $0 >> UInt64(h.outputBits) == 0 }) else { return nil }
            var fields = DescriptorFields(kind: .block)
            fields.outputAddress = oa
            fields.af = true
            fields.ap = .readWrite
            fields.sh = .innerShareable
            new = fields.encode(format: format)
        case .invalidTable:
            guard step.kind == .table else { return nil }
            new = 0
        case .brokenRun:
            guard step.kind.isLeaf, step.descriptor[flag: Descriptor.Bits.contiguous] else { return nil }
            new = raw ^ Descriptor.Bits.pxn.mask
        case .tableBeyondPA, .leafBeyondPA:
            if kind == .tableBeyondPA { guard step.kind == .table else { return nil } } else { guard step.kind.isLeaf else { return nil } }
            let address = h.address(of: raw)
            guard let bit = addressBit, bit >= h.outputBits, bit < format.outputAddressBits else { return nil }
            let beyond = address | (UInt64(1) << UInt64(bit))
            new = format.inserting(address: beyond, into: raw)
            guard h.address(of: new) == beyond else { return nil }
        }
        guard image.setWord(new, atPhysicalAddress: step.entryAddress) else { return nil }
        return Plant(kind: kind, level: level, addressBit: addressBit, va: va, entryAddress: step.entryAddress, old: raw, new: new)
    }
}
