/// An input (virtual) address of the EL1&0 regime.
public struct VirtualAddress: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 64-bit address, top bits included (they select TTBR0 or TTBR1).
    public var rawValue: UInt64
    /// The address `rawValue`.
    @inlinable public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The address `rawValue`.
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// Addresses order by value.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
