/// The kind of access a translation is checked for, as the `AT S1E*R/W`
/// instructions and instruction fetches distinguish them.
public enum AccessKind: String, CaseIterable, Hashable, Sendable {
    /// A data read (`AT S1E1R`), a data write (`AT S1E1W`), an instruction fetch; raw values are the `--access` letters.
    case read = "r", write = "w", execute = "x"
}

/// The Exception level an access is made from. EL0 is "unprivileged"
/// (AP[1], UXN); the regime's own level (EL1 in EL1&0, EL2 in EL2&0, EL2 or
/// EL3 in the one-level regimes) is "privileged" (AP[2], PXN). Stage 2
/// distinguishes EL1 from EL0 for XN[1:0] only.
public enum ExceptionLevel: Int, CaseIterable, Hashable, Sendable {
    /// EL0 to EL3; raw values are the `--el` numbers.
    case el0 = 0, el1 = 1, el2 = 2, el3 = 3

    /// Every level but EL0: checked against AP[2] and PXN rather than AP[1] and UXN.
    @inlinable public var isPrivileged: Bool { self != .el0 }
}
