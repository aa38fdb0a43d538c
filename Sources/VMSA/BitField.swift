/// A field of a 64-bit register or descriptor, declared once as `[msb:lsb]`
/// the way the Arm ARM writes it. Masks and shifts come only from here.
public struct BitField: Hashable, Sendable, CustomStringConvertible {
    /// The most significant bit of the field, as in the Arm ARM's `[msb:lsb]`.
    public let msb: Int
    /// The least significant bit of the field: the shift to its value.
    public let lsb: Int

    /// The field `[msb:lsb]`; `msb >= lsb`, both inside 64 bits.
    @inlinable @inline(__always)
    public init(_ msb: Int, _ lsb: Int) {
        // Fields are declared from the Arm ARM, not from input: checked in debug builds.
        assert(msb >= lsb && lsb >= 0 && msb < 64, "bit field [\(msb):\(lsb)] is not inside 64 bits")
        self.msb = msb
        self.lsb = lsb
    }

    /// A single bit, `[n]`.
    @inlinable @inline(__always)
    public init(bit: Int) { self.init(bit, bit) }

    /// Number of bits, `msb - lsb + 1`.
    @inlinable public var width: Int { msb - lsb + 1 }

    /// The field's value range, unshifted: `(1 << width) - 1`.
    /// Branch-free: width is 1...64, so the shift is 0...63.
    @inlinable public var maxValue: UInt64 { ~UInt64(0) &>> UInt64(64 &- width) }

    /// The field's bits in place.
    @inlinable public var mask: UInt64 { maxValue &<< UInt64(lsb) }

    /// The field's value in `raw`, shifted down to bit 0.
    @inlinable @inline(__always)
    public func extract(_ raw: UInt64) -> UInt64 { (raw &>> UInt64(lsb)) & maxValue }

    /// Whether any bit of the field is set in `raw`.
    @inlinable @inline(__always)
    public func isSet(_ raw: UInt64) -> Bool { raw & mask != 0 }

    /// `raw` with this field replaced by `value`; bits of `value` beyond the
    /// field's width are dropped, so callers check `fits` first.
    @inlinable @inline(__always)
    public func inserting(_ value: UInt64, into raw: UInt64) -> UInt64 {
        (raw & ~mask) | ((value &<< UInt64(lsb)) & mask)
    }

    /// A one-bit field holding `flag`, in place. Branch-free: a `Bool` is
    /// stored as 0 or 1, so random flags cost no mispredicted branches.
    @inlinable @inline(__always)
    public func bits(_ flag: Bool) -> UInt64 {
        UInt64(unsafeBitCast(flag, to: UInt8.self)) &<< UInt64(lsb)
    }

    /// Whether `value` fits the field's width, so `inserting` drops nothing.
    @inlinable @inline(__always)
    public func fits(_ value: UInt64) -> Bool { value & ~maxValue == 0 }

    /// The Arm ARM spelling: `[n]` for one bit, `[msb:lsb]` otherwise.
    public var description: String { msb == lsb ? "[\(msb)]" : "[\(msb):\(lsb)]" }
}
