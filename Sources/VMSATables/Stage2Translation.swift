import VMSA

/// A successful stage-2 translation of one intermediate physical address.
public struct Stage2Translation: Hashable, Sendable, CustomStringConvertible {
    /// The intermediate physical address translated.
    public var ipa: UInt64
    /// The physical address it maps to.
    public var pa: PhysicalAddress
    /// The level of the leaf (block or page).
    public var level: Level
    /// Bytes one leaf descriptor at `level` maps.
    public var size: UInt64
    /// The stage-2 leaf descriptor, as the walk read it.
    public var descriptor: Descriptor
    /// The leaf's stage-2 attributes.
    public var attributes: Stage2LeafAttributes
    /// A write VTCR_EL2.HD allowed on a DBM=1 page whose S2AP denies it:
    /// the MMU sets S2AP[1] (makes it dirty).
    public var dirtied: Bool

    /// A stage-2 translation; see the properties.
    @inlinable
    public init(ipa: UInt64, pa: PhysicalAddress, level: Level, size: UInt64, descriptor: Descriptor,
                attributes: Stage2LeafAttributes, dirtied: Bool = false) {
        self.ipa = ipa
        self.pa = pa
        self.level = level
        self.size = size
        self.descriptor = descriptor
        self.attributes = attributes
        self.dirtied = dirtied
    }

    /// The reading `vmsa translate` prints after the arrow.
    public var summary: String {
        "\(pa)  VTTBR_EL2 level \(level.rawValue) \(Hex.size(size)) \(attributes.summary)"
    }

    /// `IPA … -> PA (level, size)`.
    public var description: String { "IPA \(Hex.format(ipa)) -> \(pa) (\(level), \(Hex.size(size)))" }
}
