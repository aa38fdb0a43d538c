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
    /// one where it stops (a leaf, an invalid entry, an illegal block, a
    /// table descriptor pointing beyond the output size, or a table the image
    /// does not hold), read through the walk core.
    /// Empty when `va` is outside both halves' ranges or its half is disabled.
    package func walkTrace(_ va: UInt64) -> [WalkStep] {
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        guard let h = half(ttbr), h.contains(va), case .success(var table)? = regime.root(ttbr, in: self) else { return [] }
        var steps: [WalkStep] = []
        while true {
            let index = table.index(of: va)
            let raw = table[index]
            let d = Descriptor(rawValue: raw)
            steps.append(WalkStep(level: table.level, entryAddress: table.entryAddress(index), descriptor: d, kind: d.kind(at: table.level)))
            guard case .success(let next)? = regime.child(of: table, at: index, in: self) else { return steps }
            table = next
        }
    }
}
