/// A translation table level, -1 to 3 as the Arm ARM numbers them.
public struct Level: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    /// The Arm ARM's range of levels across all granules and features.
    public static let allLevels = -1...3

    public init?(rawValue: Int) {
        guard Level.allLevels.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    @inlinable @inline(__always)
    public init(uncheckedRawValue: Int) { rawValue = uncheckedRawValue }

    // Computed, not stored: a stored static is a lazily initialised global
    // that every walk step would read through an accessor.
    @inlinable public static var minus1: Level { Level(uncheckedRawValue: -1) }
    @inlinable public static var zero: Level { Level(uncheckedRawValue: 0) }
    @inlinable public static var one: Level { Level(uncheckedRawValue: 1) }
    @inlinable public static var two: Level { Level(uncheckedRawValue: 2) }
    @inlinable public static var three: Level { Level(uncheckedRawValue: 3) }

    /// The last level: its 0b11 descriptors are pages, not tables.
    @inlinable public var isLast: Bool { rawValue == 3 }

    @inlinable public var next: Level { Level(uncheckedRawValue: rawValue + 1) }

    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

    public var description: String { "level \(rawValue)" }
}
