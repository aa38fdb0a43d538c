import VMSA

/// The human reading of a stage-2 descriptor, laid out as `DescriptorText`
/// lays out stage 1, with KVM's names (kvm_pgtable.c) where there are any.
enum Stage2Text {
    typealias Row = DescriptorText.Row

    static func render(raw: UInt64, level: Level, format: DescriptorFormat, features: Stage2Features) -> String {
        typealias B = Descriptor.Bits
        typealias S = Stage2Fields.Bits
        let bit = DescriptorText.bit, binary = DescriptorText.binary
        let f = Stage2Fields(decoding: raw, level: level, format: format)
        var rows: [Row] = []
        switch f.kind {
        case .invalid, .reserved:
            break
        case .table:
            rows += DescriptorText.addressRows(raw: raw, kind: .table, address: f.nextTable, level: level, format: format)
        case .block, .page:
            rows += DescriptorText.addressRows(raw: raw, kind: f.kind, address: f.outputAddress, level: level, format: format)
            rows.append(Row(name: "MemAttr", bits: S.memAttr.description,
                            value: binary(UInt64(f.memAttr), 4) + "  " + f.memoryAttributes(features).description,
                            linux: "KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR"))
            rows.append(Row(name: "S2AP", bits: S.s2ap.description, value: binary(f.s2ap.rawValue, 2) + "  " + f.s2ap.description,
                            linux: "S2AP_R=\(bit(f.s2ap.readable)) S2AP_W=\(bit(f.s2ap.writable))"))
            if format.descriptorHasShareability {
                rows.append(Row(name: "SH", bits: B.sh.description, value: binary(f.sh.rawValue, 2) + "  " + f.sh.description,
                                linux: "KVM_PTE_LEAF_ATTR_LO_S2_SH"))
            }
            rows.append(Row(name: "AF", bits: B.af.description, value: bit(f.af), linux: "KVM_PTE_LEAF_ATTR_LO_S2_AF"))
            if f.kind == .block { rows.append(Row(name: "nT", bits: B.nT.description, value: bit(f.nT), linux: "")) }
            rows.append(Row(name: "DBM", bits: B.dbm.description, value: bit(f.dbm), linux: ""))
            rows.append(Row(name: "Contiguous", bits: B.contiguous.description, value: bit(f.contiguous), linux: ""))
            rows.append(Row(name: "XN[1:0]", bits: S.xn.description, value: binary(f.xn.rawValue, 2) + "  " + f.xn.meaning(xnx: features.xnx),
                            linux: "KVM_PTE_LEAF_ATTR_HI_S2_XN"))
            rows.append(Row(name: "SW", bits: B.software.description, value: binary(UInt64(f.software), 4), linux: "KVM_PTE_LEAF_ATTR_HI_SW"))
            rows.append(Row(name: "PBHA", bits: B.pbha.description, value: String(f.pbha), linux: ""))
        }
        var heading = "\(format.granule) \(level): \(f.kind.rawValue)"
        if format.ds { heading += " (DS=1)" }
        heading += ", stage 2" + (features.fwb ? ", FWB=1" : "") + (features.xnx ? ", FEAT_XNX" : "")
        return DescriptorText.table(raw: raw, heading: heading, rows: rows, ignored: f.ignored, res0: f.res0,
                                    problems: Descriptor(rawValue: raw).stage2Problems(at: level, format: format, features: features))
    }
}
