/// A translation table level, -1 to 3 as the Arm ARM numbers them.
public struct Level: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The level number, -1 (FEAT_LPA2 only) to 3.
    public let rawValue: Int

    /// The Arm ARM's range of levels across all granules and features.
    public static let allLevels = -1...3

    /// The level `rawValue`; nil outside -1...3.
    public init?(rawValue: Int) {
        guard Level.allLevels.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The level `rawValue` without the range check, for hot loops that step between known levels.
    @inlinable @inline(__always)
    public init(uncheckedRawValue: Int) { rawValue = uncheckedRawValue }

    // Computed, not stored: a stored static is a lazily initialised global
    // that every walk step would read through an accessor.
    /// Level -1: the start level of 52-bit 4K tables (FEAT_LPA2, TCR_EL1.DS=1).
    @inlinable public static var minus1: Level { Level(uncheckedRawValue: -1) }
    /// Level 0 (Linux PGD with four levels of 4K tables).
    @inlinable public static var zero: Level { Level(uncheckedRawValue: 0) }
    /// Level 1 (Linux PUD with 4K tables).
    @inlinable public static var one: Level { Level(uncheckedRawValue: 1) }
    /// Level 2 (Linux PMD with 4K tables).
    @inlinable public static var two: Level { Level(uncheckedRawValue: 2) }
    /// Level 3, the last level, which holds pages (Linux PTE).
    @inlinable public static var three: Level { Level(uncheckedRawValue: 3) }

    /// The last level: its 0b11 descriptors are pages, not tables.
    @inlinable public var isLast: Bool { rawValue == 3 }

    /// The level a table descriptor at this level points to.
    @inlinable public var next: Level { Level(uncheckedRawValue: rawValue + 1) }

    /// Levels order by number: level 0 is walked before level 3.
    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

    /// `level N`, as messages name it.
    public var description: String { "level \(rawValue)" }
}
