import ArgumentParser
import VMSA
import VMSAJSON
import VMSATables

struct TranslateCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate virtual addresses through an image as the MMU walks it.",
        discussion: """
            Values come as arguments or, when none are given, one per line on standard input. \
            A fault is a result, not an error: it prints its type and level (as PAR_EL1 reports \
            them) and the command still exits 0. A translation through a leaf the Arm ARM \
            forbids but the walk does not stop at (RES0 bits set, a broken contiguous run) \
            names the problem in brackets, and in `problems` with --json. \
            The image's regime decides what an address is and where accesses come from: a \
            stage-2 image translates IPAs (--el 1 or 0, for XN[1:0]); an EL1&0 image with a \
            stage 2 does the full two-stage walk, every stage-1 table address translated by \
            stage 2, and prints the IPA, the PA and the combined memory type, or the stage and \
            level of the fault. EL2 and EL3 images take --el 2 and --el 3 (the default), EL2&0 \
            --el 2 or 0.
            """)

    @Argument(help: "The image file (with --gdb, leave it out).") var image: String?
    @Argument(help: "Virtual addresses, hex (the 0x is optional).") var addresses: [String] = []
    @OptionGroup var guest: GuestOptions
    @Flag(inversion: .prefixedNo, help: "PSTATE.PAN for EL1 data accesses (default: as the image was captured).") var pan: Bool?
    @Option(help: "Access kind: read, write or execute.") var access: AccessKind = .read
    @Option(help: "Exception level the access is made from (default: the regime's own, EL1 for EL1&0).") var el: ExceptionLevel?
    @Flag(help: "One JSON object per address (JSON Lines).") var json = false

    func validate() throws {
        // PSTATE.PAN restricts EL1 data accesses only: with EL0 or a fetch it would be dropped.
        if let pan {
            let option = pan ? "--pan" : "--no-pan"
            if el == .el0 || (el ?? .el1).rawValue > 1 { throw ValidationError("\(option) does not apply with --el 0: PSTATE.PAN restricts EL1 data accesses") }
            if access == .execute { throw ValidationError("\(option) does not apply with --access x: PSTATE.PAN restricts EL1 data accesses, not instruction fetches") }
        }
    }

    func execute() throws {
        // With --gdb every positional value is an address.
        let values = guest.isLive ? (image.map { [$0] } ?? []) + addresses : addresses
        let loaded = try ImageSource.image(guest.isLive ? nil : image, guest)
        let privileged = PrivilegedAccessNever(loaded.state, pan: pan)
        let regime = loaded.regime
        let levels = regime.exceptionLevels
        let el = self.el ?? levels[0]
        guard levels.contains(el) else {
            throw ValidationError("--el \(el.rawValue) does not apply to \(regime.kind); expected \(levels.map { "\($0.rawValue)" }.joined(separator: " or "))")
        }
        if regime.kind == .s2 { return try translateStage2(values, loaded, el) }
        if let twoStage = loaded.twoStage { return try translateTwoStages(values, loaded, twoStage, el, privileged) }
        // Computed once: what the walk does not stop at but the Arm ARM forbids.
        let runs = loaded.contiguousRunProblems()
        for text in InputValues.lines(values) {
            let va = try InputValues.uint64(text, what: "virtual address")
            let result = loaded.translate(VirtualAddress(va), access: access, el: el, pan: privileged)
            let half = loaded.tcr.select(VirtualAddress(va))
            let problems = (try? result.get()).map { loaded.regime.problems(of: $0, runs: runs) } ?? []
            if json {
                var value = TableJSON.translation(va, result, ttbr: half)
                if case .object(var o) = value, case .success(let t) = result {
                    o["problems"] = .array(problems.map { .string($0) })
                    o["dirtied"] = .bool(t.dirtied)
                    value = .object(o)
                }
                Output.json(value)
                continue
            }
            switch result {
            case .success(let t):
                var note = problems.isEmpty ? "" : "  [\(problems.joined(separator: "; "))]"
                if t.dirtied {
                    var after = t.attributes
                    after.ap = t.permissionsAfter
                    note += "  (HD: this write makes it dirty, AP[2] cleared: now \(after.access))"
                }
                Output.line("\(Hex.format(va)) -> \(t.summary)\(note)")
            case .failure(let f):
                let range = regime.kind.hasTwoRanges ? " (outside both halves)" : " (outside \(regime.registerName(.ttbr0))'s range)"
                Output.line("\(Hex.format(va)) \(f)" + (half.map { " (\(regime.registerName($0)))" } ?? range))
            }
        }
    }

    /// Each value an IPA through a stage-2 image.
    private func translateStage2(_ values: [String], _ image: TableImage, _ el: ExceptionLevel) throws {
        for text in InputValues.lines(values) {
            let ipa = try InputValues.uint64(text, what: "intermediate physical address")
            let result = image.regime.translateStage2(ipa, access: access, el: el, in: image)
            if json { Output.json(TableJSON.stage2Translation(ipa, result)); continue }
            switch result {
            case .success(let t): Output.line("\(Hex.format(ipa)) -> \(t.summary)" + (t.dirtied ? "  (HD: this write makes it dirty)" : ""))
            case .failure(let f): Output.line("\(Hex.format(ipa)) stage 2 \(f)")
            }
        }
    }

    /// Each value a VA through both stages.
    private func translateTwoStages(_ values: [String], _ image: TableImage, _ regime: TwoStageRegime, _ el: ExceptionLevel,
                                    _ pan: PrivilegedAccessNever) throws {
        for text in InputValues.lines(values) {
            let va = try InputValues.uint64(text, what: "virtual address")
            let result = regime.translate(VirtualAddress(va), access: access, el: el, pan: pan, in: image)
            if json { Output.json(TableJSON.twoStageTranslation(va, result)); continue }
            switch result {
            case .success(let t):
                Output.line("\(Hex.format(va)) -> \(t.summary)")
                if let s1 = t.stage1 { Output.line("  stage 1: \(Hex.format(va)) -> IPA \(s1.summary)") }
                Output.line("  stage 2: \(Hex.format(t.ipa)) -> \(t.stage2.summary)")
            case .failure(let f):
                Output.line("\(Hex.format(va)) \(f)")
            }
        }
    }
}
