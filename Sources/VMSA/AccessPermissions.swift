/// Stage-1 AP[2:1] (descriptor bits [7:6]). AP[1] grants EL0 access
/// (Linux PTE_USER), AP[2] makes the page read-only (Linux PTE_RDONLY).
public enum AccessPermissions: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case privilegedReadWrite = 0b00
    case readWrite = 0b01
    case privilegedReadOnly = 0b10
    case readOnly = 0b11

    @inlinable public var el0Accessible: Bool { rawValue & 0b01 != 0 }
    @inlinable public var readOnlyAtAllELs: Bool { rawValue & 0b10 != 0 }

    /// The permissions after the MMU makes a DBM=1 entry dirty (TCR_ELx.HD):
    /// AP[2] cleared, AP[1] kept.
    @inlinable public var dirtied: AccessPermissions {
        readOnlyAtAllELs ? (el0Accessible ? .readWrite : .privilegedReadWrite) : self
    }

    public var description: String {
        switch self {
        case .privilegedReadWrite: "EL1 read/write, EL0 none"
        case .readWrite: "EL1 and EL0 read/write"
        case .privilegedReadOnly: "EL1 read-only, EL0 none"
        case .readOnly: "EL1 and EL0 read-only"
        }
    }
}

/// APTable[1:0] (table descriptor bits [62:61]): limits on every level below.
/// Bit 0 removes EL0 access, bit 1 removes write access at every EL.
public enum TableAccessPermissions: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case noEffect = 0b00
    case noEL0 = 0b01
    case readOnly = 0b10
    case readOnlyNoEL0 = 0b11

    public var description: String {
        switch self {
        case .noEffect: "no effect"
        case .noEL0: "no EL0 access below"
        case .readOnly: "no writes below"
        case .readOnlyNoEL0: "no writes and no EL0 access below"
        }
    }
}

/// SH[1:0]: shareability of Normal memory.
public enum Shareability: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case nonShareable = 0b00
    case reserved = 0b01
    case outerShareable = 0b10
    case innerShareable = 0b11

    public var description: String {
        switch self {
        case .nonShareable: "Non-shareable"
        case .reserved: "reserved"
        case .outerShareable: "Outer Shareable"
        case .innerShareable: "Inner Shareable"
        }
    }
}
