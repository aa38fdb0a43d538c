/// Stage-2 MemAttr[3:0] (descriptor bits [5:2]) in the reading that
/// HCR_EL2.FWB selects (Arm ARM D8.6.5 and D8.6.6).
///
/// FWB=0: MemAttr[3:2]=00 is Device with MemAttr[1:0] its type; otherwise
/// MemAttr[3:2] is the outer and MemAttr[1:0] the inner cacheability
/// (01 Non-cacheable, 10 Write-Through, 11 Write-Back; inner 00 reserved),
/// and the result combines with stage 1 (the weaker cacheability wins).
/// FWB=1: MemAttr[3] is RES0 and MemAttr[2:0] forces or passes stage 1
/// (QEMU `combined_attrs_fwb`; Linux MT_S2_FWB_NORMAL=6, _NORMAL_NC=5,
/// _DEVICE_nGnRE=1).
public enum Stage2MemoryAttributes: Hashable, Sendable, CustomStringConvertible {
    /// Device memory of the type MemAttr[1:0] names (both readings).
    case device(DeviceMemoryType)
    /// FWB=0: Normal, outer and inner cacheability, combined with stage 1.
    case normal(outer: Stage2Cacheability, inner: Stage2Cacheability)
    /// FWB=1, 0b101: Normal Non-cacheable, unless stage 1 is Device.
    case normalNonCacheable
    /// FWB=1, 0b110: Normal Write-Back, whatever stage 1 says.
    case forceWriteBack
    /// FWB=1, 0b111: stage 1's memory type and cacheability are used.
    case stage1Attributes
    /// A reserved encoding (FWB=0 inner 00 with outer non-zero; FWB=1 0b100
    /// or MemAttr[3] set).
    case reserved

    /// MemAttr[3] [5], which is RES0 with FWB=1.
    @inlinable public static var fwbRes0: BitField { BitField(bit: 3) }
    /// MemAttr[3:2], the outer half (FWB=0).
    @inlinable public static var outer: BitField { BitField(3, 2) }
    /// MemAttr[1:0], the inner half (FWB=0) or the Device type.
    @inlinable public static var inner: BitField { BitField(1, 0) }
    /// MemAttr[2] with FWB=1: 0 Device, 1 Normal.
    @inlinable public static var fwbNormal: BitField { BitField(bit: 2) }

    /// MemAttr[2:0] values with FWB=1 that are Normal memory.
    public enum FWBEncoding {
        /// 0b101: Normal Non-cacheable (Linux MT_S2_FWB_NORMAL_NC).
        public static let normalNonCacheable: UInt64 = 0b101
        /// 0b110: Normal Write-Back, forced (Linux MT_S2_FWB_NORMAL).
        public static let forceWriteBack: UInt64 = 0b110
        /// 0b111: stage 1's memory type and cacheability pass through.
        public static let stage1Attributes: UInt64 = 0b111
    }

    /// Reads a 4-bit MemAttr value.
    public init(memAttr: UInt8, fwb: Bool) {
        let v = UInt64(memAttr)
        let low = DeviceMemoryType(rawValue: Self.inner.extract(v))!
        if fwb {
            guard !Self.fwbRes0.isSet(v) else { self = .reserved; return }
            guard Self.fwbNormal.isSet(v) else { self = .device(low); return }
            switch v {
            case FWBEncoding.normalNonCacheable: self = .normalNonCacheable
            case FWBEncoding.forceWriteBack: self = .forceWriteBack
            case FWBEncoding.stage1Attributes: self = .stage1Attributes
            default: self = .reserved
            }
            return
        }
        let outer = Self.outer.extract(v)
        guard outer != 0 else { self = .device(low); return }
        guard let o = Stage2Cacheability(rawValue: outer), let i = Stage2Cacheability(rawValue: Self.inner.extract(v)) else {
            self = .reserved
            return
        }
        self = .normal(outer: o, inner: i)
    }

    /// Whether the encoding is reserved in this reading.
    public var isReserved: Bool { self == .reserved }

    /// Whether the reading is Device memory.
    public var isDevice: Bool { if case .device = self { true } else { false } }

    /// The reading's name, for messages.
    package static func readingName(fwb: Bool) -> String { fwb ? "HCR_EL2.FWB=1" : "HCR_EL2.FWB=0" }

    /// `value` as four binary digits.
    public static func binary(_ value: UInt8) -> String {
        let s = String(value, radix: 2)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// The reading in Arm ARM words, e.g. `Device-nGnRE` or `Normal, Inner/Outer Write-Back`.
    public var description: String {
        switch self {
        case .device(let t): "Device-\(t)"
        case .normal(let o, let i): o == i ? "Normal, Inner/Outer \(o)" : "Normal, Outer \(o), Inner \(i)"
        case .normalNonCacheable: "Normal Non-cacheable (stage 1 Device stays Device)"
        case .forceWriteBack: "Normal Write-Back, forced (stage 1 cacheability replaced)"
        case .stage1Attributes: "stage 1 memory type and cacheability used"
        case .reserved: "reserved"
        }
    }
}

/// The four Device memory types, as MemAttr[1:0] (and MAIR's dd) encode them.
public enum DeviceMemoryType: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Device-nGnRnE (0b00), -nGnRE (0b01), -nGRE (0b10), -GRE (0b11): G gathering, R reordering, E early write acknowledgement.
    case nGnRnE = 0b00, nGnRE = 0b01, nGRE = 0b10, GRE = 0b11
    /// The Arm ARM spelling without the `Device-` prefix.
    public var description: String {
        switch self { case .nGnRnE: "nGnRnE"; case .nGnRE: "nGnRE"; case .nGRE: "nGRE"; case .GRE: "GRE" }
    }
}

/// A stage-2 cacheability half (FWB=0): 0b00 is not one (reserved inner).
public enum Stage2Cacheability: UInt64, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 0b01 Non-cacheable, 0b10 Write-Through Cacheable, 0b11 Write-Back Cacheable.
    case nonCacheable = 0b01, writeThrough = 0b10, writeBack = 0b11
    /// The Arm ARM name of the cacheability.
    public var description: String {
        switch self { case .nonCacheable: "Non-cacheable"; case .writeThrough: "Write-Through"; case .writeBack: "Write-Back" }
    }
}
