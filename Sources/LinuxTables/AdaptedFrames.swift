/// Physical frames for the adapted process: the MM hands out folios of at
/// least the process page size, so every run of process pages gets fresh,
/// physically consecutive frames placed at the same offset within 2M as its
/// VA (a huge leaf's frames aligned to its size). This is the best case, as
/// a trace without PFNs is (`TraceSynthesizer.SyntheticPFNs`), stated as such.
package struct AdaptedFrames: Sendable {
    /// The next free PFN.
    package private(set) var next: UInt64

    /// Frames handed out from PFN `first`.
    package init(first: UInt64 = TraceSynthesizer.SyntheticPFNs.firstPFN) { next = first }

    /// The first of `pages` consecutive PFNs for the run mapped at `va`,
    /// congruent to it modulo 2M, or modulo `alignment` bytes when larger (a PUD leaf).
    package mutating func allocate(for va: UInt64, pages: Int, alignment: UInt64 = 0) -> UInt64 {
        let modulus = max(alignment, TraceSynthesizer.pmdSize) / TraceSynthesizer.pageSize
        let want = (va / TraceSynthesizer.pageSize) % modulus
        let pfn = next + (want &+ modulus &- next % modulus) % modulus
        next = pfn + UInt64(pages)
        return pfn
    }
}
