import VMSA

/// Why a synthetic trace was refused.
public enum SyntheticTraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `vmsa trace --synthetic N` with N below 0.
    case negativeCount(Int)
    /// A span that is not a power of two of whole batches inside the user VA space.
    case badSpan(UInt64)

    /// The refusal as one sentence naming the value and what was expected.
    public var description: String {
        switch self {
        case .negativeCount(let n): "the operation count \(n) is negative; expected 0 or more"
        case .badSpan(let s):
            "the span \(Hex.short(s)) is not a power of two from \(Hex.size(SyntheticTrace.batchBytes)) up to \(Hex.size(TraceSynthesizer.vaLimit - SyntheticTrace.firstVA))"
        }
    }
}
