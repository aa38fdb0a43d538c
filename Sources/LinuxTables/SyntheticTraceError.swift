import VMSA

/// Why a synthetic trace was refused.
public enum SyntheticTraceError: Error, Equatable, Sendable, CustomStringConvertible {
    case negativeCount(Int)
    case badSpan(UInt64)

    public var description: String {
        switch self {
        case .negativeCount(let n): "the operation count \(n) is negative; expected 0 or more"
        case .badSpan(let s):
            "the span \(Hex.short(s)) is not a power of two from \(Hex.size(SyntheticTrace.batchBytes)) up to \(Hex.size(TraceSynthesizer.vaLimit - SyntheticTrace.firstVA))"
        }
    }
}
