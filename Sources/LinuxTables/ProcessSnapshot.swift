import VMSA

/// A real process as the page-size models read it: its VMAs and its 4K
/// Linux table as its trace leaves it. The table is replayed for real (a
/// `ProcessTables`), so what the models see is what replay sees, and the
/// same replay is the baseline the adapted process is compared with.
///
/// A trace without "vma" records (`vmsa trace --image` reads tables, which
/// hold no VMAs) gets VMAs inferred from the table: maximal runs of
/// adjacent entries whose present pages share their protection, each taken
/// as anonymous memory (a table does not say which pages are a file's).
public final class ProcessSnapshot {
    /// One non-none entry of the Linux table: a PTE, or a PMD or PUD leaf.
    public struct Leaf: Hashable, Sendable {
        /// The first VA the entry maps.
        public var va: UInt64
        /// The entry's value, in the model's layout.
        public var pte: LinuxPTE
        /// 3 for a PTE, 2 for a PMD leaf, 1 for a PUD leaf.
        public var level: Level
        /// Bytes the entry maps.
        public var size: UInt64 { LinuxPageTable.entrySize(at: level) }
    }

    /// The baseline: the process's own trace, replayed.
    public let tables: ProcessTables
    /// The process's VMAs, from "vma" records or inferred.
    public private(set) var vmas: [ProcessMapping] = []
    /// Whether `vmas` were inferred from the table (the trace had none).
    public private(set) var vmasInferred = false

    /// An empty process whose baseline replays on a 4K Linux table of `vaBits` with a `granule` native mirror.
    public init(native granule: Granule = .k64, vaBits: Int = 48) throws(LinuxTableError) {
        tables = try ProcessTables(native: granule, vaBits: vaBits)
    }

    /// Adds one record of the process's trace: a VMA is kept, an operation
    /// applied to the baseline (its fallback warning, if any, returned).
    @discardableResult
    public func add(_ record: TraceRecord) throws(LinuxTableError) -> MirrorWarning? {
        switch record {
        case .vma(let vma): vmas.append(vma)
        case .operation(let op): return try tables.apply(op)
        case .source: break
        }
        return nil
    }

    /// Ends the trace: sorts the VMAs, or infers them when it had none.
    public func finish() {
        if vmas.isEmpty {
            vmas = inferredVMAs()
            vmasInferred = !vmas.isEmpty
        }
        vmas.sort { $0.start < $1.start }
    }

    /// The entries inside `vma`, in address order.
    public func leaves(of vma: ProcessMapping) -> [Leaf] {
        var out: [Leaf] = []
        tables.linux.forEachLeaf(from: vma.start, to: vma.end) { va, pte, level in
            out.append(Leaf(va: va, pte: pte, level: level))
        }
        return out
    }

    /// 4K pages present in the VMAs (PROT_NONE included; a huge leaf counts all its pages).
    public var residentPages: Int {
        var pages = 0
        for vma in vmas {
            for leaf in leaves(of: vma) where leaf.pte.isPresent { pages += Int(leaf.size / LinuxKernel.granule.pageSize) }
        }
        return pages
    }

    /// What decides whether two present entries belong to one inferred VMA:
    /// every bit but the PFN and the state the MMU and kernel change as the
    /// page is used (Access flag, dirty, read-only under DBM, contiguous hint)
    /// and the descriptor type (a THP's block next to its VMA's pages).
    static func protectionKey(_ pte: LinuxPTE) -> UInt64 {
        pte.mkold().mkclean().mknoncont().pgprot & ~(LinuxPTEBits.dirty.mask | LinuxPTEBits.type.mask)
    }

    private func inferredVMAs() -> [ProcessMapping] {
        var out: [ProcessMapping] = []
        var current: (start: UInt64, end: UInt64, key: UInt64?, sample: LinuxPTE?)?
        func close() {
            guard let c = current else { return }
            out.append(ProcessMapping(start: c.start, end: c.end, flags: c.sample.map(Self.flags) ?? [.read, .write]))
            current = nil
        }
        tables.linux.forEachLeaf(from: 0, to: 1 << UInt64(tables.linux.vaBits)) { va, pte, level in
            let end = va + LinuxPageTable.entrySize(at: level)
            let key = pte.isPresent ? Self.protectionKey(pte) : nil
            if let c = current, c.end == va, key == nil || c.key == nil || c.key == key {
                current = (c.start, end, c.key ?? key, c.sample ?? (pte.isPresent ? pte : nil))
            } else {
                close()
                current = (va, end, key, pte.isPresent ? pte : nil)
            }
        }
        close()
        return out
    }

    /// The VMA flags an entry's protection implies (private: a table does not say).
    static func flags(_ pte: LinuxPTE) -> LinuxProtection.VMFlags {
        if pte.isProtNone { return [] }
        var f: LinuxProtection.VMFlags = [.read]
        if pte.isWrite { f.insert(.write) }
        if !pte.has(LinuxPTEBits.uxn) { f.insert(.exec) }
        return f
    }
}
