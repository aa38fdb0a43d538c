import ArgumentParser
import VMSA
import VMSAJSON

struct EncodeCommand: VMSASubcommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a stage-1 descriptor from its fields.",
        discussion: """
            With --json, reads JSON Lines with the keys `vmsa decode --json` prints and prints one raw
            value per line, so `vmsa decode --json … | vmsa encode --json` gives back the input.
            A result with architectural problems (illegal block level, misaligned output address, …)
            is refused with exit status 65 unless --force is given, or unless the JSON input lists
            exactly those problems in "problems" (as decode --json does), so that any decoded value
            round-trips; the problems are then printed as warnings.
            """)

    @OptionGroup var format: FormatOptions

    @Flag(help: "Read JSON Lines descriptors from standard input.")
    var json = false

    @Flag(help: "Print the value even when it has architectural problems.")
    var force = false

    @Option(help: "The descriptor kind.")
    var kind: DescriptorKind = .page

    @Option(name: [.customLong("oa"), .customLong("output-address")], help: "Output address of a block or page.")
    var outputAddress: String?

    @Option(name: .customLong("next-table"), help: "Next-level table address of a table descriptor.")
    var nextTable: String?

    @Option(name: .customLong("attr-indx"), help: "AttrIndx, 0 to 7.") var attrIndx: Int = 0
    @Option(help: "AP[2:1], 0 to 3: 0 EL1 RW, 1 EL1+EL0 RW, 2 EL1 RO, 3 EL1+EL0 RO.") var ap: Int = 0
    @Option(help: "SH[1:0], 0 to 3: 0 non-shareable, 2 outer, 3 inner.") var sh: Int = 0
    @Option(help: "Software bits [58:55], 0 to 15.") var software: Int = 0
    @Option(help: "PBHA [62:59], 0 to 15.") var pbha: Int = 0
    @Option(name: .customLong("ap-table"), help: "APTable, 0 to 3.") var apTable: Int = 0
    @Flag(help: "NS [5].") var ns = false
    @Flag(help: "AF [10].") var af = false
    @Flag(help: "nG [11].") var ng = false
    @Flag(help: "nT [16] (blocks).") var nt = false
    @Flag(help: "GP [50].") var gp = false
    @Flag(help: "DBM [51].") var dbm = false
    @Flag(help: "Contiguous [52].") var contiguous = false
    @Flag(help: "PXN [53].") var pxn = false
    @Flag(help: "UXN [54].") var uxn = false
    @Flag(name: .customLong("pxn-table"), help: "PXNTable [59].") var pxnTable = false
    @Flag(name: .customLong("uxn-table"), help: "UXNTable [60].") var uxnTable = false
    @Flag(name: .customLong("ns-table"), help: "NSTable [63].") var nsTable = false

    func execute() throws {
        if json {
            try InputValues.jsonLines { r in
                let (fields, level, format, acknowledged) = try DescriptorJSON.fields(&r, defaults: format)
                Output.line(Hex.format(try encode(fields, level: level, format: format, acknowledged: acknowledged)))
            }
        } else {
            let (format, level) = try format.resolved()
            Output.line(Hex.format(try encode(try fieldsFromOptions(format: format), level: level, format: format)))
        }
    }

    /// Encodes and checks the result. A value with problems is refused unless
    /// --force is given or the input listed exactly those problems (as
    /// `decode --json` does), in which case they become warnings.
    private func encode(_ fields: DescriptorFields, level: Level, format: DescriptorFormat,
                        acknowledged: [String] = []) throws -> UInt64 {
        try fields.validate(level: level, format: format)
        let raw = fields.encode(format: format)
        let problems = Descriptor(rawValue: raw).problems(at: level, format: format)
        if !problems.isEmpty, force || problems.map(\.description) == acknowledged {
            for p in problems { Output.warning("\(Hex.format(raw)): \(p)") }
        } else if let first = problems.first {
            throw CLIError(.dataError, "\(Hex.format(raw)) at \(level) has a problem: \(first) (use --force to print it anyway)")
        }
        return raw
    }

    private func fieldsFromOptions(format: DescriptorFormat) throws -> DescriptorFields {
        func ranged(_ name: String, _ v: Int, _ max: Int) throws -> Int {
            guard (0...max).contains(v) else { throw CLIError(.usage, "--\(name) \(v) is out of range; expected 0 to \(max)") }
            return v
        }
        var f = DescriptorFields(kind: kind)
        switch kind {
        case .invalid, .reserved:
            break
        case .table:
            guard let nextTable else { throw CLIError(.usage, "a table descriptor needs --next-table") }
            f.nextTable = try InputValues.uint64(nextTable, what: "next-table address")
            f.pxnTable = pxnTable
            f.uxnTable = uxnTable
            f.apTable = TableAccessPermissions(rawValue: UInt64(try ranged("ap-table", apTable, 3)))!
            f.nsTable = nsTable
        case .block, .page:
            guard let outputAddress else { throw CLIError(.usage, "a \(kind.rawValue) descriptor needs --oa") }
            f.outputAddress = try InputValues.uint64(outputAddress, what: "output address")
            f.attrIndx = UInt8(try ranged("attr-indx", attrIndx, 7))
            f.ns = ns
            f.ap = AccessPermissions(rawValue: UInt64(try ranged("ap", ap, 3)))!
            f.sh = Shareability(rawValue: UInt64(try ranged("sh", sh, 3)))!
            f.af = af
            f.nG = ng
            f.nT = nt
            f.gp = gp
            f.dbm = dbm
            f.contiguous = contiguous
            f.pxn = pxn
            f.uxn = uxn
            f.software = UInt8(try ranged("software", software, 15))
            f.pbha = UInt8(try ranged("pbha", pbha, 15))
        }
        return f
    }
}
