/// What adapting a process to a larger page size costs in memory, counted
/// in 4K pages. Sums over processes with `+=`.
public struct AdapterCost: Equatable, Sendable {
    /// 4K pages the process has resident (present, PROT_NONE included; a huge leaf counts all its pages).
    public var residentPages = 0
    /// 4K pages the adapted process has resident.
    public var adaptedPages = 0
    /// 4K pages past end of file inside faulted process pages of file
    /// mappings: anonymous padding.
    public var paddedFilePages = 0
    /// 4K pages past end of file that rounding a file mapping out added to
    /// it (faulted or not): where an emulator that does not pad (Android's
    /// 16K page-size emulation) raises SIGBUS on access. Pages the 4K VMA
    /// itself mapped past end of file are left out: they raise SIGBUS at 4K too.
    public var sigbusPages = 0
    /// `sigbusPages` by the file mapped there (its path).
    public var sigbusFiles: [String: Int] = [:]
    /// VMAs of the adapted process.
    public var vmas = 0
    /// VMAs the adapter placed at another address (after the previous one's
    /// rounded end, or congruent to their file offset).
    public var movedVMAs = 0
    /// VMAs left out: placed past the end of the user address space.
    public var skippedVMAs = 0
    /// File mappings whose file size is unknown: nothing of them is taken as past end of file.
    public var unknownFileSizes = 0

    /// No cost: the start of a sum.
    public init() {}

    /// Pages added by rounding: whole process pages faulted in (file pages
    /// or zero-filled anonymous ones), padding aside.
    public var roundingPages: Int { adaptedPages - residentPages - paddedFilePages }
    /// 4K pages the adapted process needs on top of what it had: rounding and padding.
    public var addedPages: Int { adaptedPages - residentPages }

    /// Adds `b`'s counts to `a`'s, for totals over processes.
    public static func += (a: inout AdapterCost, b: AdapterCost) {
        a.residentPages += b.residentPages
        a.adaptedPages += b.adaptedPages
        a.paddedFilePages += b.paddedFilePages
        a.sigbusPages += b.sigbusPages
        a.sigbusFiles.merge(b.sigbusFiles, uniquingKeysWith: +)
        a.vmas += b.vmas
        a.movedVMAs += b.movedVMAs
        a.skippedVMAs += b.skippedVMAs
        a.unknownFileSizes += b.unknownFileSizes
    }
}
