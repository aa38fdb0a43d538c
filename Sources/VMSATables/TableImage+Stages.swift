import VMSA

extension TableImage {
    /// The stage-1 tables of a two-stage image as an image of their own,
    /// each table at its IPA (where the stage-1 walk addresses it), so that
    /// every dump and walk reads them as they read any EL1&0 image. Tables
    /// stage 2 does not map are left out (the image is then partial, and
    /// walks through them end `notCaptured`). The image itself when it has
    /// no stage 2.
    public var stage1View: TableImage {
        guard let twoStage else { return self }
        let view = IntermediatePhysicalMemory(regime: twoStage, el: .el1, memory: self)
        let reachable = ReachableTables(regime, in: view)
        var segments: [(base: UInt64, words: [UInt64])] = []
        for t in reachable.tables {
            let count = Int(t.bytes / DescriptorLayout.bytes)
            guard let words = view.words(at: t.address, count: count) else { continue }
            segments.append((t.address, Array(UnsafeBufferPointer(start: words, count: count))))
        }
        // Tables are disjoint and aligned to their size, so they never overlap.
        guard var image = try? TableImage(regime: regime, state: state, segments: TwoStageImage.merged(segments)) else { return self }
        image.isPartial = !reachable.missing.isEmpty
        return image
    }

    /// The stage-2 tables of a two-stage image as a stage-2 image over the
    /// same memory; nil without a stage 2.
    public var stage2View: TableImage? {
        guard let stage2 else { return nil }
        return TableImage(regime: stage2, state: CPUState(), segments: segments)
    }
}
