import VMSA
import VMSATables

/// One descriptor read on the walk of an address.
public struct WalkStep: Hashable, Sendable, CustomStringConvertible {
    public var level: Level
    /// Physical address of the entry.
    public var entryAddress: UInt64
    /// The entry (zero when outside the image: reads as invalid).
    public var descriptor: Descriptor
    public var kind: DescriptorKind

    public var description: String {
        "L\(level.rawValue) [\(Hex.format(entryAddress, digits: 12))] = \(descriptor) \(kind.rawValue)"
    }
}

extension TableImage {
    /// The descriptors the walk of `va` reads, from the start level to the
    /// one where it stops (a leaf, an invalid entry, an illegal block, or a
    /// table descriptor pointing beyond the output size).
    /// Empty when `va` is outside both halves' ranges or its half is disabled.
    public func walkTrace(_ va: UInt64) -> [WalkStep] {
        let ttbr: TranslationTableBase = va & (1 << 55) != 0 ? .ttbr1 : .ttbr0
        guard let h = half(ttbr), h.contains(va) else { return [] }
        var steps: [WalkStep] = []
        var table = h.rootAddress
        var level = h.startLevel
        while true {
            let index = (va >> UInt64(h.shift(at: level))) & UInt64(h.entries(at: level) - 1)
            let entry = table &+ index &* 8
            let raw = word(atPhysicalAddress: entry) ?? 0
            let d = Descriptor(rawValue: raw)
            let kind = d.kind(at: level)
            steps.append(WalkStep(level: level, entryAddress: entry, descriptor: d, kind: kind))
            guard kind == .table else { return steps }
            table = h.address(of: raw)
            // A next table beyond the output size is not read (address size fault).
            if table >> UInt64(h.outputBits) != 0 { return steps }
            level = level.next
        }
    }
}
