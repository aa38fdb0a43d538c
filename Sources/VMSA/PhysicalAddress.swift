/// An output (physical) address.
public struct PhysicalAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address, up to 52 bits.
    public var rawValue: UInt64
    /// The address `rawValue`.
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The address `rawValue`.
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// Addresses order by value.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// Twelve digits cover 48-bit addresses; 52-bit ones print in 13 or more.
    public var description: String { Hex.format(rawValue, digits: 12) }
}
