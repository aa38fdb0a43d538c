/// One MAIR_EL1 attribute byte (Attr<n>), selected by a descriptor's AttrIndx.
public struct MemoryAttribute: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
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

    /// Normal memory with both halves Non-cacheable (0b0100).
    public var isNonCacheable: Bool { rawValue == 0x44 }

    /// The name vmsa uses, if the value has one.
    public var name: String? { Self.named.first { $0.value == self }?.name }

    /// Whether the Arm ARM gives this value a meaning (Device with [1:0]=0,
    /// or Normal with a defined inner half; 0xf0 is MTE's tagged Normal).
    public var isDefined: Bool {
        if isDevice { return rawValue & 0b11 == 0 }
        if rawValue & 0x0f == 0 { return rawValue == 0xf0 }
        return true
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
        if isDevice {
            guard rawValue & 0b11 == 0 else { return "reserved Device encoding" }
            return ["Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE"][Int(rawValue >> 2)]
        }
        if rawValue == 0xf0 { return "Normal, Tagged (MTE), Inner/Outer Write-Back Non-transient R/W-allocate" }
        let inner = rawValue & 0x0f, outer = rawValue >> 4
        guard inner != 0 else { return "UNPREDICTABLE Normal encoding (Inner 0b0000)" }
        if inner == outer { return "Normal, Inner/Outer " + Self.cacheability(inner) }
        return "Normal, Outer " + Self.cacheability(outer) + ", Inner " + Self.cacheability(inner)
    }

    public var description: String { Hex.format(UInt64(rawValue), digits: 2) }
}

/// MAIR_EL1: eight attribute bytes, Attr0 in [7:0] to Attr7 in [63:56].
public struct MAIR: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let attributeCount = 8

    public init(attributes: [MemoryAttribute]) {
        precondition(attributes.count <= Self.attributeCount, "MAIR_EL1 holds eight attributes")
        rawValue = 0
        for (i, a) in attributes.enumerated() { self[i] = a }
    }

    /// The field of Attr<index>: [8*index+7 : 8*index].
    public static func field(_ index: Int) -> BitField { BitField(8 * index + 7, 8 * index) }

    public subscript(index: Int) -> MemoryAttribute {
        get { MemoryAttribute(rawValue: UInt8(Self.field(index).extract(rawValue))) }
        set { rawValue = Self.field(index).inserting(UInt64(newValue.rawValue), into: rawValue) }
    }

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

    public var description: String { Hex.format(rawValue) }
}
