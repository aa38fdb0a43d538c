import VMSA

/// Permissions of a mapping as the MMU grants them, after table attributes.
public struct AccessRights: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let el0Read = AccessRights(rawValue: 1 << 0)
    public static let el0Write = AccessRights(rawValue: 1 << 1)
    public static let el0Execute = AccessRights(rawValue: 1 << 2)
    public static let el1Read = AccessRights(rawValue: 1 << 3)
    public static let el1Write = AccessRights(rawValue: 1 << 4)
    public static let el1Execute = AccessRights(rawValue: 1 << 5)
}

/// How one VA translates: the fields a process can observe.
public struct EffectiveMapping: Hashable, Sendable {
    public var pa: UInt64
    public var rights: AccessRights
    public var attrIndx: UInt64
    public var sh: UInt64
    public var ns: Bool
    public var nG: Bool
    public var gp: Bool
}

/// The outcome of one walk.
public enum WalkResult: Hashable, Sendable, CustomStringConvertible {
    case fault(level: Int)
    case mapped(EffectiveMapping, level: Int)
    /// The tables break an architectural rule the result depends on (an
    /// inconsistent contiguous run, a table outside memory, a misaligned block).
    case misprogrammed(String)

    public var description: String {
        switch self {
        case .fault(let level): return "translation fault at level \(level)"
        case .mapped(let m, let level):
            return "PA \(Hex.short(m.pa)) at level \(level), rights 0b\(String(m.rights.rawValue, radix: 2)), AttrIndx \(m.attrIndx), SH \(m.sh)\(m.nG ? ", nG" : "")"
        case .misprogrammed(let why): return "misprogrammed: \(why)"
        }
    }
}

/// An independent stage-1 walk of the TTBR0_EL1 half from the descriptor
/// words in memory (Arm ARM AArch64.S1Translate): TCR_EL1 decides granule,
/// start level and input size; table descriptors are followed by the
/// address they hold; APTable, PXNTable and UXNTable accumulate (HPD0 = 0).
/// TCR_EL1.HA and HD are taken as set, as arm64 Linux sets them: AF = 0
/// does not fault, and a DBM entry is writable whatever its AP[2] (the
/// hardware makes it dirty). With `checkContiguous`, a contiguous entry is
/// only accepted if its whole run is consistent (aligned, consecutive
/// output addresses, equal attributes), because the TLB may use any entry
/// of the run for every address in it.
public struct HardwareWalk<Memory: DescriptorMemory> {
    public let tcr: TCR
    public let ttbr0: TTBR
    public let memory: Memory
    public let granule: Granule
    public let inputBits: Int
    public let start: Level
    let format: DescriptorFormat

    /// Nil when TCR_EL1's TTBR0 fields are reserved encodings.
    public init?(tcr: TCR, ttbr0: TTBR, memory: Memory) {
        guard let g = tcr.granule(.ttbr0), let f = tcr.descriptorFormat(.ttbr0) else { return nil }
        self.tcr = tcr
        self.ttbr0 = ttbr0
        self.memory = memory
        granule = g
        inputBits = tcr.inputBits(.ttbr0)
        start = g.startLevel(inputBits: inputBits)
        format = f
    }

    func index(_ va: UInt64, _ level: Level) -> UInt64 {
        let bits = granule.indexBits(at: level, inputBits: inputBits)
        return (va >> UInt64(granule.shift(at: level))) & ((1 << UInt64(bits)) - 1)
    }

    /// Rights and attributes a leaf grants on its own (no table limits).
    func leafMapping(_ raw: UInt64, pa: UInt64, apTable: UInt64, pxnTable: Bool, uxnTable: Bool) -> EffectiveMapping {
        let d = Descriptor(rawValue: raw)
        typealias B = Descriptor.Bits
        let ap = AccessPermissions(rawValue: d[B.ap])!
        // HD: a DBM entry is writable; AP[2] only records that it is clean.
        let readOnly = (ap.readOnlyAtAllELs && !d[flag: B.dbm]) || apTable & 0b10 != 0
        let el0 = ap.el0Accessible && apTable & 0b01 == 0
        var rights: AccessRights = [.el1Read]
        if el0 { rights.insert(.el0Read) }
        if el0 && !readOnly { rights.insert(.el0Write) }
        if !readOnly { rights.insert(.el1Write) }
        if !d[flag: B.uxn] && !uxnTable { rights.insert(.el0Execute) }
        // EL0-writable memory is never privileged-executable.
        if !d[flag: B.pxn] && !pxnTable && !rights.contains(.el0Write) { rights.insert(.el1Execute) }
        return EffectiveMapping(pa: pa, rights: rights, attrIndx: d[B.attrIndx], sh: d[B.sh],
                                ns: d[flag: B.ns], nG: d[flag: B.nG], gp: d[flag: B.gp])
    }

    /// Translates `va` (a TTBR0 address).
    public func translate(_ va: UInt64, checkContiguous: Bool) -> WalkResult {
        guard tcr.select(VirtualAddress(va)) == .ttbr0 else { return .fault(level: start.rawValue) }
        var tableBase = ttbr0.baseAddress(fiftyTwoBit: false)
        var level = start
        var apTable: UInt64 = 0
        var pxnTable = false, uxnTable = false
        while true {
            let i = index(va, level)
            guard let raw = memory.word(atPhysicalAddress: tableBase + i * 8) else {
                return .misprogrammed("the \(level) table at \(Hex.short(tableBase)) is outside table memory")
            }
            let d = Descriptor(rawValue: raw)
            switch d.kind(at: level) {
            case .invalid, .reserved:
                return .fault(level: level.rawValue)
            case .table:
                apTable |= d[Descriptor.Bits.apTable]
                pxnTable = pxnTable || d[flag: Descriptor.Bits.pxnTable]
                uxnTable = uxnTable || d[flag: Descriptor.Bits.uxnTable]
                tableBase = format.address(of: raw)
                level = level.next
            case .block, .page:
                if d.kind(at: level) == .block,
                   !granule.isBlockLegal(at: level, ds: false) {
                    return .fault(level: level.rawValue)
                }
                let size = granule.entrySize(at: level)
                let oa = d.outputAddress(at: level, format: format)
                guard oa & (size - 1) == 0 else { return .misprogrammed("block at \(level) has a misaligned output address \(Hex.short(oa))") }
                if checkContiguous && d[flag: Descriptor.Bits.contiguous],
                   let problem = contiguousProblem(tableBase: tableBase, index: i, level: level, leaf: raw,
                                                   apTable: apTable, pxnTable: pxnTable, uxnTable: uxnTable) {
                    return .misprogrammed(problem)
                }
                return .mapped(leafMapping(raw, pa: oa | (va & (size - 1)), apTable: apTable, pxnTable: pxnTable,
                                           uxnTable: uxnTable), level: level.rawValue)
            }
        }
    }

    /// Why the contiguous run around entry `index` is not consistent, or nil.
    func contiguousProblem(tableBase: UInt64, index: UInt64, level: Level, leaf: UInt64,
                           apTable: UInt64, pxnTable: Bool, uxnTable: Bool) -> String? {
        guard let n = granule.contiguousCount(at: level) else {
            return "contiguous bit at \(level), where the \(granule) granule has no contiguous runs"
        }
        let size = granule.entrySize(at: level)
        let first = index & ~UInt64(n - 1)
        let kind = Descriptor(rawValue: leaf).kind(at: level)
        var base: UInt64 = 0
        var expected: EffectiveMapping? = nil
        for j in 0..<UInt64(n) {
            guard let raw = memory.word(atPhysicalAddress: tableBase + (first + j) * 8) else { return "run outside memory" }
            let d = Descriptor(rawValue: raw)
            guard d.kind(at: level) == kind, d[flag: Descriptor.Bits.contiguous] else {
                return "entry \(first + j) of the contiguous run at \(level) is not a contiguous \(kind.rawValue)"
            }
            let oa = d.outputAddress(at: level, format: format)
            if j == 0 {
                base = oa
                guard base & (size * UInt64(n) - 1) == 0 else {
                    return "contiguous run at \(level) starts at misaligned output address \(Hex.short(base))"
                }
            }
            guard oa == base + j * size else {
                return "entry \(first + j) of the contiguous run at \(level) maps \(Hex.short(oa)), expected \(Hex.short(base + j * size))"
            }
            var m = leafMapping(raw, pa: 0, apTable: apTable, pxnTable: pxnTable, uxnTable: uxnTable)
            m.pa = 0
            if let e = expected, e != m { return "entries of the contiguous run at \(level) differ in attributes" }
            expected = m
        }
        return nil
    }

    /// Starting addresses of every leaf and of every stretch of holes, in
    /// order: the points where the translation can change.
    public func boundaries() -> [UInt64] {
        var out: [UInt64] = []
        var inHole = false
        collect(tableBase: ttbr0.baseAddress(fiftyTwoBit: false), level: start, base: 0, into: &out, inHole: &inHole)
        return out
    }

    private func collect(tableBase: UInt64, level: Level, base: UInt64, into out: inout [UInt64], inHole: inout Bool) {
        let count = 1 << granule.indexBits(at: level, inputBits: inputBits)
        let size = granule.entrySize(at: level)
        for i in 0..<UInt64(count) {
            let va = base + i * size
            let raw = memory.word(atPhysicalAddress: tableBase + i * 8) ?? 0
            let d = Descriptor(rawValue: raw)
            switch d.kind(at: level) {
            case .table:
                if memory.word(atPhysicalAddress: format.address(of: raw)) == nil {
                    out.append(va)
                    inHole = false
                } else {
                    collect(tableBase: format.address(of: raw), level: level.next, base: va, into: &out, inHole: &inHole)
                }
            case .block, .page:
                out.append(va)
                inHole = false
            case .invalid, .reserved:
                if !inHole { out.append(va) }
                inHole = true
            }
        }
    }
}
