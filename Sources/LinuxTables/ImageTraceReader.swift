import VMSA
import VMSATables

/// Turns the TTBR0 (user) half of a real arm64 Linux process's 4K tables,
/// as a captured image holds them, into the operations that rebuild them:
/// what `vmsa trace --image` writes, so that replay answers "what would
/// 16K or 64K give this process" on its real PTEs.
///
/// Tables are found through the walk core (`TranslationRegime.root` and
/// `child`), but every slot's raw value is read, valid or not: PROT_NONE
/// and swap entries are hardware-invalid yet meaningful to Linux. Values
/// are read with the named kernel's layout and written in the model's own
/// (`LinuxSoftwareLayout.modelPTE`). Inside one PTE table, runs of present
/// entries with consecutive PFNs and the same other bits become one
/// set_ptes, runs of swap entries with consecutive offsets one set_swap; a
/// PMD leaf (a THP, or a PMD migration / present-invalid entry) becomes a
/// set_pmd and a PUD block a set_pud.
public struct ImageTraceReader {
    /// Why an image cannot be read as a Linux process's tables.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// TTBR0 walks are disabled (EPD0 = 1) or its TCR fields are reserved.
        case noUserHalf
        /// The user half uses another granule; the Linux model is 4K.
        case granule(Granule)

        /// The failure as one sentence naming what the image holds and what was expected.
        public var description: String {
            switch self {
            case .noUserHalf:
                "the image has no TTBR0 (user) half: its walks are disabled (TCR_EL1.EPD0 = 1)"
            case .granule(let g):
                "the image's TTBR0 half uses the \(g) granule; the Linux model reads 4K tables (TG0 = 4K)"
            }
        }
    }

    /// What a read found, for the command's notes and warnings.
    public struct Summary: Sendable {
        /// Tables visited, the root included.
        public var tablesRead = 0
        /// Non-none leaf slots read (PTEs, PMD and PUD leaves).
        public var entries = 0
        /// Operations emitted.
        public var operations = 0
        /// Tables an entry points at that the image does not hold, by PA and level.
        public var notCaptured: [(table: UInt64, level: Level)] = []
        /// Non-none slots at or above `TraceSynthesizer.vaLimit`, left out.
        public var aboveVALimit = 0
        /// Non-none slots the model cannot replay, left out: entries the walk
        /// faults on, outputs beyond its 48-bit PA, leaves above level 1,
        /// non-present PUDs.
        public var unsupported = 0
    }

    /// The kernel whose software-bit layout the image's entries use.
    public let version: LinuxVersion
    /// A reader of entries in `version`'s layout.
    public init(version: LinuxVersion = .model) { self.version = version }

    /// What one PTE slot holds, in the model's layout.
    enum Slot: Equatable {
        case empty
        case present(LinuxPTE)
        case swap(SwapEntry)
    }

    /// Reads the user half of `regime` in `memory`, handing each operation
    /// to `emit` in address order.
    public func read<Memory: PhysicalMemory>(_ regime: TranslationRegime, in memory: Memory,
                                              emit: (TableOperation) -> Void) throws(Failure) -> Summary {
        guard let half = regime.half(.ttbr0) else { throw .noUserHalf }
        guard half.granule == LinuxKernel.granule else { throw .granule(half.granule) }
        var summary = Summary()
        switch regime.root(.ttbr0, in: memory) {
        case .success(let root)?: visit(root, regime, memory, &summary, emit)
        case .failure(let fault)?: summary.notCaptured.append((fault.table?.rawValue ?? 0, fault.level))
        case nil: break
        }
        return summary
    }

    /// Emits one operation and counts it, so the summary agrees with the trace.
    private func put(_ op: TableOperation, _ s: inout Summary, _ emit: (TableOperation) -> Void) {
        s.operations += 1
        emit(op)
    }

    private func visit<Memory: PhysicalMemory>(_ table: WalkTable, _ regime: TranslationRegime, _ memory: Memory,
                                               _ s: inout Summary, _ emit: (TableOperation) -> Void) {
        s.tablesRead += 1
        if table.level.isLast { return pteTable(table, &s, emit) }
        for i in 0..<table.count {
            let raw = table[i]
            guard raw != 0 else { continue }
            let va = table.va(of: i)
            guard va < TraceSynthesizer.vaLimit else { s.aboveVALimit += 1; continue }
            switch regime.child(of: table, at: i, in: memory) {
            case .success(let child)?: visit(child, regime, memory, &s, emit)
            case .failure(let fault)?: s.notCaptured.append((fault.table?.rawValue ?? 0, fault.level))
            case nil:
                s.entries += 1
                guard let value = leaf(table, i) else { s.unsupported += 1; continue }
                if table.level == .two {
                    put(.setPMD(va: VirtualAddress(va), pmd: value.rawValue), &s, emit)
                } else if table.level == .one, value.isValid {
                    put(.setPUD(va: VirtualAddress(va), pud: value.rawValue), &s, emit)
                } else {
                    s.unsupported += 1
                }
            }
        }
    }

    /// Slot `i` in the model's layout, or nil when the model cannot replay it.
    private func leaf(_ table: WalkTable, _ i: Int) -> LinuxPTE? {
        let raw = table[i]
        if LinuxPTEBits.valid.isSet(raw) {
            guard case .leaf(let pa) = table.role(i), pa >> UInt64(LinuxKernel.physicalAddressBits) == 0 else { return nil }
        }
        return version.layout.modelPTE(raw, level: table.level)
    }

    /// Slot `i` of a PTE table.
    private func slot(_ table: WalkTable, _ i: Int) -> Slot? {
        guard table[i] != 0 else { return .empty }
        guard let pte = leaf(table, i) else { return nil }
        // contpte folds runs itself when set_ptes writes them (as the kernel's
        // set_ptes does): hand it the entries unfolded.
        return pte.isPresent ? .present(pte.mknoncont()) : SwapEntry(pte).map(Slot.swap)
    }

    private func pteTable(_ table: WalkTable, _ s: inout Summary, _ emit: (TableOperation) -> Void) {
        var slots = [Slot](repeating: .empty, count: table.count)
        for i in 0..<table.count where table[i] != 0 {
            guard table.va(of: i) < TraceSynthesizer.vaLimit else { s.aboveVALimit += 1; continue }
            s.entries += 1
            if let slot = slot(table, i) { slots[i] = slot } else { s.unsupported += 1 }
        }
        var i = 0
        while i < slots.count {
            var n = 1
            switch slots[i] {
            case .empty:
                break
            case .present(let first):
                while i + n < slots.count, slots[i + n] == .present(first.advancingPFN(by: UInt64(n))) { n += 1 }
                put(.setPTEs(va: VirtualAddress(table.va(of: i)), pte: first.rawValue, nr: n), &s, emit)
            case .swap(let first):
                while i + n < slots.count, slots[i + n] == .swap(first.advanced(by: UInt64(n))) { n += 1 }
                put(.setSwap(va: VirtualAddress(table.va(of: i)), nr: n, entry: first), &s, emit)
            }
            i += n
        }
    }
}
