import VMSA

/// The human reading of a descriptor: each field by its Arm ARM name and
/// position, its value, and the Linux spelling where there is one.
enum DescriptorText {
    struct Row {
        let name: String, bits: String, value: String, linux: String
    }

    static func bit(_ b: Bool) -> String { b ? "1" : "0" }

    static func binary(_ v: UInt64, width: Int) -> String {
        let s = String(v, radix: 2)
        return "0b" + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// The address rows of a table (NLTA) or leaf (OA), with the bits beyond
    /// [47:n]: "[51:48] in [15:12]" (64K, FEAT_LPA) or "[51:50] in [9:8]" (DS=1).
    static func addressRows(raw: UInt64, kind: DescriptorKind, address: UInt64, level: Level, format: DescriptorFormat) -> [Row] {
        var rows: [Row]
        if kind == .table {
            rows = [Row(name: "NLTA", bits: format.outputAddressField.description, value: Hex.format(address, digits: 13), linux: "__pmd_to_phys")]
        } else {
            let size = format.granule.entrySize(at: level)
            rows = [Row(name: "OA", bits: format.outputAddressField(at: level).description,
                        value: Hex.format(address, digits: 13) + "  (\(Hex.size(size)) \(kind.rawValue))", linux: "__pte_to_phys")]
        }
        if let field = format.outputAddressHighField {
            let high = BitField(format.outputAddressHighShift + field.width - 1, format.outputAddressHighShift)
            rows.append(Row(name: rows[0].name, bits: "\(high) in \(field)", value: binary(field.extract(raw), width: field.width), linux: ""))
        }
        return rows
    }

    /// `regime` other than EL1&0: EL2 and EL3 have no nG or PXN, one XN and
    /// AP[1] RES1; EL2&0 reads as EL1&0. Stage 2 is `Stage2Text`.
    static func render(raw: UInt64, level: Level, format: DescriptorFormat, regime: TranslationRegimeKind = .el10) -> String {
        typealias B = Descriptor.Bits
        let f = DescriptorFields(decoding: raw, level: level, format: format, regime: regime)
        let oneEL = !regime.hasTwoPrivilegeLevels
        var rows: [Row] = []
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            rows += addressRows(raw: raw, kind: .table, address: f.nextTable, level: level, format: format)
            if !oneEL { rows.append(Row(name: "PXNTable", bits: B.pxnTable.description, value: bit(f.pxnTable), linux: "PMD_TABLE_PXN")) }
            rows.append(Row(name: oneEL ? "XNTable" : "UXNTable", bits: B.uxnTable.description, value: bit(f.uxnTable),
                            linux: oneEL ? "" : "PMD_TABLE_UXN"))
            rows.append(Row(name: "APTable", bits: B.apTable.description,
                            value: binary(f.apTable.rawValue, width: 2) + "  " + f.apTable.description, linux: ""))
            rows.append(Row(name: "NSTable", bits: B.nsTable.description, value: bit(f.nsTable), linux: ""))
        case .block, .page:
            rows += addressRows(raw: raw, kind: f.kind, address: f.outputAddress, level: level, format: format)
            rows.append(Row(name: "AttrIndx", bits: B.attrIndx.description, value: String(f.attrIndx), linux: "PTE_ATTRINDX(\(f.attrIndx))"))
            rows.append(Row(name: "NS", bits: B.ns.description, value: bit(f.ns), linux: "PTE_NS"))
            if oneEL {
                rows.append(Row(name: "AP[2:1]", bits: B.ap.description,
                                value: binary(f.ap.rawValue, width: 2) + "  " + (f.ap.readOnlyAtAllELs ? "read-only" : "read/write") + ", AP[1] RES1",
                                linux: ""))
            } else {
                rows.append(Row(name: "AP[2:1]", bits: B.ap.description,
                                value: binary(f.ap.rawValue, width: 2) + "  " + f.ap.description,
                                linux: "PTE_RDONLY=\(bit(f.ap.readOnlyAtAllELs)) PTE_USER=\(bit(f.ap.el0Accessible))"))
            }
            if format.descriptorHasShareability {
                rows.append(Row(name: "SH", bits: B.sh.description,
                                value: binary(f.sh.rawValue, width: 2) + "  " + f.sh.description, linux: "PTE_SHARED"))
            }
            rows.append(Row(name: "AF", bits: B.af.description, value: bit(f.af), linux: "PTE_AF"))
            if !oneEL { rows.append(Row(name: "nG", bits: B.nG.description, value: bit(f.nG), linux: "PTE_NG")) }
            if f.kind == .block { rows.append(Row(name: "nT", bits: B.nT.description, value: bit(f.nT), linux: "")) }
            rows.append(Row(name: "GP", bits: B.gp.description, value: bit(f.gp), linux: "PTE_GP"))
            rows.append(Row(name: "DBM", bits: B.dbm.description, value: bit(f.dbm), linux: "PTE_DBM (PTE_WRITE)"))
            rows.append(Row(name: "Contiguous", bits: B.contiguous.description, value: bit(f.contiguous), linux: "PTE_CONT"))
            if oneEL {
                rows.append(Row(name: "XN", bits: B.uxn.description, value: bit(f.xn), linux: "KVM_PTE_LEAF_ATTR_HI_S1_XN"))
            } else {
                rows.append(Row(name: "PXN", bits: B.pxn.description, value: bit(f.pxn), linux: "PTE_PXN"))
                rows.append(Row(name: "UXN", bits: B.uxn.description, value: bit(f.uxn), linux: "PTE_UXN"))
            }
            rows.append(Row(name: "SW", bits: B.software.description, value: binary(UInt64(f.software), width: 4),
                            linux: "software: PTE_DIRTY [55], PTE_SPECIAL [56]"))
            rows.append(Row(name: "PBHA", bits: B.pbha.description, value: String(f.pbha), linux: ""))
        }
        var heading = "\(format.granule) \(level): \(f.kind.rawValue)"
        if format.ds { heading += " (DS=1)" }
        if regime != .el10 { heading += ", \(regime.armName)" }
        return table(raw: raw, heading: heading, rows: rows, ignored: f.ignored, res0: f.res0,
                     problems: Descriptor(rawValue: raw).problems(at: level, format: format, regime: regime))
    }

    /// The rows as aligned columns under a heading line, then the problems.
    static func table(raw: UInt64, heading: String, rows: [Row], ignored: UInt64, res0: UInt64, problems: [DescriptorProblem]) -> String {
        var rows = rows
        if ignored != 0 { rows.append(Row(name: "IGNORED", bits: "", value: Hex.short(ignored), linux: "")) }
        if res0 != 0 { rows.append(Row(name: "RES0", bits: "", value: Hex.short(res0), linux: "")) }
        var out = "\(Hex.format(raw))  \(heading)"
        // Wide enough for "[51:48] in [15:12]" when a high-address row is shown.
        let bitsWidth = max(16, (rows.map(\.bits.count).max() ?? 0) + 1)
        for r in rows {
            let line = "  " + pad(r.name, 11) + pad(r.bits, bitsWidth) + pad(r.value, 40) + r.linux
            out += "\n"
            out += droppingTrailingSpaces(line)
        }
        for p in problems { out += "\n  problem: \(p)" }
        return out
    }

    /// `line` without the spaces `pad` leaves after its last column. Plain
    /// scalar scanning: a Regex here cost ~1 ms per decoded value.
    private static func droppingTrailingSpaces(_ line: String) -> Substring {
        guard let last = line.unicodeScalars.lastIndex(where: { $0 != " " }) else { return "" }
        return line[...last]
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
