import VMSA
import VMSATables

/// Chooses the addresses a configuration probes: the top and bottom of each
/// half's range and just outside it, the first, last and next byte of every
/// region, its block and run boundaries, every planted fault, tagged
/// addresses where TBI is on, then random addresses inside regions and
/// anywhere in the ranges (mostly holes) up to the requested count.
struct ProbeAddresses {
    var rng: SplitMix64

    /// Tag put in the top byte of some probes when TBI is on.
    static let tag: UInt64 = 0x5a
    static let topByteShift: UInt64 = 56
    /// Probes are 8-byte aligned: the loads and stores are doublewords.
    static let wordAlignment: UInt64 = 8
    /// Top byte clear, VA[55:48] set; and the opposite.
    static let tag55Set: UInt64 = 0x00ff_0000_0000_0000
    static let tag55Clear: UInt64 = 0xff00_0000_0000_0000

    mutating func select(_ image: TableImage, regions: [MatrixContent.Region], plants: [Plant], graft: StubGraft?,
                         count: Int) -> [UInt64] {
        var chosen: [UInt64] = []
        var seen = Set<UInt64>()
        func add(_ va: UInt64) {
            if let graft, graft.claimed.contains(va & ~(0xff << Self.topByteShift)) || graft.claimed.contains(va) { return }
            if seen.insert(va).inserted { chosen.append(va) }
        }
        var ranges: [ClosedRange<UInt64>] = []
        for ttbr in TranslationTableBase.allCases {
            let range = image.half(ttbr)?.vaRange ?? image.tcr.vaRange(ttbr)
            ranges.append(range)
            let word = Self.wordAlignment
            for va in [range.lowerBound, range.lowerBound &+ word, range.upperBound &+ 1 &- word, range.upperBound] { add(va) }
            // Just outside the range: not canonical, a level 0 translation fault.
            if ttbr == .ttbr0, range.upperBound != .max { add(range.upperBound &+ 1) }
            if ttbr == .ttbr1, range.lowerBound != 0 { add(range.lowerBound &- Self.wordAlignment) }
        }
        // VA[55] disagreeing with the top byte: canonical only where TBI is on.
        add(Self.tag55Set)
        add(Self.tag55Clear)
        for r in regions {
            let last = r.va &+ (r.size &- 1)
            add(r.va)
            add(r.va &+ Self.wordAlignment)
            add(last &+ 1 &- Self.wordAlignment)
            add(last &+ 1)
            add(r.va &- Self.wordAlignment)
            // Entry and run boundaries inside the region.
            var boundary = r.va &+ r.entrySize
            var k = 0
            while boundary <= last, k < 4 {
                add(boundary &- Self.wordAlignment)
                add(boundary)
                boundary &+= r.entrySize
                k += 1
            }
        }
        for p in plants {
            add(p.va)
            add(p.va &+ (UInt64.random(in: 0..<4096, using: &rng) & ~(Self.wordAlignment - 1)))
        }
        // Tagged addresses: the top byte is ignored where TBI is on, and
        // makes the address non-canonical where it is off.
        for r in regions.prefix(8) {
            add((r.va & ~(0xff << Self.topByteShift)) | (Self.tag << Self.topByteShift) | (r.va & (1 << 55)))
        }
        // Random addresses: half inside regions, half anywhere in a range.
        var attempts = 0
        while chosen.count < count, attempts < count * 20 {
            attempts += 1
            if !regions.isEmpty, Bool.random(using: &rng) {
                let r = regions.randomElement(using: &rng)!
                add(r.va &+ (UInt64.random(in: 0...(r.size &- 1), using: &rng) & ~(Self.wordAlignment - 1)))
            } else {
                let range = ranges.randomElement(using: &rng)!
                add(UInt64.random(in: range, using: &rng) & ~(Self.wordAlignment - 1))
            }
        }
        return chosen
    }
}
