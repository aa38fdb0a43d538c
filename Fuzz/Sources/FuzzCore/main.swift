import FuzzDriver
import VMSA
import VMSATables

// The ELF core reader and `vmsa import`: any bytes read as a core or throw
// one DumpError; the loads it gives are sorted, disjoint and inside the
// file; the image over them keeps its reachable tables, and where that
// image validates it reloads as the same image (partial where a table
// points outside the dump) with the same walks.
//
// The registers: examples/layouts/per-process-4k.json's TCR_EL1 (4K
// granule and 48-bit VA in both halves, 48-bit PA), TTBR0 at the first
// segment and TTBR1 one page above it, so mutated descriptors there walk.
let tcr = TCR(rawValue: 0x0000_0015_b510_3510)
let page = Granule.k4.pageSize

runFuzzer { bytes in
    guard let core = try? ElfCore(bytes) else { return }
    var end: UInt64 = 0
    for (i, load) in core.loads.enumerated() {
        precondition(load.fileBytes > 0 && load.fileOffset + load.fileBytes <= UInt64(bytes.count), "a load outside the file")
        precondition(i == 0 || load.physicalAddress >= end, "loads overlap or are unsorted")
        end = load.physicalAddress + load.fileBytes
    }
    let segments = core.loads.map { load in
        (base: load.physicalAddress, words: (0..<Int(load.fileBytes / 8)).map { k in
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: Int(load.fileOffset) + 8 * k, as: UInt64.self))
        })
    }
    let base = core.loads[0].physicalAddress & ~(page - 1)
    let regime = TranslationRegime(tcr: tcr, mair: MAIR(rawValue: 0xff), ttbr0: TTBR(rawValue: base), ttbr1: TTBR(rawValue: base + page))
    guard let dump = try? TableImage(regime: regime, segments: segments) else {
        preconditionFailure("disjoint, aligned loads do not make an image")
    }
    let kept = dump.reachable()
    precondition(kept.isPartial == !ReachableTables(regime, in: dump).missing.isEmpty, "partial disagrees with the missing tables")
    guard !kept.memorySegments.isEmpty, (try? kept.validateTables()) != nil else { return }
    guard let reloaded = try? TableImage.load(kept.serialized()) else { preconditionFailure("an imported image does not load") }
    precondition(reloaded == kept, "a reloaded imported image differs")
    for half in TranslationTableBase.allCases {
        precondition(Array(reloaded.walk(half)) == Array(dump.walk(half)), "import changed the walk")
    }
}
