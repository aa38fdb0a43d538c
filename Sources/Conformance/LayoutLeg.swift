import CShims
import Foundation
import VMSA
import VMSATables

/// The layout leg: the AArch64 table builder (asm/layout_probe.S) under
/// qemu-aarch64 populates tables for the same ordered requests as vmsa's
/// `TableImage(layout:)`; its TTBRs and table memory must be byte-identical.
package enum LayoutLeg {
    static let timeLimit = 120.0

    /// Builds `layout` both ways and compares. One probe per request.
    public static func check(_ layout: Layout, image: TableImage, toolchain: ProbeToolchain) throws(ConformanceError) -> LegResult {
        let start = Date()
        let (ttbr0, ttbr1, bytes) = try run(layout, image: image, toolchain: toolchain)
        var result = LegResult(leg: .layout)
        let mismatches = compare(image, ttbr0: ttbr0, ttbr1: ttbr1, bytes: bytes)
        let requests = layout.mappings.count + layout.tables.count
        // The image is one result: every request passes, or the differences
        // are charged to the run (reported word by word).
        result.probes = requests
        if mismatches.isEmpty {
            result.passed = requests
        } else {
            result.failed = requests
            result.mismatches = Array(mismatches.prefix(LegResult.mismatchLimit))
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    /// The probe's TTBR0, TTBR1 and table memory for `layout`.
    static func run(_ layout: Layout, image: TableImage, toolchain: ProbeToolchain) throws(ConformanceError) -> (UInt64, UInt64, [UInt8]) {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let requests = records(layout)
        // The pool is what vmsa used plus room for a table per request and level
        // more, so that a probe that allocates differently shows as a difference.
        let levels = UInt64(Level.allLevels.count)
        let slack = UInt64(requests.count + 8) * Granule.k64.pageSize * levels
        var input = ProbeInput(leg: .layout, tcr: image.tcr, mair: image.mair, ttbr0: image.ttbr0, ttbr1: image.ttbr1,
                               tablesBase: image.tablesBase, tablesSize: image.tablesSize &+ slack, recordCount: requests.count)
        for r in requests { input.append(r) }
        try input.write(to: scratch.file("in"))
        let (status, stderr) = try ProbeProcess(executable: toolchain.qemuUser, arguments: [toolchain.layoutProbe],
                                                standardInput: scratch.file("in"), standardOutput: scratch.file("out"),
                                                timeLimit: timeLimit).run()
        guard status == 0 else {
            throw .probeFailed(leg: .layout, status: status, detail: stderr.isEmpty ? runStatusText(status) : stderr)
        }
        let output = try ProbeOutput(path: scratch.file("out"), leg: .layout)
        guard Int(output.header.table_bytes) == output.payload.count else {
            throw .malformedOutput(leg: .layout, reason: "the header announces \(output.header.table_bytes) table bytes, the file holds \(output.payload.count)")
        }
        return (output.header.ttbr0, output.header.ttbr1, output.payload)
    }

    static func runStatusText(_ status: Int32) -> String {
        switch status {
        case VMSA_RUN_POOL_EXHAUSTED: "the table pool was exhausted"
        case VMSA_RUN_BAD_REQUEST: "a request it could not map (overlap or no table on the walk)"
        case VMSA_RUN_BAD_INPUT: "bad input header"
        default: ""
        }
    }

    /// The layout's requests in the probe ABI: mappings, then table attributes.
    static func records(_ layout: Layout) -> [vmsa_map_request] {
        var out: [vmsa_map_request] = []
        for m in layout.mappings {
            var r = vmsa_map_request()
            r.va = m.va.rawValue
            r.pa = m.pa.rawValue
            r.size = m.size
            r.op = UInt8(VMSA_OP_MAP)
            switch m.leaf {
            case .auto: r.leaf = UInt8(VMSA_LEAF_AUTO)
            case .pages: r.leaf = UInt8(VMSA_LEAF_PAGES)
            case .noContiguous: r.leaf = UInt8(VMSA_LEAF_NO_CONTIGUOUS)
            }
            let a = m.attributes
            r.attr_indx = UInt8(a.attrIndx)
            r.ap = UInt8(a.ap.rawValue)
            r.sh = UInt8(a.sh.rawValue)
            r.af = a.af ? 1 : 0
            r.ng = a.ng ? 1 : 0
            r.pxn = a.pxn ? 1 : 0
            r.uxn = a.uxn ? 1 : 0
            r.ns = a.ns ? 1 : 0
            r.gp = a.gp ? 1 : 0
            r.dbm = a.dbm ? 1 : 0
            out.append(r)
        }
        for t in layout.tables {
            var r = vmsa_map_request()
            r.va = t.va.rawValue
            r.op = UInt8(VMSA_OP_TABLE_ATTRIBUTES)
            r.level = Int8(t.level.rawValue)
            r.ap_table = UInt8(t.attributes.apTable.rawValue)
            r.pxn_table = t.attributes.pxnTable ? 1 : 0
            r.uxn_table = t.attributes.uxnTable ? 1 : 0
            r.ns_table = t.attributes.nsTable ? 1 : 0
            out.append(r)
        }
        return out
    }

    /// Differences between vmsa's image and the probe's, word by word.
    static func compare(_ image: TableImage, ttbr0: UInt64, ttbr1: UInt64, bytes: [UInt8]) -> [Mismatch] {
        var found: [Mismatch] = []
        for (name, mine, theirs) in [("TTBR0_EL1", image.ttbr0.rawValue, ttbr0), ("TTBR1_EL1", image.ttbr1.rawValue, ttbr1)] where mine != theirs {
            found.append(Mismatch(leg: .layout, va: 0, check: name, vmsa: Hex.format(mine), probe: Hex.format(theirs), walk: []))
        }
        let ours = image.tableBytes()
        if ours.count != bytes.count {
            found.append(Mismatch(leg: .layout, va: 0, check: "table memory size", vmsa: "\(ours.count) bytes",
                                  probe: "\(bytes.count) bytes", walk: []))
        }
        let words = min(ours.count, bytes.count) / 8
        func word(_ b: [UInt8], _ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[i * 8 + $1]) << (8 * UInt64($1)) } }
        for i in 0..<words {
            let a = word(ours, i), b = word(bytes, i)
            if a != b {
                let pa = image.tablesBase &+ UInt64(i) &* 8
                found.append(Mismatch(leg: .layout, va: 0, check: "table word at PA \(Hex.format(pa, digits: 12))",
                                      vmsa: Descriptor(rawValue: a).description, probe: Descriptor(rawValue: b).description, walk: []))
                if found.count >= LegResult.mismatchLimit { break }
            }
        }
        return found
    }
}
