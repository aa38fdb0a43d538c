import VMSA

extension TranslationRegime {
    /// What is wrong with the leaf a translation used, as the Arm ARM judges
    /// it where the walk itself does not stop (and QEMU 7.2 says nothing):
    /// the leaf descriptor's own problems at its level (RES0 bits, such as
    /// set bits below a block's output address) and a broken contiguous run
    /// around it (`contiguousRunProblems`, passed in so that it is computed
    /// once per image). Empty for a well-formed leaf.
    public func problems(of translation: Translation, runs: [ContiguousRunProblem]) -> [String] {
        guard let h = half(translation.ttbr) else { return [] }
        var found = translation.descriptor.problems(at: translation.level, format: h.format).map(\.description)
        if let run = runs.first(where: { $0.covers(translation.va.rawValue, ttbr: translation.ttbr) }) {
            found.append("broken contiguous run: \(run.reason)")
        }
        return found
    }
}
