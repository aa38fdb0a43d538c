/// Stage-2 S2AP[1:0] (descriptor bits [7:6]): bit 6 grants reads (Linux
/// KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R), bit 7 grants writes (…_S2AP_W).
public enum Stage2AccessPermissions: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case none = 0b00
    case readOnly = 0b01
    case writeOnly = 0b10
    case readWrite = 0b11

    @inlinable public var readable: Bool { rawValue & 0b01 != 0 }
    @inlinable public var writable: Bool { rawValue & 0b10 != 0 }

    public var description: String {
        switch self {
        case .none: "no access"
        case .readOnly: "read-only"
        case .writeOnly: "write-only"
        case .readWrite: "read/write"
        }
    }
}
