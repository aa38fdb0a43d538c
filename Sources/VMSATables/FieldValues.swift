import VMSA

// Total decodings of 2-bit fields for hot paths: a switch the optimiser can
// inline, where `init(rawValue:)` of an enum from another module is a call
// and a failable one.

extension AccessPermissions {
    /// AP[2:1] from its two bits (`raw` & 0b11).
    @inlinable @inline(__always)
    init(field raw: UInt64) {
        switch raw & 0b11 {
        case AccessPermissions.privilegedReadWrite.rawValue: self = .privilegedReadWrite
        case AccessPermissions.readWrite.rawValue: self = .readWrite
        case AccessPermissions.privilegedReadOnly.rawValue: self = .privilegedReadOnly
        default: self = .readOnly
        }
    }
}

extension Shareability {
    /// SH[1:0] from its two bits (`raw` & 0b11).
    @inlinable @inline(__always)
    init(field raw: UInt64) {
        switch raw & 0b11 {
        case Shareability.nonShareable.rawValue: self = .nonShareable
        case Shareability.reserved.rawValue: self = .reserved
        case Shareability.outerShareable.rawValue: self = .outerShareable
        default: self = .innerShareable
        }
    }
}
