import VMSA

/// The table tree as indented text: every table with its entry index, VA
/// and address, and under it its leaves, consecutive leaves that continue
/// each other (same bits, consecutive output addresses) on one line.
public enum TreeDump {
    public static func lines(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0]) -> [String] {
        var out: [String] = []
        for t in halves {
            guard let h = image.half(t) else {
                out.append("\(t) disabled")
                continue
            }
            let register = t == .ttbr0 ? image.ttbr0 : image.ttbr1
            out.append("\(t) \(register): \(h.granule) granule, \(h.inputBits)-bit VA, \(h.startLevel) table at \(Hex.short(h.rootAddress))")
            let base = h.vaRange.lowerBound
            table(image, h, address: h.rootAddress, level: h.startLevel, baseVA: base, tableBits: 0, depth: 1, into: &out)
        }
        return out
    }

    static func table(_ image: TableImage, _ h: RegimeHalf, address: UInt64, level: Level, baseVA: UInt64,
                      tableBits: UInt64, depth: Int, into out: inout [String]) {
        typealias B = Descriptor.Bits
        let indent = String(repeating: "  ", count: depth)
        let shift = UInt64(h.shift(at: level))
        let entrySize: UInt64 = 1 &<< shift
        let entries = h.entries(at: level)
        let addressMask = h.format.outputAddressField.mask | (h.format.outputAddressHighField?.mask ?? 0)
        func word(_ i: Int) -> UInt64 { image.word(atPhysicalAddress: address &+ UInt64(i) &* 8) ?? 0 }
        var i = 0
        while i < entries {
            let raw = word(i)
            let va = baseVA &+ UInt64(i) &<< shift
            let kind = Descriptor(rawValue: raw).kind(at: level)
            switch kind {
            case .invalid:
                i += 1
            case .table:
                let next = h.address(of: raw)
                var line = "\(indent)[\(i)] \(Hex.format(va)) L\(level.rawValue) table -> \(Hex.short(next))"
                let apTable = B.apTable.extract(raw)
                if apTable != 0 { line += " APTable=\(apTable)" }
                if B.pxnTable.isSet(raw) { line += " PXNTable" }
                if B.uxnTable.isSet(raw) { line += " UXNTable" }
                if B.nsTable.isSet(raw) { line += " NSTable" }
                out.append(line)
                if depth < 8, image.word(atPhysicalAddress: next) != nil {
                    table(image, h, address: next, level: level.next, baseVA: va, tableBits: tableBits | raw,
                          depth: depth + 1, into: &out)
                }
                i += 1
            case .block, .page, .reserved:
                let legal = kind == .page || (kind == .block && h.isBlockLegal(at: level))
                var j = i
                let oa = h.address(of: raw) & ~(entrySize &- 1)
                while legal, j + 1 < entries {
                    let r = word(j + 1)
                    guard (r ^ raw) & ~addressMask == 0,
                          h.address(of: r) & ~(entrySize &- 1) == oa &+ UInt64(j + 1 - i) &* entrySize else { break }
                    j += 1
                }
                let count = j - i + 1
                let last = va &+ (UInt64(count) &* entrySize &- 1)
                let what = legal ? "\(kind.rawValue) \(Hex.size(entrySize))" : (kind == .reserved ? "reserved" : "illegal block")
                var line = "\(indent)[\(count == 1 ? "\(i)" : "\(i)..\(j)")] \(Hex.format(va))-\(Hex.format(last)) L\(level.rawValue) \(what)"
                if count > 1 { line += " x\(count)" }
                line += " -> \(Hex.short(oa))"
                if legal { line += " " + image.leafAttributes(raw, tableBits: tableBits, walk: WalkParameters(h)).summary }
                out.append(line)
                i = j + 1
            }
        }
    }
}
