/// Stage-1 AP[2:1] (descriptor bits [7:6]). AP[1] grants EL0 access
/// (Linux PTE_USER), AP[2] makes the page read-only (Linux PTE_RDONLY).
public enum AccessPermissions: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// AP[2:1]=0b00: EL1 read/write, no EL0 access (Linux PAGE_KERNEL).
    case privilegedReadWrite = 0b00
    /// AP[2:1]=0b01: EL1 and EL0 read/write (Linux PTE_USER).
    case readWrite = 0b01
    /// AP[2:1]=0b10: EL1 read-only, no EL0 access (Linux PAGE_KERNEL_RO).
    case privilegedReadOnly = 0b10
    /// AP[2:1]=0b11: EL1 and EL0 read-only (Linux PTE_USER | PTE_RDONLY).
    case readOnly = 0b11

    /// AP[1]: EL0 may access the page (Linux PTE_USER).
    @inlinable public var el0Accessible: Bool { rawValue & 0b01 != 0 }
    /// AP[2]: no writes at any EL (Linux PTE_RDONLY).
    @inlinable public var readOnlyAtAllELs: Bool { rawValue & 0b10 != 0 }

    /// The permissions after the MMU makes a DBM=1 entry dirty (TCR_ELx.HD):
    /// AP[2] cleared, AP[1] kept.
    @inlinable public var dirtied: AccessPermissions {
        readOnlyAtAllELs ? (el0Accessible ? .readWrite : .privilegedReadWrite) : self
    }

    /// The permissions in words, as `decode` prints them.
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
    /// APTable=0b00: no limit on the levels below.
    case noEffect = 0b00
    /// APTable=0b01: no EL0 access below (AP[1] treated as 0).
    case noEL0 = 0b01
    /// APTable=0b10: no writes below at any EL (AP[2] treated as 1).
    case readOnly = 0b10
    /// APTable=0b11: no writes and no EL0 access below.
    case readOnlyNoEL0 = 0b11

    /// The limit in words, as `decode` prints it.
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
    /// SH=0b00: Non-shareable.
    case nonShareable = 0b00
    /// SH=0b01: reserved (CONSTRAINED UNPREDICTABLE).
    case reserved = 0b01
    /// SH=0b10: Outer Shareable.
    case outerShareable = 0b10
    /// SH=0b11: Inner Shareable (Linux PTE_SHARED).
    case innerShareable = 0b11

    /// The Arm ARM name of the shareability domain.
    public var description: String {
        switch self {
        case .nonShareable: "Non-shareable"
        case .reserved: "reserved"
        case .outerShareable: "Outer Shareable"
        case .innerShareable: "Inner Shareable"
        }
    }
}
