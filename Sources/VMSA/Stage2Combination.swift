/// How stage 2 combines with stage 1 into the memory type and shareability
/// of a two-stage access, as PAR_EL1.ATTR and .SH report them (Arm ARM
/// `S2CombineS1MemAttrs`, `AArch64.S2ApplyFWBMemAttrs`; QEMU ptw.c
/// `combine_cacheattrs`, `combined_attrs_fwb`). The result is a MAIR-style
/// byte: 0b0000dd00 for Device, outer and inner nibbles for Normal.
public enum Stage2Combination {
    /// A MAIR nibble for Normal Non-cacheable memory.
    static let nonCacheableNibble: UInt8 = 0b0100
    /// A MAIR nibble for Write-Back, Read/Write-Allocate (FWB's forced Write-Back).
    static let writeBackNibble: UInt8 = 0b1111
    /// The nibble's policy bits [3:2]: 00 and 10 are Write-Through.
    /// Write-Through Non-transient, before its allocation hints R [1] and W [0].
    static let writeThroughNibble: UInt8 = 0b1000
    static let allocationHints: UInt8 = 0b11
    static func isWriteThrough(_ nibble: UInt8) -> Bool { nibble >> 2 == 0b00 || nibble >> 2 == 0b10 }
    /// A MAIR byte is the outer nibble [7:4] and the inner nibble [3:0].
    static let nibbleShift: UInt8 = 4
    static let nibbleMask: UInt8 = 0x0f
    static func normal(outer: UInt8, inner: UInt8) -> MemoryAttribute { MemoryAttribute(rawValue: outer << nibbleShift | inner) }
    /// The Device type bits of a MAIR Device byte (0b0000dd00).
    static let deviceTypeShift: UInt8 = 2
    static let deviceTypeMask: UInt64 = 0b11

    /// The combined memory type of stage-1 `s1` (a MAIR byte, or Normal
    /// Write-Back when stage 1 is off and HCR_EL2.DC=1) under stage-2 MemAttr
    /// `memAttr`, in the reading `fwb` selects.
    public static func memoryType(stage1 s1: MemoryAttribute, memAttr: UInt8, fwb: Bool) -> MemoryAttribute {
        func device(_ type: DeviceMemoryType) -> MemoryAttribute {
            // The more restrictive Device type wins (nGnRnE < nGnRE < nGRE < GRE).
            let t = s1.isDevice ? min(type.rawValue, UInt64(s1.rawValue >> deviceTypeShift) & deviceTypeMask) : type.rawValue
            return MemoryAttribute(rawValue: UInt8(t) << deviceTypeShift)
        }
        switch Stage2MemoryAttributes(memAttr: memAttr, fwb: fwb) {
        case .device(let t): return device(t)
        case .reserved: return s1
        case .stage1Attributes: return s1
        case .forceWriteBack: return normal(outer: writeBackNibble, inner: writeBackNibble)
        case .normalNonCacheable:
            return s1.isDevice ? s1 : normal(outer: nonCacheableNibble, inner: nonCacheableNibble)
        case .normal(let outer, let inner):
            if s1.isDevice { return s1 }
            return normal(outer: combine(s1.rawValue >> nibbleShift, outer), inner: combine(s1.rawValue & nibbleMask, inner))
        }
    }

    /// One cacheability half of Normal memory: Non-cacheable wins, then
    /// Write-Through; the allocation hints stay stage 1's.
    static func combine(_ s1: UInt8, _ s2: Stage2Cacheability) -> UInt8 {
        if s1 == nonCacheableNibble || s2 == .nonCacheable { return nonCacheableNibble }
        if isWriteThrough(s1) { return s1 }
        // Stage-2 Write-Through over stage-1 Write-Back: 0b10RW with stage 1's hints.
        if s2 == .writeThrough { return writeThroughNibble | (s1 & allocationHints) }
        return s1
    }

    /// The combined shareability: Outer Shareable for Device and
    /// Non-cacheable memory, else the wider of the two stages.
    public static func shareability(stage1: Shareability, stage2: Shareability, combined: MemoryAttribute) -> Shareability {
        if combined.isDevice || combined.isNonCacheable { return .outerShareable }
        if stage1 == .outerShareable || stage2 == .outerShareable { return .outerShareable }
        if stage1 == .innerShareable || stage2 == .innerShareable { return .innerShareable }
        return .nonShareable
    }
}
