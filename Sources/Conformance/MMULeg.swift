import CShims
import Foundation
import VMSA
import VMSATables

/// The MMU leg: the bare-metal probe (asm/mmu_probe.S) boots once under
/// `qemu-system-aarch64 -M virt,virtualization=on -cpu max`, loads vmsa's
/// image at its physical address, and for every address records PAR_EL1
/// after AT S1E1R/S1E1W/S1E0R/S1E0W and ESR_EL1/FAR_EL1 after a real load,
/// store and instruction fetch at EL1 and at EL0. Each must agree with
/// `TableImage.translate` or be a classified QEMU deviation.
public enum MMULeg {
    static let timeLimit = 120.0
    /// The RAM the probe can load tables into: from the start of virt RAM to the probe itself.
    package static let tableRAM = UInt64(VMSA_MMU_RAM_BASE)...(UInt64(VMSA_MMU_PROBE_BASE) - 1)

    /// Bytes the probe's buffer gives each patch (PA and value) and each
    /// address (the VA and its result record); mmu_probe.S refuses more.
    static let patchBytes = MemoryLayout<vmsa_probe_patch>.stride
    static let addressBytes = MemoryLayout<UInt64>.stride + Int(VMSA_MMU_RECORD_SIZE)

    /// Most addresses one boot can probe with `patches` patches.
    public static func capacity(patches: Int = 0) -> Int {
        (Int(VMSA_MMU_BUFFER_END) - Int(VMSA_MMU_BUFFER_BASE) - patches * patchBytes) / addressBytes
    }

    /// The QEMU command line for one run.
    static func arguments(toolchain: ProbeToolchain, input: String, output: String) -> [String] {
        BareMetalQEMU.arguments(machine: "virt,virtualization=on,highmem=off", kernel: toolchain.mmuProbe, input: input, output: output)
    }

    /// Runs the probe over `vas` (none may fall in `graft.claimed`) and compares.
    public static func check(_ image: TableImage, vas allVAs: [UInt64], graft: StubGraft?, toolchain: ProbeToolchain) throws(ConformanceError) -> LegResult {
        let start = Date()
        var result = LegResult(leg: .mmu)
        // QEMU 7.2 cannot report a level -1 fault: those addresses stay out.
        let vas = allVAs.filter { va in
            let faultsAtLevelMinus1 = ProbeAccess.allCases.contains { a in
                if case .failure(let f) = image.translate(VirtualAddress(va), access: a.kind, el: a.el) { return f.level == .minus1 }
                return false
            }
            if faultsAtLevelMinus1 { result.expectedDifferences[.levelMinusOneFaultAborts, default: 0] += 1 }
            return !faultsAtLevelMinus1
        }
        let (snapshot, records) = try run(image, vas: vas, graft: graft, toolchain: toolchain)
        let classifier = DeviationClassifier(image: image)
        // Real accesses see the tables as the earlier ones left them: with
        // TCR_EL1.HA and HD a permitted store to a DBM=1 leaf clears its AP[2].
        var live = image
        // Entries of runs vmsa's check flags: QEMU cannot show the rule.
        let brokenRuns = Set(image.contiguousRunProblems().flatMap(\.entries))
        for (i, va) in vas.enumerated() {
            var (mismatches, deviations) = compare(image, live: &live, va: va, record: records[i], classifier: classifier)
            if !brokenRuns.isEmpty, let leaf = image.walkTrace(va).last, leaf.kind.isLeaf, brokenRuns.contains(leaf.entryAddress) {
                deviations.append(.contiguousBitIgnored)
            }
            result.record(mismatches, deviations: deviations)
        }
        // Table memory after the AT pass: only hardware AF/dirty updates may differ.
        let (updates, unexpected) = compareSnapshot(image, snapshot: snapshot, graft: graft)
        if updates > 0 { result.expectedDifferences[.translationUpdatesDescriptors, default: 0] += updates }
        if !unexpected.isEmpty {
            result.failed += 1
            result.probes += 1
            result.mismatches.append(contentsOf: unexpected.prefix(LegResult.mismatchLimit))
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// Boots the probe once: table memory as the AT pass left it, and one record per address.
    static func run(_ image: TableImage, vas: [UInt64], graft: StubGraft?, toolchain: ProbeToolchain) throws(ConformanceError) -> ([UInt64], [vmsa_mmu_result]) {
        let size = image.tablesSize
        guard tableRAM.contains(image.tablesBase), size <= tableRAM.upperBound - image.tablesBase + 1 else {
            throw .tablesOutsideProbeRAM(base: image.tablesBase, size: size, ram: tableRAM)
        }
        let patches = graft?.patches ?? []
        // A capacity limit is an error naming it, never a conformance failure.
        guard vas.count <= capacity(patches: patches.count) else {
            throw .tooManyProbes(leg: .mmu, count: vas.count, limit: capacity(patches: patches.count))
        }
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var input = ProbeInput(leg: .mmu, tcr: image.tcr, mair: image.mair, ttbr0: image.ttbr0, ttbr1: image.ttbr1,
                               tablesBase: image.tablesBase, tablesSize: size, recordCount: vas.count,
                               patchCount: patches.count, stubVA: graft?.stubVA ?? 0, flags: UInt64(VMSA_FLAG_SNAPSHOT_TABLES))
        image.withWords { input.append(words: $0) }
        for p in patches { input.append(vmsa_probe_patch(pa: p.pa, value: p.value)) }
        for va in vas { input.append(va.littleEndian) }
        try input.write(to: scratch.file("in"))
        let (status, stderr) = try ProbeProcess(executable: toolchain.qemuSystem,
                                                arguments: arguments(toolchain: toolchain, input: scratch.file("in"), output: scratch.file("out")),
                                                standardInput: nil, standardOutput: nil, timeLimit: timeLimit).run()
        let output = try ProbeOutput(path: scratch.file("out"), leg: .mmu)
        guard status == 0 else { throw .probeFailed(leg: .mmu, status: status, detail: stderr) }
        let stride = Int(VMSA_MMU_RECORD_SIZE)
        let tableBytes = Int(output.header.table_bytes)
        guard tableBytes == Int(size) else {
            throw .malformedOutput(leg: .mmu, reason: "the table snapshot has \(tableBytes) bytes, expected \(size)")
        }
        try output.expect(records: vas.count, stride: stride, offset: tableBytes, leg: .mmu)
        let snapshot = (0..<(tableBytes / 8)).map { UInt64(littleEndian: output.record($0, stride: 8, as: UInt64.self)) }
        let records = (0..<vas.count).map { output.record($0, stride: stride, offset: tableBytes, as: vmsa_mmu_result.self) }
        return (snapshot, records)
    }

    // MARK: Comparison

    /// PAR_EL1 fields (64-bit format).
    typealias PAR = PhysicalAddressRegister.Bits

    /// Fetches go to the VA aligned to an instruction (A64: 4 bytes).
    static let instructionAlignment: UInt64 = 4

    /// VA[63:56], the tag TBIx ignores.
    static let topByte = BitField(63, 56)

    /// ESR_EL1 fields of the exceptions real accesses end in.
    enum ESR {
        static let ec = BitField(31, 26)
        static let fsc = BitField(5, 0)
        static let wnr = BitField(bit: 6)
        static let fromEL2 = BitField(bit: 63)
        static let svc64: UInt64 = 0x15
        static let instructionAbortLower: UInt64 = 0x20
        static let instructionAbortSame: UInt64 = 0x21
        static let dataAbortLower: UInt64 = 0x24
        static let dataAbortSame: UInt64 = 0x25
    }

    /// The order the probe makes real accesses in (CShims.h order is the
    /// order of the results): at EL1 then EL0, fetch, load, store.
    static let executionOrder: [ProbeAccess] = [.el1Execute, .el1Read, .el1Write, .el0Execute, .el0Read, .el0Write]

    /// Mismatches at `va`: AT results against `image` (the AT pass starts
    /// from it), real accesses against `live`, which hardware dirty-state
    /// updates change as the probe's stores go.
    static func compare(_ image: TableImage, live: inout TableImage, va: UInt64, record r: vmsa_mmu_result,
                        classifier: DeviationClassifier) -> ([Mismatch], [QEMUDeviation]) {
        guard r.va == va else {
            return ([Mismatch(leg: .mmu, va: va, check: "record order", vmsa: Hex.format(va), probe: Hex.format(r.va), walk: [])], [])
        }
        let pars = withUnsafeBytes(of: r.par) { Array($0.bindMemory(to: UInt64.self)) }
        let esrs = withUnsafeBytes(of: r.esr) { Array($0.bindMemory(to: UInt64.self)) }
        let fars = withUnsafeBytes(of: r.far) { Array($0.bindMemory(to: UInt64.self)) }
        var mismatches: [Mismatch] = []
        var deviations: [QEMUDeviation] = []
        let tbi = TranslationTableBase.allCases.map { image.tcr.topByteIgnored($0) }
        func note(_ check: String, _ expected: Result<Translation, TranslationFault>, _ probe: String, _ deviation: QEMUDeviation?) {
            if let deviation {
                deviations.append(deviation)
            } else {
                mismatches.append(Mismatch(leg: .mmu, va: va, check: check, vmsa: expected.answerText, probe: probe, walk: image.walkTrace(va)))
            }
        }
        for access in ProbeAccess.allCases {
            guard let at = access.atIndex, let name = access.atName else { continue }
            let expected = image.translate(VirtualAddress(va), access: access.kind, el: access.el)
            let par = pars[at]
            let (agrees, shOnly) = parAgrees(par, expected)
            if !agrees {
                let deviation = classifier.classify(va: va, expected: expected, shareabilityOnly: shOnly, observedSH: PAR.sh.extract(par))
                note(name, expected, parText(par), deviation)
            }
        }
        let hardwareDirty = live.tcr.hardwareAccessFlag && live.tcr[TCR.Field.hd] != 0
        for access in executionOrder {
            let esr = esrs[access.rawValue]
            if esr == UInt64(VMSA_ESR_SKIPPED) { continue }
            let expected = live.translate(VirtualAddress(va), access: access.kind, el: access.el)
            if !accessAgrees(esr, far: fars[access.rawValue], va: va, access: access, tbi: tbi, expected) {
                let deviation = classifier.classify(va: va, expected: expected, shareabilityOnly: false, observedSH: nil)
                note(access.description, expected, esrText(esr, far: fars[access.rawValue]), deviation)
            }
            if hardwareDirty, access.kind == .write, case .success(let t) = expected {
                setDirty(&live, va: va, leaf: t.descriptor)
            }
        }
        return (mismatches, deviations)
    }

    /// Whether PAR_EL1 reports `expected`; the second value says the only
    /// difference is SH.
    /// Hardware dirty-state update (FEAT_HAFDBS): a write to a DBM=1 leaf
    /// with AP[2]=1 clears AP[2].
    static func setDirty(_ image: inout TableImage, va: UInt64, leaf: Descriptor) {
        typealias B = Descriptor.Bits
        let readOnly = BitField(bit: B.ap.msb).mask
        guard leaf.rawValue & B.dbm.mask != 0, leaf.rawValue & readOnly != 0,
              let step = image.walkTrace(va).last, step.descriptor == leaf else { return }
        image.setWord(leaf.rawValue & ~readOnly, atPhysicalAddress: step.entryAddress)
    }

    static func parAgrees(_ par: UInt64, _ expected: Result<Translation, TranslationFault>) -> (Bool, Bool) {
        switch expected {
        case .success(let t):
            guard PAR.f.extract(par) == 0,
                  PAR.pa.extract(par) == PAR.pa.extract(t.pa.rawValue),
                  PAR.attr.extract(par) == UInt64(t.mairAttr.rawValue) else { return (false, false) }
            return PAR.sh.extract(par) == t.sh.rawValue ? (true, false) : (false, true)
        case .failure(let f):
            return (PAR.f.extract(par) == 1 && PAR.fst.extract(par) == UInt64(f.statusCode)
                && PAR.s.extract(par) == 0 && PAR.ptw.extract(par) == 0, false)
        }
    }

    /// Whether a real access ended as `expected` says: completed (the stub's
    /// `svc`) or reached the bus (a synchronous External abort on unassigned
    /// memory) on success; the abort with the expected status code, FAR and
    /// WnR on a fault.
    static func accessAgrees(_ esr: UInt64, far: UInt64, va: UInt64, access: ProbeAccess, tbi: [Bool],
                             _ expected: Result<Translation, TranslationFault>) -> Bool {
        guard ESR.fromEL2.extract(esr) == 0 else { return false }
        let ec = ESR.ec.extract(esr)
        let fsc = ESR.fsc.extract(esr)
        let isFetch = access.kind == .execute
        let abortEC: UInt64 = isFetch
            ? (access.el == .el1 ? ESR.instructionAbortSame : ESR.instructionAbortLower)
            : (access.el == .el1 ? ESR.dataAbortSame : ESR.dataAbortLower)
        // A branch to a tagged address (TBIx=1) sign-extends VA[55] into the
        // top byte of the PC (Arm ARM AArch64.BranchAddr), so FAR has no tag.
        var target = va & ~((isFetch ? instructionAlignment : ProbeAddresses.wordAlignment) - 1)
        let ttbr: TranslationTableBase = RegimeHalf.rangeSelectBit.isSet(va) ? .ttbr1 : .ttbr0
        if isFetch, tbi[ttbr.rawValue] {
            target = ttbr == .ttbr1 ? target | topByte.mask : target & ~topByte.mask
        }
        let abortMatches = { (code: UInt64) in
            ec == abortEC && fsc == code && far == target
                && (isFetch || ESR.wnr.extract(esr) == (access.kind == .write ? 1 : 0))
        }
        switch expected {
        case .success:
            return ec == ESR.svc64 || abortMatches(UInt64(VMSA_FSC_EXTERNAL))
        case .failure(let f):
            return abortMatches(UInt64(f.statusCode))
        }
    }

    static func parText(_ par: UInt64) -> String { PhysicalAddressRegister(rawValue: par).description }

    static func esrText(_ esr: UInt64, far: UInt64) -> String {
        if ESR.fromEL2.extract(esr) != 0 { return "EL2 took ESR_EL2 \(Hex.format(esr & ~ESR.fromEL2.mask)) (FAR_EL2 \(Hex.format(far)))" }
        let ec = ESR.ec.extract(esr)
        if ec == ESR.svc64 { return "completed (ESR_EL1 \(Hex.format(esr)))" }
        return "ESR_EL1 \(Hex.format(esr)) (EC \(Hex.format(ec, digits: 2)), " + FaultStatus.describe(UInt8(ESR.fsc.extract(esr))) + ") FAR_EL1 \(Hex.format(far))"
    }

    /// Words the AT pass changed: the number that are hardware AF/dirty
    /// updates allowed by TCR_EL1.HA/HD, and mismatches for the rest.
    static func compareSnapshot(_ image: TableImage, snapshot: [UInt64], graft: StubGraft?) -> (Int, [Mismatch]) {
        typealias B = Descriptor.Bits
        let ha = image.tcr.hardwareAccessFlag
        let hd = ha && image.tcr[TCR.Field.hd] != 0
        var updates = 0
        var unexpected: [Mismatch] = []
        // The graft's start-level entry is the one word the probe itself writes.
        var patched: [Int: UInt64] = [:]
        for p in graft?.patches ?? [] where p.pa >= image.tablesBase && p.pa &- image.tablesBase < image.tablesSize {
            patched[Int((p.pa &- image.tablesBase) / 8)] = p.value
        }
        image.withWords { words in
            for (i, (original, after)) in zip(words, snapshot).enumerated() {
                let before = patched[i] ?? original
                guard before != after else { continue }
                let changed = before ^ after
                // AF 0 -> 1 with HA; AP[2] 1 -> 0 on a DBM=1 leaf with HD.
                let afSet = changed & B.af.mask != 0 && after & B.af.mask != 0 && ha
                let dirty = changed & BitField(bit: B.ap.msb).mask != 0 && before & B.dbm.mask != 0 && hd
                let allowed = (afSet ? B.af.mask : 0) | (dirty ? BitField(bit: B.ap.msb).mask : 0)
                if changed & ~allowed == 0 {
                    updates += 1
                } else {
                    let pa = image.tablesBase &+ UInt64(i) &* 8
                    unexpected.append(Mismatch(leg: .mmu, va: 0, check: "table word at PA \(Hex.format(pa, digits: 12)) after the AT pass",
                                               vmsa: "\(Descriptor(rawValue: before)) (unchanged)", probe: "\(Descriptor(rawValue: after))", walk: []))
                }
            }
        }
        return (updates, unexpected)
    }
}
