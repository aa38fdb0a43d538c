import FuzzDriver
import VMSA
import VMSATables

/// Pages a fuzzed layout may ask for before it is only parsed, not built:
/// building is linear in the table memory a layout asks for, and that is
/// not what this target explores.
let maxPagesToBuild: UInt64 = 1 << 16

// The layout parser: any text parses or throws one LayoutError; a parsed
// layout of modest size builds or throws, and what builds translates every
// mapping's first byte to its PA and reloads from its own image file.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let layout = try? Layout.parse(text) else { return }
    let pages = layout.mappings.reduce(UInt64(0)) { total, m in
        total &+ m.size >> UInt64(Granule.k4.pageShift)
    }
    guard pages <= maxPagesToBuild, let image = try? TableImage(layout: layout) else { return }
    for m in layout.mappings where m.attributes.af {
        if case .success(let t) = image.translate(m.va, access: .read, el: .el1) {
            precondition(t.pa.rawValue == m.pa.rawValue, "mapping's first byte translates elsewhere")
        }
    }
    guard let reloaded = try? TableImage.load(image.serialized()) else {
        preconditionFailure("a built image does not reload")
    }
    precondition(reloaded.tableBytes() == image.tableBytes(), "a reloaded image differs")
}
