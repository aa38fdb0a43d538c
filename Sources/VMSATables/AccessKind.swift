/// The kind of access a translation is checked for, as the `AT S1E*R/W`
/// instructions and instruction fetches distinguish them.
public enum AccessKind: String, CaseIterable, Hashable, Sendable {
    case read = "r", write = "w", execute = "x"
}

/// The Exception level an access is made from in the EL1&0 regime.
/// EL0 is "unprivileged" (AP[1], UXN), EL1 "privileged" (AP[2], PXN).
public enum ExceptionLevel: Int, CaseIterable, Hashable, Sendable {
    case el0 = 0, el1 = 1
}
