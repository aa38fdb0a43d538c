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
    package static func levelName(_ level: Level, startLevel: Level) -> String {
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

    /// The bits KVM's stage-2 ptdump (arch/arm64/kvm/ptdump.c, its
    /// `stage2_pte_bits`) compares and prints.
    static let stage2Mask: UInt64 = {
        typealias S = Stage2Fields.Bits
        return Descriptor.Bits.valid.mask | S.s2ap.mask | S.xn.mask | Descriptor.Bits.af.mask | BitField(bit: 1).mask
    }()

    /// A stage-2 line's flags in KVM's order: F, R, W, the XN[1:0] pair
    /// (FEAT_XNX: `px ux `, `PXNux `, `PXNUXN`, `px UXN`), AF, BLK.
    static func stage2Flags(_ prot: UInt64) -> String {
        typealias S = Stage2Fields.Bits
        func pick(_ set: Bool, _ yes: String, _ no: String) -> String { " " + (set ? yes : no) }
        var s = pick(Descriptor.Bits.valid.isSet(prot), " ", "F")
        let s2ap = S.s2ap.extract(prot)
        s += pick(s2ap & Stage2AccessPermissions.readOnly.rawValue != 0, "R", " ")
        s += pick(s2ap & Stage2AccessPermissions.writeOnly.rawValue != 0, "W", " ")
        let xn = ["px ux ", "PXNux ", "PXNUXN", "px UXN"]
        s += " " + xn[Int(S.xn.extract(prot))]
        s += pick(Descriptor.Bits.af.isSet(prot), "AF", "  ")
        s += pick(prot & BitField(bit: 1).mask != 0, "   ", "BLK")
        return s
    }

    /// The flags of one line, each preceded by a space, in ptdump's order;
    /// a one-level regime (EL2, EL3) has no USR or NG column (AP[1] is RES1,
    /// nG RES0) and prints its one XN as UXN does.
    static func flags(_ prot: UInt64, mair: MAIR, ds: Bool, oneLevel: Bool = false) -> String {
        typealias B = Descriptor.Bits
        func pick(_ set: Bool, _ yes: String, _ no: String) -> String { " " + (set ? yes : no) }
        var s = pick(B.valid.isSet(prot), " ", "F")
        if !oneLevel { s += pick(prot & BitField(bit: B.ap.lsb).mask != 0, "USR", "   ") }
        s += pick(prot & BitField(bit: B.ap.msb).mask != 0, "ro", "RW")
        if !oneLevel { s += pick(B.pxn.isSet(prot), "NX", "x ") }
        // With DS=1 Linux's PTE_SHARED is 0, so its mask matches every entry.
        s += pick(ds || B.sh.extract(prot) == Shareability.innerShareable.rawValue, "SHD", "   ")
        s += pick(B.af.isSet(prot), "AF", "  ")
        if !oneLevel { s += pick(B.nG.isSet(prot), "NG", "  ") }
        s += pick(B.contiguous.isSet(prot), "CON", "   ")
        s += pick(prot & BitField(bit: 1).mask != 0, "   ", "BLK")
        s += pick(B.uxn.isSet(prot), oneLevel ? "XN " : "UXN", "   ")
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
        let regime = image.regime
        let stage2 = regime.kind == .s2
        let oneLevel = !regime.kind.hasTwoPrivilegeLevels && !stage2
        for t in halves where regime.ranges.contains(t) {
            let name = regime.registerName(t)
            guard let h = image.half(t) else {
                out.append("---[ \(name) disabled ]---")
                continue
            }
            let roots = stage2 && h.rootEntries > h.granule.entriesPerTable ? ", \(h.rootEntries / h.granule.entriesPerTable) concatenated root tables" : ""
            out.append("---[ \(name) \(h.granule) granule, \(h.inputBits)-bit \(stage2 ? "IPA" : "VA")\(roots) ]---")
            let m = stage2 ? stage2Mask : mask(ds: h.format.ds)
            var current: (first: UInt64, last: UInt64, level: Level, prot: UInt64)?
            func flush() {
                guard let c = current else { return }
                let end = c.last == UInt64.max ? UInt64.max : c.last &+ 1
                var line = "\(Hex.format(c.first))-\(Hex.format(end))   \(size(c.last &- c.first &+ 1)) "
                line += levelName(c.level, startLevel: h.startLevel)
                if c.prot != 0 { line += stage2 ? stage2Flags(c.prot) : flags(c.prot, mair: image.mair, ds: h.format.ds, oneLevel: oneLevel) }
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
