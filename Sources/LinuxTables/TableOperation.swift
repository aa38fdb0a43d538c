import VMSA
import VMSAJSON

/// One line of a replay trace: a Linux page-table operation. Addresses and
/// raw entry values are hex strings in the JSON form, for example
///
///     {"op":"set_ptes","addr":"0x7f0000000000","pte":"0x0068000041200fc3","nr":16}
public enum TableOperation: Hashable, Sendable {
    /// `set_ptes`: `nr` PTEs from `va`, the PFN advancing by one each (Linux set_ptes).
    case setPTEs(va: VirtualAddress, pte: UInt64, nr: Int)
    /// `clear_ptes`: `nr` PTEs from `va` made none (Linux get_and_clear_full_ptes).
    case clearPTEs(va: VirtualAddress, nr: Int)
    /// `modify_prot`: `nr` PTEs take protection `prot`, PFN kept (Linux ptep_modify_prot_start/commit, as mprotect does).
    case modifyProt(va: VirtualAddress, nr: Int, prot: UInt64)
    /// `wrprotect`: `nr` PTEs made read-only (Linux wrprotect_ptes).
    case wrprotect(va: VirtualAddress, nr: Int)
    /// `mkold`, `mkyoung`, `mkclean` or `mkdirty` over `nr` PTEs.
    case youngDirty(YoungDirtyChange, va: VirtualAddress, nr: Int)
    /// `set_swap`: `nr` swap PTEs from `va`, the offset advancing by one each.
    case setSwap(va: VirtualAddress, nr: Int, entry: SwapEntry)
    /// `set_pmd`: a PMD leaf, a 2M block (Linux set_pmd_at).
    case setPMD(va: VirtualAddress, pmd: UInt64)
    /// `clear_pmd`: the PMD leaf at `va` made none (Linux pmd_clear).
    case clearPMD(va: VirtualAddress)
    /// `set_pud`: a PUD leaf, a 1G block (Linux set_pud_at).
    case setPUD(va: VirtualAddress, pud: UInt64)
    /// `clear_pud`: the PUD leaf at `va` made none (Linux pud_clear).
    case clearPUD(va: VirtualAddress)
    /// `alloc_pte`: the PTE table covering `va` allocated (Linux pte_alloc).
    case allocPTE(va: VirtualAddress)
    /// `free_pte`: the PTE table covering `va` freed (Linux free_pte_range).
    case freePTE(va: VirtualAddress)
    /// `free_pmd`: the PMD table covering `va` and the PTE tables below it freed (Linux free_pmd_range).
    case freePMD(va: VirtualAddress)
    /// `reclaim`: every native table dropped, rebuilt from the Linux table on the next access.
    case reclaim

    /// Every operation name a trace may use.
    public static let names = [
        "set_ptes", "clear_ptes", "modify_prot", "wrprotect", "mkold", "mkyoung", "mkclean", "mkdirty",
        "set_swap", "set_pmd", "clear_pmd", "set_pud", "clear_pud", "alloc_pte", "free_pte", "free_pmd", "reclaim",
    ]

    /// The operation's trace name (`set_ptes`, `mkold`, …).
    public var name: String {
        switch self {
        case .setPTEs: "set_ptes"
        case .clearPTEs: "clear_ptes"
        case .modifyProt: "modify_prot"
        case .wrprotect: "wrprotect"
        case .youngDirty(let c, _, _): c.rawValue
        case .setSwap: "set_swap"
        case .setPMD: "set_pmd"
        case .clearPMD: "clear_pmd"
        case .setPUD: "set_pud"
        case .clearPUD: "clear_pud"
        case .allocPTE: "alloc_pte"
        case .freePTE: "free_pte"
        case .freePMD: "free_pmd"
        case .reclaim: "reclaim"
        }
    }

    /// Parses one trace line that holds an operation; errors name the line
    /// number and the bad value.
    public static func parse(line text: String, number: Int) throws(JSONError) -> TableOperation {
        try operation(TraceRecord.parse(line: text, number: number), number: number)
    }

    /// Parses one trace line given as UTF-8 bytes, without making a String of it first.
    public static func parse(line utf8: UnsafeBufferPointer<UInt8>, number: Int) throws(JSONError) -> TableOperation {
        try operation(TraceRecord.parse(line: utf8, number: number), number: number)
    }

    /// The operation `record` of line `number` holds, or the error saying it holds none.
    private static func operation(_ record: TraceRecord, number: Int) throws(JSONError) -> TableOperation {
        switch record {
        case .operation(let op): return op
        case .source: throw JSONError("line \(number): a \"\(TraceSource.op)\" record is not an operation")
        case .vma: throw JSONError("line \(number): a \"\(ProcessMapping.op)\" record is not an operation")
        }
    }

    /// Reads the fields of operation `op` (and checks there are no others).
    init(_ op: String, _ r: inout JSONObjectReader) throws(JSONError) {
        let countRange = 1...LinuxKernel.entriesPerTable
        let result: TableOperation
        switch op {
        case "set_ptes":
            result = .setPTEs(va: VirtualAddress(try r.hex("addr")), pte: try r.hex("pte"), nr: try r.int("nr", in: countRange))
        case "clear_ptes":
            result = .clearPTEs(va: VirtualAddress(try r.hex("addr")), nr: try r.int("nr", in: countRange))
        case "modify_prot":
            result = .modifyProt(va: VirtualAddress(try r.hex("addr")), nr: try r.int("nr", in: countRange), prot: try r.hex("prot"))
        case "wrprotect":
            result = .wrprotect(va: VirtualAddress(try r.hex("addr")), nr: try r.int("nr", in: countRange))
        case "mkold", "mkyoung", "mkclean", "mkdirty":
            result = .youngDirty(YoungDirtyChange(rawValue: op)!, va: VirtualAddress(try r.hex("addr")), nr: try r.int("nr", in: countRange))
        case "set_swap":
            let va = VirtualAddress(try r.hex("addr")), nr = try r.int("nr", in: countRange)
            let type = try r.int("type", in: 0...(1 << SwapType.typeBits) - 1)
            let offset = try r.hex("offset")
            let exclusive = try r.optionalBool("exclusive") ?? false
            let uffdWP = try r.optionalBool("uffd_wp") ?? false
            result = .setSwap(va: va, nr: nr, entry: SwapEntry(type: type, offset: offset, exclusive: exclusive, uffdWP: uffdWP))
        case "set_pmd": result = .setPMD(va: VirtualAddress(try r.hex("addr")), pmd: try r.hex("pte"))
        case "clear_pmd": result = .clearPMD(va: VirtualAddress(try r.hex("addr")))
        case "set_pud": result = .setPUD(va: VirtualAddress(try r.hex("addr")), pud: try r.hex("pte"))
        case "clear_pud": result = .clearPUD(va: VirtualAddress(try r.hex("addr")))
        case "alloc_pte": result = .allocPTE(va: VirtualAddress(try r.hex("addr")))
        case "free_pte": result = .freePTE(va: VirtualAddress(try r.hex("addr")))
        case "free_pmd": result = .freePMD(va: VirtualAddress(try r.hex("addr")))
        default: result = .reclaim
        }
        try r.finish()
        self = result
    }

    /// The JSON Lines form of the operation (what `parse` reads).
    public var json: JSONValue {
        var o: [(String, JSONValue)] = [("op", .string(name))]
        switch self {
        case .setPTEs(let va, let pte, let nr):
            o += [("addr", .hex(va.rawValue, digits: 1)), ("pte", .hex(pte)), ("nr", .int(nr))]
        case .clearPTEs(let va, let nr), .wrprotect(let va, let nr), .youngDirty(_, let va, let nr):
            o += [("addr", .hex(va.rawValue, digits: 1)), ("nr", .int(nr))]
        case .modifyProt(let va, let nr, let prot):
            o += [("addr", .hex(va.rawValue, digits: 1)), ("nr", .int(nr)), ("prot", .hex(prot))]
        case .setSwap(let va, let nr, let e):
            o += [("addr", .hex(va.rawValue, digits: 1)), ("nr", .int(nr)), ("type", .int(e.type)), ("offset", .hex(e.offset, digits: 1))]
            if e.exclusive { o.append(("exclusive", .bool(true))) }
            if e.uffdWP { o.append(("uffd_wp", .bool(true))) }
        case .setPMD(let va, let v), .setPUD(let va, let v):
            o += [("addr", .hex(va.rawValue, digits: 1)), ("pte", .hex(v))]
        case .clearPMD(let va), .clearPUD(let va), .allocPTE(let va), .freePTE(let va), .freePMD(let va):
            o.append(("addr", .hex(va.rawValue, digits: 1)))
        case .reclaim:
            break
        }
        return .object(JSONObject(o))
    }
}

extension ProcessTables {
    /// Applies one trace operation.
    @discardableResult
    public func apply(_ op: TableOperation) throws(LinuxTableError) -> MirrorWarning? {
        switch op {
        case .setPTEs(let va, let pte, let nr): return try setPTEs(va, LinuxPTE(pte), nr: nr)
        case .clearPTEs(let va, let nr): return try clearPTEs(va, nr: nr)
        case .modifyProt(let va, let nr, let prot): return try modifyProt(va, nr: nr, prot: prot)
        case .wrprotect(let va, let nr): return try wrprotect(va, nr: nr)
        case .youngDirty(let c, let va, let nr): return try changeYoungDirty(c, va, nr: nr)
        case .setSwap(let va, let nr, let entry): return try setSwap(va, nr: nr, entry: entry)
        case .setPMD(let va, let v): return try setPMD(va, LinuxPTE(v))
        case .clearPMD(let va): return try clearPMD(va)
        case .setPUD(let va, let v): return try setPUD(va, LinuxPTE(v))
        case .clearPUD(let va): return try clearPUD(va)
        case .allocPTE(let va): return try allocPTE(va)
        case .freePTE(let va): return try freePTE(va)
        case .freePMD(let va): return try freePMD(va)
        case .reclaim: return reclaim()
        }
    }
}
