import VMSA

/// The scalars a walk of one half reads per address, copied out of
/// `RegimeHalf` into one small plain struct so that translation and the
/// range walk touch no optionals, classes or nested structs per step.
@usableFromInline
struct WalkParameters: Sendable {
    @usableFromInline var enabled = false
    @usableFromInline var selectMask: UInt64 = 0
    @usableFromInline var selectValue: UInt64 = 0
    @usableFromInline var rootAddress: UInt64 = 0
    @usableFromInline var rootIndexMask: UInt64 = 0
    @usableFromInline var startLevel = 0
    @usableFromInline var startShift = 0
    @usableFromInline var bitsPerLevel = 0
    @usableFromInline var pageShift = 0
    @usableFromInline var indexMask: UInt64 = 0
    @usableFromInline var outputLimit: UInt64 = 0
    @usableFromInline var lowAddressMask: UInt64 = 0
    @usableFromInline var highAddressLSB: UInt64 = 0
    @usableFromInline var highAddressMax: UInt64 = 0
    @usableFromInline var highAddressShift: UInt64 = 0
    /// Bit `level + 1` set where blocks are legal.
    @usableFromInline var blockLevels: UInt8 = 0
    /// Entries of a contiguous run at level 2 and level 3 (0: none).
    @usableFromInline var contiguousL2 = 0
    @usableFromInline var contiguousL3 = 0
    @usableFromInline var hpd = false
    @usableFromInline var e0pd = false
    @usableFromInline var baseAddressFault = false
    @usableFromInline var hardwareAccessFlag = false
    @usableFromInline var hardwareDirty = false
    @usableFromInline var ds = false
    @usableFromInline var walkShareability: UInt64 = 0

    init() {}

    init(_ h: RegimeHalf) {
        enabled = true
        selectMask = h.selectMask
        selectValue = h.selectValue
        rootAddress = h.rootAddress
        rootIndexMask = UInt64(h.rootEntries &- 1)
        startLevel = h.startLevel.rawValue
        startShift = h.shift(at: h.startLevel)
        bitsPerLevel = h.granule.bitsPerLevel
        pageShift = h.granule.pageShift
        indexMask = UInt64(h.granule.entriesPerTable &- 1)
        outputLimit = 1 &<< UInt64(h.outputBits)
        lowAddressMask = h.lowAddressMask
        highAddressLSB = h.highAddressLSB
        highAddressMax = h.highAddressMax
        highAddressShift = h.highAddressShift
        blockLevels = h.blockLevels
        contiguousL2 = h.granule.contiguousCount(at: .two) ?? 0
        contiguousL3 = h.granule.contiguousCount(at: .three) ?? 0
        hpd = h.hierarchicalPermissionsDisabled
        e0pd = h.el0AccessFaults
        baseAddressFault = h.baseAddressFault
        hardwareAccessFlag = h.hardwareAccessFlag
        hardwareDirty = h.hardwareDirty
        ds = h.format.ds
        walkShareability = h.walkShareability.rawValue
    }

    @inlinable @inline(__always)
    func address(of raw: UInt64) -> UInt64 {
        (raw & lowAddressMask) | (((raw &>> highAddressLSB) & highAddressMax) &<< highAddressShift)
    }

    @inlinable @inline(__always)
    func isBlockLegal(level: Int) -> Bool { blockLevels & (1 &<< UInt8(truncatingIfNeeded: level &+ 1)) != 0 }

    @inlinable @inline(__always)
    func contiguousCount(level: Int) -> Int { level == 3 ? contiguousL3 : (level == 2 ? contiguousL2 : 0) }

    @inlinable @inline(__always)
    func shift(level: Int) -> Int { pageShift &+ (3 &- level) &* bitsPerLevel }

    /// All addresses of the two addresses' mask bits: the output address field.
    @inlinable var addressMask: UInt64 { lowAddressMask | (highAddressMax &<< highAddressLSB) }
}
