/// One MAIR_EL1 attribute byte (Attr<n>), selected by a descriptor's AttrIndx.
public struct MemoryAttribute: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The attribute byte: Attr<n>[7:4] outer, [3:0] inner (or Device type with [7:4]=0).
    public var rawValue: UInt8
    /// The attribute with byte `rawValue`.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Names vmsa accepts and prints. Linux's MT_* name an AttrIndx, not a
    /// byte value: see `MAIR.linuxMemoryType(_:)`.
    public static let named: [(name: String, value: MemoryAttribute)] = [
        ("device-nGnRnE", MemoryAttribute(rawValue: 0x00)),
        ("device-nGnRE", MemoryAttribute(rawValue: 0x04)),
        ("device-nGRE", MemoryAttribute(rawValue: 0x08)),
        ("device-GRE", MemoryAttribute(rawValue: 0x0c)),
        ("normal-nc", MemoryAttribute(rawValue: 0x44)),
        ("normal-wt", MemoryAttribute(rawValue: 0xbb)),
        ("normal-wb", MemoryAttribute(rawValue: 0xff)),
        ("normal-tagged", MemoryAttribute(rawValue: 0xf0)),
    ]

    /// Parses a name from `named` (case-insensitive) or a byte value.
    public init?(name: String) {
        if let hit = Self.named.first(where: { $0.name.lowercased() == name.lowercased() }) {
            self = hit.value
        } else if let v = Hex.parse(name), v <= UInt64(UInt8.max) {
            rawValue = UInt8(v)
        } else {
            return nil
        }
    }

    /// Attr<n>[7:4] == 0b0000: Device memory.
    public var isDevice: Bool { rawValue >> 4 == 0 }

    /// Normal memory with both halves Non-cacheable (0b0100), XS=1 (0x44)
    /// or the FEAT_XS XS=0 spelling (0x40).
    public var isNonCacheable: Bool { (withXSOne ?? self).rawValue == 0x44 }

    /// The name vmsa uses, if the value has one.
    public var name: String? { Self.named.first { $0.value == self }?.name }

    /// Attr<n>[1:0] of a Device byte (0b0000ddxx): 0b00 is plain Device
    /// memory, 0b01 Device with XS=0 (FEAT_XS), 0b1x UNPREDICTABLE.
    private static let deviceLowBits: UInt8 = 0b11
    private static let deviceXSZeroLowBits: UInt8 = 0b01

    /// The two Normal bytes with Inner 0b0000 that FEAT_XS defines (XS=0):
    /// Inner/Outer Non-cacheable and Inner/Outer Write-Through Non-transient
    /// Read-allocate no-Write-allocate; the byte with the same memory type
    /// and XS=1 is each nibble copied into the inner half (0x44, 0xaa).
    private static let normalXSZero: [UInt8] = [0x40, 0xa0]

    /// MTE's Tagged Normal (FEAT_MTE2): Inner/Outer Write-Back
    /// Non-transient R/W-allocate, with allocation tags.
    public static let tagged = MemoryAttribute(rawValue: 0xf0)

    /// Whether the Arm ARM gives this value a meaning (with FEAT_XS and
    /// FEAT_MTE2 where the encoding needs them).
    public var isDefined: Bool {
        if isDevice { return rawValue & Self.deviceLowBits != 0b10 && rawValue & Self.deviceLowBits != 0b11 }
        if rawValue & 0x0f == 0 { return self == Self.tagged || Self.normalXSZero.contains(rawValue) }
        return true
    }

    /// A FEAT_XS encoding (memory with the XS attribute 0): Device
    /// 0b0000dd01, Normal 0x40 and 0xa0. Without FEAT_XS these are
    /// UNPREDICTABLE (Arm ARM, MAIR_EL1.Attr<n>).
    public var isXSZero: Bool {
        isDevice ? rawValue & Self.deviceLowBits == Self.deviceXSZeroLowBits : Self.normalXSZero.contains(rawValue)
    }

    /// The byte of the same memory type with XS=1, which needs no FEAT_XS;
    /// nil unless `isXSZero`.
    public var withXSOne: MemoryAttribute? {
        guard isXSZero else { return nil }
        if isDevice { return MemoryAttribute(rawValue: rawValue & ~Self.deviceLowBits) }
        return MemoryAttribute(rawValue: rawValue | rawValue >> 4)
    }

    private static func cacheability(_ nibble: UInt8) -> String {
        if nibble == 0b0100 { return "Non-cacheable" }
        let policy: String
        switch nibble >> 2 {
        case 0b00: policy = "Write-Through Transient"
        case 0b01: policy = "Write-Back Transient"
        case 0b10: policy = "Write-Through Non-transient"
        default: policy = "Write-Back Non-transient"
        }
        let read = nibble & 0b10 != 0 ? "R" : "no R"
        let write = nibble & 0b01 != 0 ? "W" : "no W"
        return "\(policy) \(read)/\(write)-allocate"
    }

    /// The Arm ARM reading of the byte.
    public var meaning: String {
        let xs = ", XS=0 (FEAT_XS)"
        if isDevice {
            guard isDefined else { return "UNPREDICTABLE Device encoding (0b0000dd1x)" }
            let type = ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"][Int(rawValue >> 2)]
            return type + (isXSZero ? xs : "")
        }
        if self == Self.tagged { return "Normal, Tagged (FEAT_MTE2), Inner/Outer Write-Back Non-transient R/W-allocate" }
        if let same = withXSOne { return same.meaning + xs }
        let inner = rawValue & 0x0f, outer = rawValue >> 4
        guard inner != 0 else { return "UNPREDICTABLE Normal encoding (Inner 0b0000)" }
        if inner == outer { return "Normal, Inner/Outer " + Self.cacheability(inner) }
        return "Normal, Outer " + Self.cacheability(outer) + ", Inner " + Self.cacheability(inner)
    }

    /// The byte as `0x` and two hex digits.
    public var description: String { Hex.format(UInt64(rawValue), digits: 2) }
}

/// MAIR_EL1: eight attribute bytes, Attr0 in [7:0] to Attr7 in [63:56].
public struct MAIR: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit value of MAIR_EL1.
    public var rawValue: UInt64
    /// MAIR_EL1 holding `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// MAIR_EL1 holds eight attributes, Attr0 to Attr7, one per AttrIndx value.
    public static let attributeCount = 8

    /// MAIR_EL1 with Attr0, Attr1, … from `attributes` (at most eight); the rest zero.
    public init(attributes: [MemoryAttribute]) {
        precondition(attributes.count <= Self.attributeCount, "MAIR_EL1 holds eight attributes")
        rawValue = 0
        for (i, a) in attributes.enumerated() { self[i] = a }
    }

    /// The field of Attr<index>: [8*index+7 : 8*index].
    public static func field(_ index: Int) -> BitField { BitField(8 * index + 7, 8 * index) }

    /// Attr<index>, the byte AttrIndx `index` selects.
    public subscript(index: Int) -> MemoryAttribute {
        get { MemoryAttribute(rawValue: UInt8(Self.field(index).extract(rawValue))) }
        set { rawValue = Self.field(index).inserting(UInt64(newValue.rawValue), into: rawValue) }
    }

    /// Attr0 to Attr7, in order.
    public var attributes: [MemoryAttribute] { (0..<Self.attributeCount).map { self[$0] } }

    /// The memory types arm64 Linux assigns to AttrIndx 0 to 4
    /// (arch/arm64/include/asm/memory.h). Attr1 holds Normal (0xff) until
    /// MTE is enabled, then Tagged (0xf0); either way index 1 is
    /// MT_NORMAL_TAGGED, so the name follows the index, not the byte.
    public static let linuxMemoryTypes = ["MT_NORMAL", "MT_NORMAL_TAGGED", "MT_NORMAL_NC", "MT_DEVICE_nGnRnE", "MT_DEVICE_nGnRE"]

    /// Linux's name for AttrIndx `index`, nil for the indices Linux leaves unused.
    public static func linuxMemoryType(_ index: Int) -> String? {
        linuxMemoryTypes.indices.contains(index) ? linuxMemoryTypes[index] : nil
    }

    /// The raw value as `0x` and 16 hex digits.
    public var description: String { Hex.format(rawValue) }
}
