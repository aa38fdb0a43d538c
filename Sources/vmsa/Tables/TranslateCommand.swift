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
            names the problem in brackets, and in `problems` with --json.
            """)

    @Argument(help: "The image file (with --gdb, leave it out).") var image: String?
    @Argument(help: "Virtual addresses, hex (the 0x is optional).") var addresses: [String] = []
    @OptionGroup var guest: GuestOptions
    @Flag(inversion: .prefixedNo, help: "PSTATE.PAN for EL1 data accesses (default: as the image was captured).") var pan: Bool?
    @Option(help: "Access kind: read, write or execute.") var access: AccessKind = .read
    @Option(help: "Exception level the access is made from.") var el: ExceptionLevel = .el1
    @Flag(help: "One JSON object per address (JSON Lines).") var json = false

    func validate() throws {
        // PSTATE.PAN restricts EL1 data accesses only: with EL0 or a fetch it would be dropped.
        if let pan {
            let option = pan ? "--pan" : "--no-pan"
            if el == .el0 { throw ValidationError("\(option) does not apply with --el 0: PSTATE.PAN restricts EL1 data accesses") }
            if access == .execute { throw ValidationError("\(option) does not apply with --access x: PSTATE.PAN restricts EL1 data accesses, not instruction fetches") }
        }
    }

    func execute() throws {
        // With --gdb every positional value is an address.
        let values = guest.isLive ? (image.map { [$0] } ?? []) + addresses : addresses
        let loaded = try ImageSource.image(guest.isLive ? nil : image, guest)
        let privileged = PrivilegedAccessNever(loaded.state, pan: pan)
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
                Output.line("\(Hex.format(va)) \(f)" + (half.map { " (\($0))" } ?? " (outside both halves)"))
            }
        }
    }
}
