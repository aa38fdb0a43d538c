import VMSA

/// Text in the line format of Linux's `kernel_page_tables` (arch/arm64/mm/
/// ptdump.c): `0xSTART-0xEND   SIZE LEVEL flags…`, one line per run of
/// entries with the same level and the same masked descriptor bits, END
/// exclusive. Differences from Linux, because an image has no kernel
/// around it: one `---[ … ]---` header per half instead of kernel address
/// markers; the memory type is named from the MAIR byte the AttrIndx
/// selects (`MAIR[n]=0x..` when Linux has no name for it); a range ending
/// at the top of the address space prints its end as 0xffffffffffffffff.
public enum PTDump {
    /// Linux's level names: the start level is the PGD; below it P4D (L0),
    /// PUD (L1), PMD (L2), PTE (L3), as folded by CONFIG_PGTABLE_LEVELS.
    public static func levelName(_ level: Level, startLevel: Level) -> String {
        if level == startLevel { return "PGD" }
        switch level.rawValue {
        case 0: return "P4D"
        case 1: return "PUD"
        case 2: return "PMD"
        default: return "PTE"
        }
    }

    /// ptdump's names for Linux's memory types (MT_*), by MAIR byte.
    static let memoryTypes: [(MemoryAttribute, String)] = [
        (MemoryAttribute(name: "device-nGnRnE")!, "DEVICE/nGnRnE"),
        (MemoryAttribute(name: "device-nGnRE")!, "DEVICE/nGnRE"),
        (MemoryAttribute(name: "normal-nc")!, "MEM/NORMAL-NC"),
        (MemoryAttribute(name: "normal-wb")!, "MEM/NORMAL"),
        (MemoryAttribute(name: "normal-tagged")!, "MEM/NORMAL-TAGGED"),
    ]

    /// The bits ptdump compares and prints (its `pte_bits` masks).
    static func mask(ds: Bool) -> UInt64 {
        typealias B = Descriptor.Bits
        var m = B.valid.mask | BitField(bit: B.ap.lsb).mask | BitField(bit: B.ap.msb).mask | B.pxn.mask | B.af.mask
            | B.nG.mask | B.contiguous.mask | BitField(bit: 1).mask | B.uxn.mask | B.gp.mask | B.attrIndx.mask
        if !ds { m |= B.sh.mask }
        return m
    }

    /// The flags of one line, each preceded by a space, in ptdump's order.
    static func flags(_ prot: UInt64, mair: MAIR, ds: Bool) -> String {
        typealias B = Descriptor.Bits
        func pick(_ set: Bool, _ yes: String, _ no: String) -> String { " " + (set ? yes : no) }
        var s = pick(B.valid.isSet(prot), " ", "F")
        s += pick(prot & BitField(bit: B.ap.lsb).mask != 0, "USR", "   ")
        s += pick(prot & BitField(bit: B.ap.msb).mask != 0, "ro", "RW")
        s += pick(B.pxn.isSet(prot), "NX", "x ")
        // With DS=1 Linux's PTE_SHARED is 0, so its mask matches every entry.
        s += pick(ds || B.sh.extract(prot) == Shareability.innerShareable.rawValue, "SHD", "   ")
        s += pick(B.af.isSet(prot), "AF", "  ")
        s += pick(B.nG.isSet(prot), "NG", "  ")
        s += pick(B.contiguous.isSet(prot), "CON", "   ")
        s += pick(prot & BitField(bit: 1).mask != 0, "   ", "BLK")
        s += pick(B.uxn.isSet(prot), "UXN", "   ")
        s += pick(B.gp.isSet(prot), "GP", "  ")
        let index = Int(B.attrIndx.extract(prot))
        let attr = mair[index]
        if let name = memoryTypes.first(where: { $0.0 == attr })?.1 {
            s += " " + name
        } else {
            s += " MAIR[\(index)]=\(Hex.format(UInt64(attr.rawValue), digits: 2))"
        }
        return s
    }

    /// `%9lu%c`: the size in the largest of K, M, G, T, P, E that divides it.
    static func size(_ bytes: UInt64) -> String {
        let units: [Character] = ["K", "M", "G", "T", "P", "E"]
        var delta = bytes >> 10
        var unit = 0
        while delta & 1023 == 0, unit + 1 < units.count, delta > 0 {
            delta >>= 10
            unit += 1
        }
        let digits = String(delta)
        return String(repeating: " ", count: max(0, 9 - digits.count)) + digits + String(units[unit])
    }

    /// The dump of the given halves (TTBR1 first, as Linux shows the kernel).
    public static func lines(_ image: TableImage, halves: [TranslationTableBase] = [.ttbr1, .ttbr0]) -> [String] {
        var out: [String] = []
        for t in halves {
            guard let h = image.half(t) else {
                out.append("---[ \(t) disabled ]---")
                continue
            }
            out.append("---[ \(t) \(h.granule) granule, \(h.inputBits)-bit VA ]---")
            let m = mask(ds: h.format.ds)
            var current: (first: UInt64, last: UInt64, level: Level, prot: UInt64)?
            func flush() {
                guard let c = current else { return }
                let end = c.last == UInt64.max ? UInt64.max : c.last &+ 1
                var line = "\(Hex.format(c.first))-\(Hex.format(end))   \(size(c.last &- c.first &+ 1)) "
                line += levelName(c.level, startLevel: h.startLevel)
                if c.prot != 0 { line += flags(c.prot, mair: image.mair, ds: h.format.ds) }
                out.append(line)
            }
            for item in image.walk(t) {
                let prot = item.descriptor.rawValue & m
                if let c = current, c.level == item.level, c.prot == prot, c.last &+ 1 == item.va.rawValue {
                    current!.last = item.lastVA
                } else {
                    flush()
                    current = (item.va.rawValue, item.lastVA, item.level, prot)
                }
            }
            flush()
        }
        return out
    }
}
