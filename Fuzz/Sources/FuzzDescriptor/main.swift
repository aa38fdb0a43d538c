import FuzzDriver
import VMSA

// Descriptor and register decoding: every raw word, in every format and at
// every level, decodes without trapping, re-encodes bit for bit, and its
// problems can be listed; TCR/MAIR/TTBR decode and VA selection never trap.
runFuzzer { bytes in
    var input = FuzzInput(bytes)
    guard let raw = input.word(), let selector = input.byte() else { return }
    let granule = Granule.allCases[Int(selector % 3)]
    let ds = granule != .k64 && selector & 0x04 != 0
    let paBits = PhysicalAddressSize.allCases[Int(selector >> 4) % PhysicalAddressSize.allCases.count].bits
    guard let format = try? DescriptorFormat(granule: granule, ds: ds, paBits: paBits) else { return }
    for n in granule.levels(ds: ds) {
        let level = Level(rawValue: n)!
        let fields = DescriptorFields(decoding: raw, level: level, format: format)
        precondition(fields.encode(format: format) == raw, "round trip lost bits of \(Hex.format(raw))")
        precondition((try? fields.validate(level: level, format: format)) != nil, "decoded fields do not validate")
        _ = Descriptor(rawValue: raw).problems(at: level, format: format).map(\.description)
    }
    let tcr = TCR(rawValue: raw)
    for half in TranslationTableBase.allCases {
        _ = tcr.granule(half)
        _ = tcr.vaRange(half)
        _ = tcr.descriptorFormat(half)
    }
    if let va = input.word() { _ = tcr.select(VirtualAddress(va)) }
    _ = MAIR(rawValue: raw).attributes.map(\.meaning)
    let ttbr = TTBR(rawValue: raw)
    _ = ttbr.baseAddress(fiftyTwoBit: selector & 1 != 0)
}
