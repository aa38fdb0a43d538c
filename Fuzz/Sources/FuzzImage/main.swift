import FuzzDriver
import VMSA
import VMSATables

// The image loader (versions 1 and 2, sparse segments): any bytes (with a
// valid checksum) load or throw one ImageError; a loaded image
// can be translated at any address and walked end to end without trapping
// (the loader has checked every table pointer, so walks cannot loop or leave
// the image).
runFuzzer { bytes in
    // Re-seal the checksum so mutations reach the table checks behind it;
    // a checksum mismatch itself is covered by the unit tests.
    var file = Array(bytes)
    TableImage.sealChecksum(&file)
    guard let image = try? TableImage.load(file) else { return }
    var input = FuzzInput(UnsafeRawBufferPointer(rebasing: bytes.suffix(min(bytes.count, 64))))
    while let va = input.word() {
        for access in AccessKind.allCases {
            for el in ExceptionLevel.allCases { _ = image.translate(VirtualAddress(va), access: access, el: el) }
        }
    }
    var leaves = 0
    for half in TranslationTableBase.allCases {
        image.walk(half).forEach { _ in leaves += 1 }
    }
    _ = leaves
    // `vmsa convert`: the reachable pages reload as the same walk. With no
    // table reachable (no walk enabled) there is nothing to keep, and
    // convert refuses: a file with no memory does not load.
    let reach = ReachableTables(image.regime, in: image)
    let converted = image.reachable(from: reach)
    guard !converted.memorySegments.isEmpty else {
        precondition(reach.tables.isEmpty, "reachable tables were not kept")
        return
    }
    guard let reloaded = try? TableImage.load(converted.serialized()) else {
        preconditionFailure("a converted image does not load")
    }
    precondition(reloaded == converted, "a reloaded converted image differs")
    for half in TranslationTableBase.allCases {
        precondition(Array(reloaded.walk(half)) == Array(image.walk(half)), "convert changed the walk")
    }
}
