import VMSA

/// The human reading of a descriptor: each field by its Arm ARM name and
/// position, its value, and the Linux spelling where there is one.
enum DescriptorText {
    private struct Row {
        let name: String, bits: String, value: String, linux: String
    }

    private static func bit(_ b: Bool) -> String { b ? "1" : "0" }

    private static func binary(_ v: UInt64, width: Int) -> String {
        let s = String(v, radix: 2)
        return "0b" + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func render(raw: UInt64, level: Level, format: DescriptorFormat) -> String {
        typealias B = Descriptor.Bits
        let f = DescriptorFields(decoding: raw, level: level, format: format)
        var rows: [Row] = []
        /// The address bits beyond [47:n]: "OA [51:48] in [15:12]" (64K, FEAT_LPA) or
        /// "[51:50] in [9:8]" (DS=1), with the value those bits hold.
        func highAddressRow(_ name: String) -> Row? {
            format.outputAddressHighField.map { field in
                let high = BitField(format.outputAddressHighShift + field.width - 1, format.outputAddressHighShift)
                return Row(name: name, bits: "\(high) in \(field)", value: binary(field.extract(raw), width: field.width), linux: "")
            }
        }
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            rows.append(Row(name: "NLTA", bits: format.outputAddressField.description, value: Hex.format(f.nextTable, digits: 13),
                            linux: "__pmd_to_phys"))
            if let high = highAddressRow("NLTA") { rows.append(high) }
            rows.append(Row(name: "PXNTable", bits: B.pxnTable.description, value: bit(f.pxnTable), linux: "PMD_TABLE_PXN"))
            rows.append(Row(name: "UXNTable", bits: B.uxnTable.description, value: bit(f.uxnTable), linux: "PMD_TABLE_UXN"))
            rows.append(Row(name: "APTable", bits: B.apTable.description,
                            value: binary(f.apTable.rawValue, width: 2) + "  " + f.apTable.description, linux: ""))
            rows.append(Row(name: "NSTable", bits: B.nsTable.description, value: bit(f.nsTable), linux: ""))
        case .block, .page:
            let size = format.granule.entrySize(at: level)
            rows.append(Row(name: "OA", bits: format.outputAddressField(at: level).description,
                            value: Hex.format(f.outputAddress, digits: 13) + "  (\(Hex.size(size)) \(f.kind.rawValue))",
                            linux: "__pte_to_phys"))
            if let high = highAddressRow("OA") { rows.append(high) }
            rows.append(Row(name: "AttrIndx", bits: B.attrIndx.description, value: String(f.attrIndx), linux: "PTE_ATTRINDX(\(f.attrIndx))"))
            rows.append(Row(name: "NS", bits: B.ns.description, value: bit(f.ns), linux: "PTE_NS"))
            rows.append(Row(name: "AP[2:1]", bits: B.ap.description,
                            value: binary(f.ap.rawValue, width: 2) + "  " + f.ap.description,
                            linux: "PTE_RDONLY=\(bit(f.ap.readOnlyAtAllELs)) PTE_USER=\(bit(f.ap.el0Accessible))"))
            if format.descriptorHasShareability {
                rows.append(Row(name: "SH", bits: B.sh.description,
                                value: binary(f.sh.rawValue, width: 2) + "  " + f.sh.description, linux: "PTE_SHARED"))
            }
            rows.append(Row(name: "AF", bits: B.af.description, value: bit(f.af), linux: "PTE_AF"))
            rows.append(Row(name: "nG", bits: B.nG.description, value: bit(f.nG), linux: "PTE_NG"))
            if f.kind == .block { rows.append(Row(name: "nT", bits: B.nT.description, value: bit(f.nT), linux: "")) }
            rows.append(Row(name: "GP", bits: B.gp.description, value: bit(f.gp), linux: "PTE_GP"))
            rows.append(Row(name: "DBM", bits: B.dbm.description, value: bit(f.dbm), linux: "PTE_DBM (PTE_WRITE)"))
            rows.append(Row(name: "Contiguous", bits: B.contiguous.description, value: bit(f.contiguous), linux: "PTE_CONT"))
            rows.append(Row(name: "PXN", bits: B.pxn.description, value: bit(f.pxn), linux: "PTE_PXN"))
            rows.append(Row(name: "UXN", bits: B.uxn.description, value: bit(f.uxn), linux: "PTE_UXN"))
            rows.append(Row(name: "SW", bits: B.software.description, value: binary(UInt64(f.software), width: 4),
                            linux: "software: PTE_DIRTY [55], PTE_SPECIAL [56]"))
            rows.append(Row(name: "PBHA", bits: B.pbha.description, value: String(f.pbha), linux: ""))
        }
        if f.ignored != 0 { rows.append(Row(name: "IGNORED", bits: "", value: Hex.short(f.ignored), linux: "")) }
        if f.res0 != 0 { rows.append(Row(name: "RES0", bits: "", value: Hex.short(f.res0), linux: "")) }

        var out = "\(Hex.format(raw))  \(format.granule) \(level): \(f.kind.rawValue)"
        if format.ds { out += " (DS=1)" }
        // Wide enough for "[51:48] in [15:12]" when a high-address row is shown.
        let bitsWidth = max(16, (rows.map(\.bits.count).max() ?? 0) + 1)
        for r in rows {
            let line = "  " + pad(r.name, 11) + pad(r.bits, bitsWidth) + pad(r.value, 40) + r.linux
            out += "\n"
            out += droppingTrailingSpaces(line)
        }
        let problems = Descriptor(rawValue: raw).problems(at: level, format: format)
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
