/// Every field of a descriptor, decoded. `encode` gives back the raw word
/// bit for bit for any value `init(decoding:)` produced, including invalid
/// and reserved encodings: bits with no field travel in `ignored` and `res0`.
public struct DescriptorFields: Hashable, Sendable {
    public var kind: DescriptorKind

    // Blocks and pages.
    public var outputAddress: UInt64 = 0
    public var attrIndx: UInt8 = 0
    public var ns = false
    public var ap: AccessPermissions = .privilegedReadWrite
    /// Absent (and ignored) with TCR_EL1.DS=1.
    public var sh: Shareability = .nonShareable
    public var af = false
    public var nG = false
    /// Blocks only.
    public var nT = false
    public var gp = false
    public var dbm = false
    public var contiguous = false
    public var pxn = false
    public var uxn = false
    public var software: UInt8 = 0
    public var pbha: UInt8 = 0

    // Tables.
    public var nextTable: UInt64 = 0
    public var pxnTable = false
    public var uxnTable = false
    public var apTable: TableAccessPermissions = .noEffect
    public var nsTable = false

    /// Bits in IGNORED positions, in place.
    public var ignored: UInt64 = 0
    /// RES0 bits that are set, in place.
    public var res0: UInt64 = 0

    @inlinable
    public init(kind: DescriptorKind) { self.kind = kind }

    /// Decodes every field of `raw` at `level` in `format`.
    @inlinable
    public init(decoding raw: UInt64, level: Level, format: DescriptorFormat) {
        let d = Descriptor(rawValue: raw)
        kind = d.kind(at: level)
        typealias B = Descriptor.Bits
        switch kind {
        case .invalid:
            ignored = raw & ~B.valid.mask
        case .reserved:
            ignored = raw & ~B.type.mask
        case .table:
            nextTable = format.address(of: raw)
            pxnTable = d[flag: B.pxnTable]
            uxnTable = d[flag: B.uxnTable]
            apTable = TableAccessPermissions(rawValue: d[B.apTable])!
            nsTable = d[flag: B.nsTable]
            var ignoredMask = B.tableIgnoredLow.mask | B.tableIgnoredHigh.mask
            if format.ds { ignoredMask &= ~B.oaHighLPA2.mask }
            ignored = raw & ignoredMask
            res0 = raw & format.tableRes0Mask
        case .block, .page:
            outputAddress = d.outputAddress(at: level, format: format)
            attrIndx = UInt8(truncatingIfNeeded: d[B.attrIndx])
            ns = d[flag: B.ns]
            ap = AccessPermissions(rawValue: d[B.ap])!
            if format.descriptorHasShareability { sh = Shareability(rawValue: d[B.sh])! }
            af = d[flag: B.af]
            nG = d[flag: B.nG]
            if kind == .block { nT = d[flag: B.nT] }
            gp = d[flag: B.gp]
            dbm = d[flag: B.dbm]
            contiguous = d[flag: B.contiguous]
            pxn = d[flag: B.pxn]
            uxn = d[flag: B.uxn]
            software = UInt8(truncatingIfNeeded: d[B.software])
            pbha = UInt8(truncatingIfNeeded: d[B.pbha])
            ignored = raw & B.leafIgnored.mask
            res0 = raw & format.res0Mask
        }
    }

    /// The raw word. Field values beyond their width are dropped; call
    /// `validate` first on fields that came from outside.
    @inlinable
    public func encode(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        var raw: UInt64
        switch kind {
        case .invalid:
            return ignored & ~B.valid.mask
        case .reserved:
            return (ignored & ~B.type.mask) | Descriptor.TypeBits.block
        case .table:
            raw = format.inserting(address: nextTable, into: Descriptor.TypeBits.tableOrPage)
            raw |= pxnTable ? B.pxnTable.mask : 0
            raw |= uxnTable ? B.uxnTable.mask : 0
            raw = B.apTable.inserting(apTable.rawValue, into: raw)
            raw |= nsTable ? B.nsTable.mask : 0
        case .block, .page:
            raw = format.inserting(address: outputAddress,
                                   into: kind == .page ? Descriptor.TypeBits.tableOrPage : Descriptor.TypeBits.block)
            raw = B.attrIndx.inserting(UInt64(attrIndx), into: raw)
            raw |= ns ? B.ns.mask : 0
            raw = B.ap.inserting(ap.rawValue, into: raw)
            if format.descriptorHasShareability { raw = B.sh.inserting(sh.rawValue, into: raw) }
            raw |= af ? B.af.mask : 0
            raw |= nG ? B.nG.mask : 0
            if kind == .block, nT { raw |= B.nT.mask }
            raw |= gp ? B.gp.mask : 0
            raw |= dbm ? B.dbm.mask : 0
            raw |= contiguous ? B.contiguous.mask : 0
            raw |= pxn ? B.pxn.mask : 0
            raw |= uxn ? B.uxn.mask : 0
            raw = B.software.inserting(UInt64(software), into: raw)
            raw = B.pbha.inserting(UInt64(pbha), into: raw)
        }
        return raw | ignored | res0
    }

    /// Checks that every field fits and that addresses can be expressed, so
    /// that `encode` drops nothing. Architectural problems of the result
    /// (illegal block level, misalignment, …) are `Descriptor.problems`.
    public func validate(level: Level, format: DescriptorFormat) throws(VMSAError) {
        typealias B = Descriptor.Bits
        func check(_ name: String, _ value: UInt64, _ field: BitField) throws(VMSAError) {
            guard field.fits(value) else { throw .fieldOutOfRange(name: name, value: value, max: field.maxValue) }
        }
        switch kind {
        case .invalid:
            if ignored & B.valid.mask != 0 { throw .fieldOutOfRange(name: "ignored", value: ignored, max: ~B.valid.mask) }
        case .reserved:
            guard level.isLast else { throw .kindNotAllowed(.reserved, level) }
            if ignored & B.type.mask != 0 { throw .fieldOutOfRange(name: "ignored", value: ignored, max: ~B.type.mask) }
        case .table:
            guard !level.isLast else { throw .kindNotAllowed(.table, level) }
            guard format.canHold(address: nextTable) else {
                throw .addressNotEncodable(name: "next-table address", value: nextTable, format: format)
            }
            var ignoredMask = B.tableIgnoredLow.mask | B.tableIgnoredHigh.mask
            if format.ds { ignoredMask &= ~B.oaHighLPA2.mask }
            if ignored & ~ignoredMask != 0 { throw .fieldOutOfRange(name: "ignored", value: ignored, max: ignoredMask) }
            if res0 & ~format.tableRes0Mask != 0 { throw .fieldOutOfRange(name: "res0", value: res0, max: format.tableRes0Mask) }
        case .block, .page:
            guard (kind == .page) == level.isLast else { throw .kindNotAllowed(kind, level) }
            guard format.canHold(address: outputAddress),
                  kind == .page || outputAddress & B.nT.mask == 0 else {
                throw .addressNotEncodable(name: "output address", value: outputAddress, format: format)
            }
            try check("attrIndx", UInt64(attrIndx), B.attrIndx)
            try check("software", UInt64(software), B.software)
            try check("pbha", UInt64(pbha), B.pbha)
            if ignored & ~B.leafIgnored.mask != 0 {
                throw .fieldOutOfRange(name: "ignored", value: ignored, max: B.leafIgnored.mask)
            }
            if res0 & ~format.res0Mask != 0 { throw .fieldOutOfRange(name: "res0", value: res0, max: format.res0Mask) }
        }
    }
}
