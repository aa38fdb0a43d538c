/// Stage-2 S2AP[1:0] (descriptor bits [7:6]): bit 6 grants reads (Linux
/// KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R), bit 7 grants writes (…_S2AP_W).
public enum Stage2AccessPermissions: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// S2AP=0b00: no access at stage 2.
    case none = 0b00
    /// S2AP=0b01: reads only (KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R).
    case readOnly = 0b01
    /// S2AP=0b10: writes only (KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W).
    case writeOnly = 0b10
    /// S2AP=0b11: reads and writes.
    case readWrite = 0b11

    /// S2AP[0], bit [6]: stage 2 allows reads.
    @inlinable public var readable: Bool { rawValue & 0b01 != 0 }
    /// S2AP[1], bit [7]: stage 2 allows writes.
    @inlinable public var writable: Bool { rawValue & 0b10 != 0 }

    /// The permission in words, as `decode --regime s2` prints it.
    public var description: String {
        switch self {
        case .none: "no access"
        case .readOnly: "read-only"
        case .writeOnly: "write-only"
        case .readWrite: "read/write"
        }
    }
}
