import FuzzDriver
import VMSA
import VMSATables

/// Lines of a fuzzed image's tree dump. The tree repeats a table under
/// every entry that reaches it, so tables that point back at each other
/// make it exponential in the depth (one seed input took 0.2 s, two thirds
/// of it in the dump); the bound is above the lines of any one table the
/// inputs can hold (libFuzzer keeps them to the largest seed's 2560 words),
/// so every kind of line is still reached.
let treeLines = 1 << 12

// `TableImage(words:)` and sparse images, never validated: any registers and
// any memory, even smaller than one table or empty, translate, walk, dump
// and convert without reading out of bounds or trapping. A table the memory
// does not hold is a `notCaptured` outcome.
runFuzzer { bytes in
    var input = FuzzInput(bytes)
    guard let tcr = input.word(), let mair = input.word(), let ttbr0 = input.word(), let ttbr1 = input.word(),
          let base = input.word(), let split = input.word() else { return }
    let tablesBase = base & 0x000f_ffff_ffff_f000
    let words = input.words()
    let regime = TranslationRegime(tcr: TCR(rawValue: tcr), mair: MAIR(rawValue: mair), ttbr0: TTBR(rawValue: ttbr0),
                                   ttbr1: TTBR(rawValue: ttbr1))
    let flat = TableImage(tablesBase: tablesBase, tcr: regime.tcr, mair: regime.mair, ttbr0: regime.ttbr0, ttbr1: regime.ttbr1,
                          words: words)
    // The same words as two segments with a gap between them.
    let cut = words.isEmpty ? 0 : Int(split % UInt64(words.count + 1))
    let gap = (split >> 32 & 0xff) * 8 + 8
    let sparse = try? TableImage(regime: regime, segments: [
        (tablesBase, Array(words[..<cut])), (tablesBase + UInt64(cut) * 8 + gap, Array(words[cut...])),
    ].filter { !$0.1.isEmpty })
    for image in [flat] + (sparse.map { [$0] } ?? []) {
        for va in [0, ttbr0, ttbr1, base, split, ~0] {
            for access in AccessKind.allCases {
                for el in ExceptionLevel.allCases { _ = image.translate(VirtualAddress(va), access: access, el: el) }
            }
        }
        for half in TranslationTableBase.allCases {
            var n = 0
            // Bounded: a corrupt table can hold 2^13 holes per level.
            for _ in image.walk(half) { n += 1; if n > 1 << 16 { break } }
        }
        _ = TreeDump.lines(image, lineLimit: treeLines)
        _ = DotDump.text(image)
        _ = image.contiguousRunProblems()
        _ = image.reachable()
        _ = try? image.validateTables()
    }
}
