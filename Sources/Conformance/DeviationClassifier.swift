import VMSA
import VMSATables

/// Decides whether a difference between vmsa and QEMU at one address is a
/// known QEMU 7.2 deviation (`QEMUDeviation`). The deviation's cause must be
/// on the walk and flagged by vmsa's descriptor checks.
struct DeviationClassifier {
    let image: TableImage

    /// The deviation that explains QEMU answering otherwise than `expected`
    /// at `va`, if any. `shareabilityOnly` says QEMU agreed on everything but
    /// the shareability of a successful translation, which it reported as
    /// `observedSH`.
    func classify(va: UInt64, expected: Result<Translation, TranslationFault>, shareabilityOnly: Bool, observedSH: UInt64?) -> QEMUDeviation? {
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        guard let h = image.half(ttbr) else { return nil }
        switch expected {
        case .success(let t):
            guard shareabilityOnly, let observedSH, t.sh == .outerShareable,
                  t.mairAttr.isDevice || t.mairAttr.isNonCacheable else { return nil }
            let declared = h.format.ds ? h.walkShareability.rawValue : Descriptor.Bits.sh.extract(t.descriptor.rawValue)
            return observedSH == declared ? .deviceShareability : nil
        case .failure(let f):
            guard let stop = image.walkTrace(va).last(where: { $0.level == f.level }) else { return nil }
            let format = validatorFormat(h)
            let problems = stop.descriptor.problems(at: stop.level, format: format)
            switch f.kind {
            case .translation:
                // A 64K level 1 block is legal on QEMU's -cpu max (PAMax 52), so
                // QEMU accepting it is not this deviation.
                guard stop.kind == .block, !h.isBlockLegal(at: stop.level), h.granule != .k64,
                      problems.contains(where: { if case .blockNotLegal = $0 { true } else { false } }) else { return nil }
                return .illegalBlockAccepted
            case .addressSize:
                // Only the OA bits a 52-bit format keeps apart (OA[51:48] of
                // 64K in [15:12], OA[51:50] with DS in [9:8]) are dropped.
                guard h.outputBits < 52, let high = h.format.outputAddressHighField,
                      high.extract(stop.descriptor.rawValue) != 0,
                      problems.contains(where: { if case .addressBeyondPASize = $0 { true } else { false } }) else { return nil }
                return .highAddressBitsDropped
            // A table the image does not hold is never a QEMU deviation.
            case .accessFlag, .permission, .notCaptured:
                return nil
            }
        }
    }

    /// The format vmsa's validator judges a half's descriptors with: its
    /// granule, DS and effective output size.
    private func validatorFormat(_ h: RegimeHalf) -> DescriptorFormat {
        (try? DescriptorFormat(granule: h.granule, ds: h.format.ds, paBits: h.outputBits)) ?? h.format
    }
}
