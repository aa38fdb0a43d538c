import VMSA
import VMSATables

extension TableArena {
    /// The live tables as sparse memory segments, adjacent tables joined.
    func segments() -> [(base: UInt64, words: [UInt64])] {
        var out: [(base: UInt64, words: [UInt64])] = []
        for t in (0..<highWater).map(TableHandle.init(rawValue:)) where isLive(t) {
            let pa = physicalAddress(of: t)
            let table = UnsafeBufferPointer(start: words(of: t), count: wordsPerTable)
            if let last = out.last, last.base &+ UInt64(last.words.count) &* DescriptorLayout.bytes == pa {
                out[out.count - 1].words.append(contentsOf: table)
            } else {
                out.append((pa, Array(table)))
            }
        }
        return out
    }

    /// An image of these tables under `regime`: what `vmsa replay
    /// --linux-image/--native-image` writes, for dump, diff and conform.
    public func image(regime: TranslationRegime) -> TableImage {
        // Live tables are whole, aligned and disjoint by construction.
        try! TableImage(regime: regime, segments: segments())
    }
}

extension ProcessTables {
    /// The Linux table as an image: TTBR0 with TG0 = 4K, as Linux programs it.
    public func linuxImage() -> TableImage { linux.arena.image(regime: linux.regime) }

    /// The native table as an image (rebuilt first if it was reclaimed).
    public func nativeImage() throws(LinuxTableError) -> TableImage {
        try ensureNative()
        return mirror.arena.image(regime: mirror.regime)
    }
}
