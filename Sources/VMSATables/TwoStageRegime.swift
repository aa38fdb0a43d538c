import VMSA

/// The EL1&0 regime with stage 2 on (HCR_EL2.VM=1): a guest's stage-1
/// tables, which sit at intermediate physical addresses, and the
/// hypervisor's stage-2 tables that map IPAs to PAs. Both are walked by the
/// one walk core; the stage-1 walk reads its tables through stage 2
/// (`IntermediatePhysicalMemory`).
public struct TwoStageRegime: Hashable, Sendable {
    /// The guest's EL1&0 stage 1; nil when it is off (SCTLR_EL1.M=0: IPA = VA).
    public let stage1: TranslationRegime?
    /// The stage-2 regime (VTCR_EL2, VTTBR_EL2).
    public let stage2: TranslationRegime
    /// HCR_EL2: FWB picks the MemAttr reading, PTW makes stage-1 walks to
    /// stage-2 Device memory fault, DC makes stage 1 off read as Normal
    /// Write-Back.
    public let hcr: HCR

    /// Both stages of the EL1&0 regime; `stage1` nil when SCTLR_EL1.M=0.
    public init(stage1: TranslationRegime?, stage2: TranslationRegime, hcr: HCR) {
        precondition(stage2.kind == .s2 && (stage1?.kind ?? .el10) == .el10, "stage 2 follows the EL1&0 stage 1")
        self.stage1 = stage1
        self.stage2 = stage2
        self.hcr = hcr
    }

    /// Translates `va` through both stages (Arm ARM `AArch64.FullTranslate`):
    /// stage 1 with every table address it reads translated by stage 2 (a
    /// stage-2 fault there is a fault on the stage-1 walk, S1PTW), then the
    /// output IPA through stage 2 for the access itself.
    public func translate<Memory: PhysicalMemory>(_ va: VirtualAddress, access: AccessKind, el: ExceptionLevel,
                                                  pan: PrivilegedAccessNever = .off,
                                                  in memory: Memory) -> Result<TwoStageTranslation, TwoStageFault> {
        let first: Translation?
        let ipa: UInt64
        if stage1 != nil {
            switch translateStage1(va, access: access, el: el, pan: pan, in: memory) {
            case .success(let t):
                first = t
                ipa = t.pa.rawValue
            case .failure(let f):
                return .failure(f)
            }
        } else {
            first = nil
            ipa = va.rawValue
        }
        switch stage2.translateStage2(ipa, access: access, el: el, in: memory) {
        case .success(let second):
            return .success(TwoStageTranslation(va: va, stage1: first, stage2: second, fwb: hcr.fwb, dc: hcr[HCR.Field.dc] != 0))
        case .failure(let f):
            return .failure(TwoStageFault(stage: 2, fault: f, ipa: ipa))
        }
    }

    /// Stage 1 alone, its output an IPA, but its table walks still
    /// translated by stage 2 (what AT S1E1R/W report with HCR_EL2.VM=1): a
    /// stage-2 fault on the walk is a stage-2 fault with S1PTW. With stage
    /// 1 off the IPA is the VA, with no attributes: nil.
    public func translateStage1<Memory: PhysicalMemory>(_ va: VirtualAddress, access: AccessKind, el: ExceptionLevel,
                                                        pan: PrivilegedAccessNever = .off,
                                                        in memory: Memory) -> Result<Translation, TwoStageFault> {
        guard let stage1 else { return .failure(TwoStageFault(stage: 1, fault: TranslationFault(kind: .translation, level: .zero))) }
        let view = IntermediatePhysicalMemory(regime: self, el: el, memory: memory)
        switch stage1.translate(va, access: access, el: el, pan: pan, in: view) {
        case .success(let t): return .success(t)
        case .failure(let f):
            // The view reads a descriptor stage 2 does not let the walk
            // read as zero: a translation fault there is the stage-2 fault
            // on the walk, if the entry's own IPA faults at stage 2.
            guard f.kind == .translation || f.kind == .notCaptured,
                  let entry = f.kind == .notCaptured ? f.table?.rawValue : entryAddress(of: va, at: f.level, stage1, view),
                  let fault = walkFault(entry: entry, stage1Level: f.level, el: el, memory: memory) else {
                return .failure(TwoStageFault(stage: 1, fault: f))
            }
            return .failure(fault)
        }
    }

    /// The IPA of the descriptor the stage-1 walk of `va` reads at `level`.
    func entryAddress<Memory: PhysicalMemory>(of va: VirtualAddress, at level: Level, _ stage1: TranslationRegime,
                                              _ view: IntermediatePhysicalMemory<Memory>) -> UInt64? {
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va.rawValue) ? .ttbr1 : .ttbr0
        guard let h = stage1.half(ttbr), level.rawValue >= h.startLevel.rawValue,
              case .success(var table)? = stage1.root(ttbr, in: view) else { return nil }
        while table.level != level {
            guard case .success(let next)? = stage1.child(of: table, at: table.index(of: va.rawValue), in: view) else { return nil }
            table = next
        }
        return table.entryAddress(table.index(of: va.rawValue))
    }

    /// The stage-2 fault the stage-1 walk takes reading the descriptor at
    /// IPA `entry` (HPFAR_EL2 reports that IPA), PTW's permission fault on
    /// Device memory, or nil when stage 2 lets the walk read it.
    func walkFault<Memory: PhysicalMemory>(entry: UInt64, stage1Level: Level, el: ExceptionLevel, memory: Memory) -> TwoStageFault? {
        switch stage2.translateStage2(entry, access: .read, el: el, in: memory) {
        case .failure(let f):
            return TwoStageFault(stage: 2, fault: f, ipa: entry, stage1Walk: true, stage1Level: stage1Level)
        case .success(let t):
            guard walkFaultsOnDevice(t) else {
                // Readable: a PA the memory does not hold is not captured.
                return memory.word(atPhysicalAddress: t.pa.rawValue & ~(DescriptorLayout.bytes &- 1)) == nil
                    ? TwoStageFault(stage: 1, fault: .notCaptured(t.pa.rawValue, level: stage1Level), ipa: entry) : nil
            }
            return TwoStageFault(stage: 2, fault: TranslationFault(kind: .permission, level: t.level), ipa: entry,
                                 stage1Walk: true, stage1Level: stage1Level)
        }
    }

    /// HCR_EL2.PTW: a stage-1 walk that stage 2 maps to Device memory takes
    /// a stage-2 permission fault.
    @inlinable
    func walkFaultsOnDevice(_ t: Stage2Translation) -> Bool {
        hcr[HCR.Field.ptw] != 0 && t.attributes.memoryType(fwb: hcr.fwb).isDevice
    }
}

/// The stage-1 tables as a stage-1 walk sees them: memory addressed by
/// IPA, each stage-2 page of a table read where stage 2 maps it. A page
/// stage 2 does not let the walk read (or maps to Device memory under PTW)
/// reads as zero, invalid descriptors, and `TwoStageRegime` then asks stage
/// 2 about the one entry the walk read; a table whose pages are not
/// contiguous in PA is copied; a PA the memory does not hold is nil.
final class IntermediatePhysicalMemory<Memory: PhysicalMemory>: PhysicalMemory {
    let regime: TwoStageRegime
    let el: ExceptionLevel
    let memory: Memory
    /// Tables assembled from pieces, kept until the view goes.
    private var copies: [UnsafeMutableBufferPointer<UInt64>] = []

    init(regime: TwoStageRegime, el: ExceptionLevel, memory: Memory) {
        self.regime = regime
        self.el = el
        self.memory = memory
    }

    deinit { for c in copies { c.deallocate() } }

    func words(at ipa: UInt64, count: Int) -> UnsafePointer<UInt64>? {
        let end = ipa &+ UInt64(count) &* DescriptorLayout.bytes
        // The common case, a table inside one readable stage-2 leaf: no pieces.
        if case .success(let t) = regime.stage2.translateStage2(ipa, access: .read, el: el, in: memory),
           !regime.walkFaultsOnDevice(t), end &- 1 <= (ipa | (t.size &- 1)) {
            return memory.words(at: t.pa.rawValue, count: count)
        }
        // Each piece: (IPA, words, PA or nil where the walk may not read).
        var pieces: [(ipa: UInt64, count: Int, pa: UInt64?)] = []
        var at = ipa
        while at < end {
            switch regime.stage2.translateStage2(at, access: .read, el: el, in: memory) {
            case .success(let t):
                let pieceEnd = min(end, (at | (t.size &- 1)) &+ 1)
                let n = Int((pieceEnd &- at) / DescriptorLayout.bytes)
                pieces.append((at, n, regime.walkFaultsOnDevice(t) ? nil : t.pa.rawValue))
                at = pieceEnd
            case .failure(let f):
                // The whole stage-2 entry that faults, at its level's size.
                let size = regime.stage2.half0.map { $0.granule.entrySize(at: f.level.rawValue < $0.startLevel.rawValue ? $0.startLevel : f.level) }
                    ?? Granule.k4.pageSize
                let pieceEnd = min(end, (at | (size &- 1)) &+ 1)
                pieces.append((at, Int((pieceEnd &- at) / DescriptorLayout.bytes), nil))
                at = pieceEnd
            }
        }
        if let first = pieces.first?.pa, pieces.allSatisfy({ $0.pa != nil }),
           zip(pieces, pieces.dropFirst()).allSatisfy({ a, b in a.pa! &+ UInt64(a.count) &* DescriptorLayout.bytes == b.pa! }) {
            return memory.words(at: first, count: count)
        }
        let copy = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: count)
        copy.initialize(repeating: 0)
        var offset = 0
        for piece in pieces {
            if let pa = piece.pa {
                guard let words = memory.words(at: pa, count: piece.count) else { copy.deallocate(); return nil }
                for i in 0..<piece.count { copy[offset + i] = words[i] }
            }
            offset += piece.count
        }
        copies.append(copy)
        return UnsafePointer(copy.baseAddress!)
    }
}

/// A two-stage translation: the stage-1 result (IPA), the stage-2 result
/// (PA) and what the two give together.
public struct TwoStageTranslation: Hashable, Sendable {
    /// The virtual address translated.
    public var va: VirtualAddress
    /// Nil when stage 1 is off (IPA = VA).
    public var stage1: Translation?
    /// The stage-2 translation of the output IPA (the access itself).
    public var stage2: Stage2Translation
    /// HCR_EL2.FWB: the MemAttr reading.
    public var fwb: Bool
    /// HCR_EL2.DC: stage 1 off reads as Normal Write-Back.
    public var dc: Bool

    /// The intermediate physical address stage 1 gave (the VA with stage 1 off).
    public var ipa: UInt64 { stage2.ipa }
    /// The physical address the access reaches.
    public var pa: PhysicalAddress { stage2.pa }

    /// Stage 1's memory type: MAIR's byte, or with stage 1 off Normal
    /// Write-Back under HCR_EL2.DC and Device-nGnRnE otherwise.
    public var stage1MemoryType: MemoryAttribute {
        if let stage1 { return stage1.mairAttr }
        return MemoryAttribute(rawValue: dc ? Self.normalWriteBack : Self.deviceNGnRnE)
    }
    static let normalWriteBack: UInt8 = 0xff
    static let deviceNGnRnE: UInt8 = 0x00

    /// The memory type the access uses, as PAR_EL1.ATTR reports it.
    public var memoryType: MemoryAttribute {
        Stage2Combination.memoryType(stage1: stage1MemoryType, memAttr: stage2.attributes.memAttr, fwb: fwb)
    }

    /// The shareability the access uses, as PAR_EL1.SH reports it.
    public var shareability: Shareability {
        Stage2Combination.shareability(stage1: stage1?.sh ?? .outerShareable, stage2: stage2.attributes.sh, combined: memoryType)
    }

    /// The reading `vmsa translate` prints after the arrow.
    public var summary: String {
        let type = memoryType
        return "\(pa)  IPA \(Hex.format(ipa))  \(type.name ?? Hex.short(UInt64(type.rawValue))) \(shareability.shortName)"
    }
}

/// A two-stage translation's fault: which stage, the fault, the IPA stage 2
/// was translating (what HPFAR_EL2 reports) and, for a stage-2 fault on a
/// stage-1 table walk (ESR_EL2.S1PTW, PAR_EL1.PTW), the stage-1 level whose
/// table it was.
public struct TwoStageFault: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1 or 2: the stage that faulted (ESR_EL2 and PAR_EL1.S tell them apart).
    public var stage: Int
    /// The fault type and the level of the lookup that produced it.
    public var fault: TranslationFault
    /// For a stage-2 fault: the IPA stage 2 was translating (HPFAR_EL2).
    public var ipa: UInt64?
    /// A stage-2 fault on a stage-1 table walk (ESR_EL2.S1PTW, PAR_EL1.PTW).
    public var stage1Walk: Bool
    /// With `stage1Walk`: the stage-1 level whose table the walk was reading.
    public var stage1Level: Level?

    /// A fault of `stage`; see the properties.
    public init(stage: Int, fault: TranslationFault, ipa: UInt64? = nil, stage1Walk: Bool = false, stage1Level: Level? = nil) {
        self.stage = stage
        self.fault = fault
        self.ipa = ipa
        self.stage1Walk = stage1Walk
        self.stage1Level = stage1Level
    }

    /// `stage N fault`, with the IPA of a stage-2 fault and whether it hit the stage-1 walk.
    public var description: String {
        var s = "stage \(stage) \(fault)"
        if let ipa, stage == 2 { s += " (IPA \(Hex.format(ipa)))" }
        if stage1Walk { s += " on the stage-1 walk" + (stage1Level.map { " of its \($0) table" } ?? "") }
        return s
    }
}
