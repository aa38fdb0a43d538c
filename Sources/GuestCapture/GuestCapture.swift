import VMSA
import VMSATables

/// The translation state of a stopped AArch64 guest, read over the GDB
/// remote protocol: its EL1&0 registers, PSTATE, and every table page its
/// two TTBRs reach, as a sparse image (what `vmsa capture` writes and the
/// `--gdb` forms of dump, translate and diff read).
public struct GuestCapture {
    /// The image: the registers and the reachable tables.
    public let image: TableImage
    /// PSTATE of the CPU the stub reported.
    public let pstate: ProcessorState
    /// The tables the walk reached and read.
    public let tables: Int
    /// Tables a walk needs that the stub could not read (outside RAM).
    public let missing: [ReachableTables.Table]
    /// Bytes read from the guest.
    public let bytesRead: UInt64
    /// Memory read requests sent.
    public let reads: Int
    /// ID_AA64MMFR1_EL1.PAN (bits [23:20]): 0 when the CPU has no PAN, or
    /// the stub does not show the register.
    public let panSupport: Int
    /// Where the stub keeps PSTATE, for `withProcessorState`.
    let pstateRegister: TargetDescription.Register

    /// The register names stubs use, in the order tried.
    enum Names {
        static let ttbr0 = ["TTBR0_EL1"], ttbr1 = ["TTBR1_EL1"], tcr = ["TCR_EL1"], mair = ["MAIR_EL1"]
        static let sctlr = ["SCTLR_EL1", "SCTLR"], pstate = ["cpsr", "pstate"], mmfr1 = ["ID_AA64MMFR1_EL1"]
    }

    /// QEMU's switch between virtual (0) and physical (1) memory reads.
    static func physicalMemoryMode(_ on: Bool) -> String { "Qqemu.PhyMemMode:\(on ? 1 : 0)" }

    /// Captures the guest behind `gdb`, which must be stopped (QEMU stops
    /// the guest when a debugger connects; `stop(at:)` stops it somewhere).
    public init(_ gdb: GDBRemote) throws(GuestError) {
        _ = try gdb.stopReason()
        let description = try TargetDescription(read: gdb.features)
        if let arch = description.architecture, !arch.hasPrefix("aarch64") {
            throw .badRegisters("the stub describes a \(arch) target, not AArch64")
        }
        func value(_ names: [String]) throws(GuestError) -> UInt64 {
            try gdb.value(of: try description.register(names))
        }
        pstateRegister = try description.register(Names.pstate)
        pstate = ProcessorState(rawValue: try value(Names.pstate))
        if pstate.isAArch32 { throw .badRegisters("the CPU is in AArch32 state; only AArch64 translation is read") }
        let regime = TranslationRegime(tcr: TCR(rawValue: try value(Names.tcr)), mair: MAIR(rawValue: try value(Names.mair)),
                                       ttbr0: TTBR(rawValue: try value(Names.ttbr0)), ttbr1: TTBR(rawValue: try value(Names.ttbr1)))
        let state = CPUState(sctlr: try value(Names.sctlr), pan: pstate.pan)
        let panField: (shift: UInt64, mask: UInt64) = (20, 0xf)
        panSupport = (try? value(Names.mmfr1)).map { Int($0 >> panField.shift & panField.mask) } ?? 0

        try gdb.command(Self.physicalMemoryMode(true))
        let memory = FetchedMemory()
        var reads = 0
        var reach = ReachableTables(regime, in: memory)
        do {
            // Each round reads every table the last walk found missing: one
            // pipelined batch per level of the tree.
            while true {
                var wanted: [(base: UInt64, bytes: UInt64)] = []
                var seen = Set<UInt64>()
                for t in reach.missing {
                    let c = FetchedMemory.chunk(for: t.address, bytes: t.bytes)
                    if !memory.isUnreadable(c), memory.words(at: t.address, count: Int(t.bytes >> DescriptorLayout.shift)) == nil,
                       seen.insert(c.base | c.bytes).inserted {
                        wanted.append(c)
                    }
                }
                if wanted.isEmpty { break }
                let data = try gdb.read(wanted.map { ($0.base, Int($0.bytes)) })
                reads += wanted.count
                for (c, d) in zip(wanted, data) { memory.store(c, d) }
                reach = ReachableTables(regime, in: memory)
            }
        } catch {
            _ = try? gdb.command(Self.physicalMemoryMode(false))
            throw error
        }
        try gdb.command(Self.physicalMemoryMode(false))
        do {
            image = try TableImage(regime: regime, state: state, segments: memory.segments())
        } catch {
            throw .protocolError(gdb.peer, detail: "the memory read does not form an image: \(error)")
        }
        tables = reach.tables.count
        missing = reach.missing
        bytesRead = memory.bytesHeld
        self.reads = reads
    }

    /// Runs `body` with the stopped CPU's PSTATE.EL set to `el` (SPSel=1)
    /// and PSTATE.PAN to `pan` (the rest as captured), then puts PSTATE
    /// back: QEMU's debug walk (gva2gpa) applies the permissions of the
    /// current EL and PAN, so this is how the kernel half, and PAN, are
    /// checked while the CPU stopped in a user process.
    public func withProcessorState<R>(el: Int, pan: Bool, _ gdb: GDBRemote,
                                      _ body: () throws(GuestError) -> R) throws(GuestError) -> R {
        let modeMask: UInt64 = 0b1111
        let handlerStack: UInt64 = 1
        let panMask: UInt64 = 1 << ProcessorState.panBit
        let changed = pstate.rawValue & ~(modeMask | panMask) | UInt64(el) << ProcessorState.elShift | handlerStack
            | (pan ? panMask : 0)
        try gdb.setValue(changed, of: pstateRegister)
        let result: R
        do { result = try body() } catch {
            _ = try? gdb.setValue(pstate.rawValue, of: pstateRegister)
            throw error
        }
        try gdb.setValue(pstate.rawValue, of: pstateRegister)
        return result
    }

    /// Runs the guest until it executes the instruction at `va` (a
    /// hardware breakpoint, so at any exception level, e.g. a user
    /// process's loop), then leaves it stopped there.
    public static func stop(_ gdb: GDBRemote, at va: UInt64) throws(GuestError) {
        let point = "1,\(String(va, radix: 16)),4"
        try gdb.command("Z" + point)
        _ = try gdb.continueUntilStop()
        try gdb.command("z" + point)
    }
}
