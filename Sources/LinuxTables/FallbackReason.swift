import VMSA

/// Why an operation could not become native entries. The first two name
/// the operation's shape (it covered part of a native page and left that
/// page partly mapped); the others name what the native page's Linux
/// entries disagree on.
public enum FallbackReason: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// The operation starts inside a native page and leaves it partly mapped.
    case misalignedStart = "misaligned start"
    /// The operation starts on a native page but ends inside one, leaving it partly mapped.
    case partialNativePage = "partial native page"
    /// Some of the page's Linux entries are valid and others are not.
    case mixedPresence = "mixed present/non-present"
    /// The page's valid Linux entries differ in hardware attributes (young and
    /// dirty aside, which are gathered as contpte does).
    case mixedAttributes = "mixed attributes"
    /// The PFNs of the page's Linux entries are not consecutive.
    case nonConsecutivePFN = "non-consecutive PFN"
    /// The first PFN is not aligned to the native page.
    case misalignedPFN = "misaligned PFN"

    /// The reason as warnings spell it (`misaligned start`, …).
    public var description: String { rawValue }
}

/// One operation that could not be translated: the warning the CLI prints.
public struct MirrorWarning: Hashable, Sendable, CustomStringConvertible {
    /// The operation's trace name (`set_ptes`, `wrprotect`, …).
    public var op: String
    /// The operation's first VA (`addr`).
    public var address: VirtualAddress
    /// The operation's entry count (`nr`).
    public var count: Int
    /// Why the native page could not be expressed.
    public var reason: FallbackReason
    /// The native page that could not be expressed.
    public var nativePage: VirtualAddress
    /// Whether this operation moved the process from native to fallback.
    public var enteredFallback: Bool

    /// A warning for `op` at `address` with `count` entries.
    public init(op: String, address: VirtualAddress, count: Int, reason: FallbackReason, nativePage: VirtualAddress, enteredFallback: Bool) {
        self.op = op
        self.address = address
        self.count = count
        self.reason = reason
        self.nativePage = nativePage
        self.enteredFallback = enteredFallback
    }

    /// The warning as the CLI prints it on standard error.
    public var description: String {
        "\(op) at 0x\(String(address.rawValue, radix: 16)) nr \(count) cannot be translated: \(reason) (native page 0x\(String(nativePage.rawValue, radix: 16)))"
            + (enteredFallback ? "; the process falls back to its 4K Linux table" : "")
    }
}
