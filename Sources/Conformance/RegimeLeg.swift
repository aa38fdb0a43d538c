import VMSA
import VMSATables

/// The MMU leg for every regime but EL1&0 stage 1 alone: the regime probe
/// issues each of the regime's AT instructions for every address, and
/// PAR_EL1 must say what vmsa's walk core says, PA, memory type and
/// shareability or fault type, level, stage and S1PTW. QEMU 7.2's known
/// deviations count only where vmsa's own view flags their cause.
enum RegimeLeg {
    /// The probe's view of a prepared case: its registers and memory.
    static func input(_ c: PreparedRegimeCase) -> RegimeProbeInput {
        let image = c.image
        let segments = image.memorySegments.compactMap { s -> RegimeProbeInput.Segment? in
            var words: [UInt64] = []
            words.reserveCapacity(Int(s.bytes / DescriptorLayout.bytes))
            var pa = s.base.rawValue
            while pa < s.base.rawValue &+ s.bytes {
                words.append(image.word(atPhysicalAddress: pa) ?? 0)
                pa &+= DescriptorLayout.bytes
            }
            return RegimeProbeInput.Segment(base: s.base.rawValue, words: words)
        }
        let r = image.regime
        switch c.spec.kind {
        case .el2: return RegimeProbeInput(regime: .el2, tcr: r.tcr.rawValue, mair: r.mair.rawValue, ttbr0: r.ttbr0.rawValue, segments: segments, vas: c.vas)
        case .el20:
            return RegimeProbeInput(regime: .el20, tcr: r.tcr.rawValue, mair: r.mair.rawValue, ttbr0: r.ttbr0.rawValue,
                                    ttbr1: r.ttbr1.rawValue, segments: segments, vas: c.vas)
        case .el3: return RegimeProbeInput(regime: .el3, tcr: r.tcr.rawValue, mair: r.mair.rawValue, ttbr0: r.ttbr0.rawValue, segments: segments, vas: c.vas)
        case .s2:
            // Stage 1 off (SCTLR_EL1.M=0): the VAs are IPAs.
            var hcr = HCR(rawValue: 0)
            hcr[HCR.Field.vm] = 1
            hcr[HCR.Field.fwb] = c.spec.fwb ? 1 : 0
            return RegimeProbeInput(regime: .s12, hcr: hcr.rawValue, vtcr: r.tcr.rawValue, vttbr: r.ttbr0.rawValue, segments: segments, vas: c.vas)
        case .twoStage:
            let s2 = image.stage2!
            return RegimeProbeInput(regime: .s12, tcr: r.tcr.rawValue, mair: r.mair.rawValue, ttbr0: r.ttbr0.rawValue,
                                    ttbr1: r.ttbr1.rawValue, sctlr: Self.sctlrM, hcr: image.hcr.rawValue,
                                    vtcr: s2.tcr.rawValue, vttbr: s2.ttbr0.rawValue, segments: segments, vas: c.vas)
        }
    }
    /// SCTLR_EL1.M: stage 1 on.
    static let sctlrM: UInt64 = 1

    /// What vmsa answers for one AT instruction: a PAR's worth of fields.
    struct Expected: CustomStringConvertible {
        var fault: TranslationFault?
        var stage2 = false
        var stage1Walk = false
        /// For a fault on the stage-1 walk: the stage-1 level being read.
        var stage1Level: Level?
        var pa: UInt64 = 0
        var attribute = MemoryAttribute(rawValue: 0)
        var sh = Shareability.nonShareable
        /// What may explain an SH-only difference (QEMU 7.2 `device-sh`):
        /// the leaf's own SH field where the rules give Outer Shareable.
        var descriptorSH: Shareability?
        /// Two stages: stage 1's memory type, for `s2-device-combine`.
        var stage1Attribute: MemoryAttribute?

        var description: String {
            if let fault { return FaultStatus.describe(fault.statusCode) + (stage2 ? " (stage 2)" : "") + (stage1Walk ? " (on the stage-1 walk)" : "") }
            return "PA \(PhysicalAddress(pa)) ATTR \(attribute) SH \(sh.rawValue)"
        }
    }

    static func expected(_ c: PreparedRegimeCase, _ instruction: AddressTranslationInstruction, va: UInt64) -> Expected? {
        let image = c.image
        let access: AccessKind = instruction.isWrite ? .write : .read
        switch c.spec.kind {
        case .el2, .el20, .el3:
            let el: ExceptionLevel
            switch instruction {
            case .s1e0r, .s1e0w: el = .el0
            case .s1e3r, .s1e3w: el = .el3
            default: el = .el2
            }
            return stage1(image.regime.translate(VirtualAddress(va), access: access, el: el, in: image))
        case .s2, .twoStage:
            let regime = image.twoStage ?? TwoStageRegime(stage1: nil, stage2: image.regime, hcr: Self.hcr(c))
            switch instruction {
            case .s1e1r:
                // Stage 1 alone, its walk still through stage 2.
                guard regime.stage1 != nil else { return nil }
                switch regime.translateStage1(VirtualAddress(va), access: .read, el: .el1, in: image) {
                case .success(let t): return stage1(.success(t))
                case .failure(let f): return twoStage(.failure(f))
                }
            default:
                let el: ExceptionLevel = instruction == .s12e0r || instruction == .s12e0w ? .el0 : .el1
                return twoStage(regime.translate(VirtualAddress(va), access: access, el: el, in: image))
            }
        }
    }

    static func hcr(_ c: PreparedRegimeCase) -> HCR {
        var hcr = HCR(rawValue: 0)
        hcr[HCR.Field.vm] = 1
        hcr[HCR.Field.fwb] = c.spec.fwb ? 1 : 0
        hcr[HCR.Field.ptw] = c.spec.ptw ? 1 : 0
        return hcr
    }

    static func stage1(_ r: Result<Translation, TranslationFault>) -> Expected {
        switch r {
        case .success(let t):
            var e = Expected(pa: t.pa.rawValue, attribute: t.mairAttr, sh: t.sh)
            let own = Shareability(rawValue: Descriptor.Bits.sh.extract(t.descriptor.rawValue))!
            if own != t.sh { e.descriptorSH = own }
            return e
        case .failure(let f): return Expected(fault: f)
        }
    }

    static func twoStage(_ r: Result<TwoStageTranslation, TwoStageFault>) -> Expected {
        switch r {
        case .success(let t):
            return Expected(pa: t.pa.rawValue, attribute: t.memoryType, sh: t.shareability, stage1Attribute: t.stage1MemoryType)
        case .failure(let f): return Expected(fault: f.fault, stage2: f.stage == 2, stage1Walk: f.stage1Walk, stage1Level: f.stage1Level)
        }
    }

    /// Nil when `par` says what `e` says; else the deviation that explains
    /// the difference (a known QEMU 7.2 one), or a mismatch text.
    static func compare(_ par: PhysicalAddressRegister, _ e: Expected) -> (agrees: Bool, deviation: QEMUDeviation?) {
        if let fault = e.fault {
            guard par.faulted, par.stage2Fault == e.stage2, par.onStage1Walk == e.stage1Walk else { return (false, nil) }
            if par.faultStatus == fault.statusCode { return (true, nil) }
            // QEMU 7.2 `s1ptw-level`: the right fault at the stage-1 level.
            if e.stage1Walk, let level = e.stage1Level, level != fault.level,
               par.faultStatus == TranslationFault(kind: fault.kind, level: level).statusCode {
                return (true, .stage1WalkFaultLevel)
            }
            return (false, nil)
        }
        guard !par.faulted, let pa = par.physicalAddress, pa.rawValue >> Self.pageShift == e.pa >> Self.pageShift,
              let attribute = par.attribute else { return (false, nil) }
        if attribute != e.attribute {
            guard let s1 = e.stage1Attribute, attribute == qemuDeviceCombination(s1, e.attribute), par.shareability == e.sh else { return (false, nil) }
            return (true, .stage2DeviceCombine)
        }
        if par.shareability == e.sh { return (true, nil) }
        if let own = e.descriptorSH, par.shareability == own { return (true, .deviceShareability) }
        return (false, nil)
    }
    /// What QEMU 7.2 makes of stage-1 Normal `s1` under a stage 2 that
    /// vmsa combines to Device `combined`: the stricter of the two low
    /// nibbles read as Device types; nil where the rule does not apply.
    static func qemuDeviceCombination(_ s1: MemoryAttribute, _ combined: MemoryAttribute) -> MemoryAttribute? {
        guard combined.isDevice, !s1.isDevice else { return nil }
        let a = s1.rawValue & Self.lowNibble, b = combined.rawValue & Self.lowNibble
        let order: [UInt8] = [0x0, 0x4, 0x8]
        for t in order where a == t || b == t { return MemoryAttribute(rawValue: t) }
        return MemoryAttribute(rawValue: b)
    }
    static let lowNibble: UInt8 = 0x0f

    /// PAR_EL1.PA holds PA[51:12].
    static let pageShift: UInt64 = 12

    /// `check` into `result`: its leg, or a leg whose every probe failed and
    /// the reason in `errors`; the error is rethrown for callers that treat
    /// some errors (tables outside the probe's RAM) as a skip.
    static func run(_ c: PreparedRegimeCase, toolchain: ProbeToolchain, into result: inout ConfigurationResult) throws(ConformanceError) {
        do {
            result.legs = [try check(c, toolchain: toolchain)]
        } catch {
            var failed = LegResult(leg: .mmu)
            failed.probes = c.vas.count
            failed.failed = c.vas.count
            result.legs = [failed]
            result.errors = ["mmu: \(error.description)"]
            throw error
        }
    }

    /// Runs the probe over `c` and compares every AT instruction at every address.
    static func check(_ c: PreparedRegimeCase, toolchain: ProbeToolchain) throws(ConformanceError) -> LegResult {
        let probeInput = input(c)
        let records = try RegimeProbe.run(probeInput, toolchain: toolchain)
        var result = LegResult(leg: .mmu)
        let walkImage = c.image.stage2 == nil ? c.image : c.image.stage1View
        for (va, record) in zip(c.vas, records) {
            var mismatches: [Mismatch] = []
            var deviations: [QEMUDeviation] = []
            for instruction in probeInput.regime.instructions {
                guard let e = expected(c, instruction, va: va), let par = record[instruction] else { continue }
                let (agrees, deviation) = compare(par, e)
                if let deviation { deviations.append(deviation) }
                if !agrees {
                    mismatches.append(Mismatch(leg: .mmu, va: va, check: instruction.description, vmsa: e.description,
                                               probe: par.description, walk: walkImage.walkTrace(va)))
                }
            }
            if record.va != va {
                mismatches.append(Mismatch(leg: .mmu, va: va, check: "record order", vmsa: Hex.format(va), probe: Hex.format(record.va), walk: []))
            }
            result.record(mismatches, deviations: deviations)
        }
        return result
    }
}
