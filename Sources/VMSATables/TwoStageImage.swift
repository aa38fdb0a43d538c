import VMSA

extension TableImage {
    /// A two-stage image: `stage1`'s tables (built at IPAs) placed where
    /// `stage2` maps each of their pages, with `stage2`'s own tables.
    public init(stage1: TableImage, stage2: TableImage, hcr: HCR) throws(LayoutError) {
        self = try TwoStageImage.combine(stage1: stage1, stage2: stage2, hcr: hcr)
    }
}

/// Puts a stage-1 image and its stage 2 into one image of physical memory.
enum TwoStageImage {
    /// The stage-1 tables are placed in pieces of the smallest granule, so
    /// that any stage-2 page size can map them.
    static let placementGranule = Granule.k4

    /// `stage1`'s tables (built at IPAs) placed where `stage2` maps each
    /// page, alongside `stage2`'s own tables.
    static func combine(stage1: TableImage, stage2: TableImage, hcr: HCR) throws(LayoutError) -> TableImage {
        var segments: [(base: UInt64, words: [UInt64])] = stage2.segments.map { s in
            (s.base, Array(UnsafeBufferPointer(start: s.memory.words, count: s.memory.count)))
        }
        let page = placementGranule.pageSize
        let wordsPerPage = Int(page / DescriptorLayout.bytes)
        for s in stage1.segments {
            for offset in stride(from: 0, to: s.memory.count, by: wordsPerPage) {
                let ipa = s.base &+ UInt64(offset) &* DescriptorLayout.bytes
                guard case .success(let t) = stage2.regime.translateStage2(ipa, access: .read, el: .el1, in: stage2) else { continue }
                let count = min(wordsPerPage, s.memory.count - offset)
                let pa = t.pa.rawValue
                if segments.contains(where: { pa < $0.base &+ UInt64($0.words.count) &* DescriptorLayout.bytes && $0.base < pa &+ page }) {
                    throw .stage1TablesOverlap(ipa: ipa, pa: pa)
                }
                segments.append((pa, Array(UnsafeBufferPointer(start: s.memory.words + offset, count: count))))
            }
        }
        var image: TableImage
        do { image = try TableImage(regime: stage1.regime, segments: merged(segments)) } catch {
            throw .stage1TablesOverlap(ipa: stage1.tablesBase, pa: 0)
        }
        image.stage2 = stage2.regime
        image.hcr = hcr
        return image
    }

    /// Neighbouring segments joined, in PA order.
    static func merged(_ segments: [(base: UInt64, words: [UInt64])]) -> [(base: UInt64, words: [UInt64])] {
        var out: [(base: UInt64, words: [UInt64])] = []
        for s in segments.sorted(by: { $0.base < $1.base }) {
            if let last = out.last, last.base &+ UInt64(last.words.count) &* DescriptorLayout.bytes == s.base {
                out[out.count - 1].words += s.words
            } else {
                out.append(s)
            }
        }
        return out
    }
}
