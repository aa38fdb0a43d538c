/// The kind of access a translation is checked for, as the `AT S1E*R/W`
/// instructions and instruction fetches distinguish them.
public enum AccessKind: String, CaseIterable, Hashable, Sendable {
    /// A data read (`AT S1E1R`), a data write (`AT S1E1W`), an instruction fetch; raw values are the `--access` letters.
    case read = "r", write = "w", execute = "x"

    /// An instruction fetch (a switch: `==` on a String-backed enum is an
    /// outlined call on the walk's hot path).
    @inlinable @inline(__always) public var isFetch: Bool {
        switch self {
        case .execute: true
        case .read, .write: false
        }
    }

    /// A data write (a switch, as `isFetch`).
    @inlinable @inline(__always) public var isWrite: Bool {
        switch self {
        case .write: true
        case .read, .execute: false
        }
    }
}

/// The Exception level an access is made from. EL0 is "unprivileged"
/// (AP[1], UXN); the regime's own level (EL1 in EL1&0, EL2 in EL2&0, EL2 or
/// EL3 in the one-level regimes) is "privileged" (AP[2], PXN). Stage 2
/// distinguishes EL1 from EL0 for XN[1:0] only.
public enum ExceptionLevel: Int, CaseIterable, Hashable, Sendable {
    /// EL0 to EL3; raw values are the `--el` numbers.
    case el0 = 0, el1 = 1, el2 = 2, el3 = 3

    /// Every level but EL0: checked against AP[2] and PXN rather than AP[1] and UXN.
    @inlinable @inline(__always) public var isPrivileged: Bool {
        switch self {
        case .el0: false
        case .el1, .el2, .el3: true
        }
    }
}
