/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, so that
/// random layouts, conformance probes, benchmark inputs and property tests
/// reproduce from their seed on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits of the sequence.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A generator for one configuration (named by `key`), independent of
    /// the others' draws.
    public func derived(_ key: UInt64) -> SplitMix64 {
        var g = SplitMix64(seed: state ^ (key &* 0xd1b5_4a32_d192_ed03))
        _ = g.next()
        return g
    }
}
