/// Every field of a descriptor, decoded. `encode` gives back the raw word
/// bit for bit for any value `init(decoding:)` produced, including invalid
/// and reserved encodings: bits with no field travel in `ignored` and `res0`.
public struct DescriptorFields: Hashable, Sendable {
    /// Descriptor type at its level: invalid, table, block, page or reserved.
    public var kind: DescriptorKind

    // Blocks and pages.
    /// OA: the output address of a block or page, as a byte address (bits [47:n] plus the
    /// high OA bits of FEAT_LPA or DS=1).
    public var outputAddress: UInt64 = 0
    /// AttrIndx[2:0], bits [4:2]: index of the MAIR_EL1 attribute field (Linux PTE_ATTRINDX).
    public var attrIndx: UInt8 = 0
    /// AP[2:1], bits [7:6]: data access permissions.
    public var ap: AccessPermissions = .privilegedReadWrite
    /// Absent (and ignored) with TCR_EL1.DS=1.
    public var sh: Shareability = .nonShareable
    /// Bits [58:55], reserved for software use (Linux PTE_DIRTY, PTE_SPECIAL, …).
    public var software: UInt8 = 0
    /// PBHA[3:0], bits [62:59]: page-based hardware attributes.
    public var pbha: UInt8 = 0

    // Tables.
    /// The next-level table address of a table descriptor, as a byte address.
    public var nextTable: UInt64 = 0
    /// APTable[1:0], bits [62:61]: access limits on the levels below.
    public var apTable: TableAccessPermissions = .noEffect

    /// Every single-bit attribute, at its descriptor position.
    /// No default value: a default is a call to its initialiser expression
    /// in every `init`, which the decode's hot path cannot afford.
    public var flags: DescriptorFlags

    /// Bits in IGNORED positions, in place.
    public var ignored: UInt64 = 0
    /// RES0 bits that are set, in place.
    public var res0: UInt64 = 0

    /// NS, bit 5 (Linux PTE_NS).
    @inlinable public var ns: Bool { get { flags.contains(.ns) } set { flags.set(.ns, newValue) } }
    /// AF, bit 10: the Access flag (Linux PTE_AF).
    @inlinable public var af: Bool { get { flags.contains(.af) } set { flags.set(.af, newValue) } }
    /// nG, bit 11: not global, the translation is tagged with the ASID (Linux PTE_NG).
    @inlinable public var nG: Bool { get { flags.contains(.nG) } set { flags.set(.nG, newValue) } }
    /// Blocks only.
    @inlinable public var nT: Bool { get { flags.contains(.nT) } set { flags.set(.nT, newValue) } }
    /// GP, bit 50: guarded page, FEAT_BTI (Linux PTE_GP).
    @inlinable public var gp: Bool { get { flags.contains(.gp) } set { flags.set(.gp, newValue) } }
    /// DBM, bit 51: dirty bit modifier, FEAT_HAFDBS (Linux PTE_DBM).
    @inlinable public var dbm: Bool { get { flags.contains(.dbm) } set { flags.set(.dbm, newValue) } }
    /// Contiguous, bit 52: one of a run of adjacent aligned entries (Linux PTE_CONT).
    @inlinable public var contiguous: Bool {
        get { flags.contains(.contiguous) } set { flags.set(.contiguous, newValue) }
    }
    /// PXN, bit 53: privileged execute-never (Linux PTE_PXN).
    @inlinable public var pxn: Bool { get { flags.contains(.pxn) } set { flags.set(.pxn, newValue) } }
    /// UXN (XN), bit 54: unprivileged execute-never (Linux PTE_UXN).
    @inlinable public var uxn: Bool { get { flags.contains(.uxn) } set { flags.set(.uxn, newValue) } }
    /// PXNTable, bit 59 of a table descriptor (Linux PMD_TABLE_PXN).
    @inlinable public var pxnTable: Bool { get { flags.contains(.pxnTable) } set { flags.set(.pxnTable, newValue) } }
    /// UXNTable (XNTable), bit 60 of a table descriptor (Linux PMD_TABLE_UXN).
    @inlinable public var uxnTable: Bool { get { flags.contains(.uxnTable) } set { flags.set(.uxnTable, newValue) } }
    /// NSTable, bit 63 of a table descriptor.
    @inlinable public var nsTable: Bool { get { flags.contains(.nsTable) } set { flags.set(.nsTable, newValue) } }

    /// Fields of a `kind` descriptor with every other field zero.
    @inlinable
    public init(kind: DescriptorKind) {
        self.kind = kind
        flags = DescriptorFlags(rawValue: 0)
    }

    /// Decodes every field of `raw` at `level` in `format`. Always inlined:
    /// an outlined call returns the whole struct through memory, which costs
    /// more than the decode itself.
    @inlinable @inline(__always)
    public init(decoding raw: UInt64, level: Level, format: DescriptorFormat) {
        let d = Descriptor(rawValue: raw)
        kind = d.kind(at: level)
        flags = DescriptorFlags(rawValue: 0)
        typealias B = Descriptor.Bits
        switch kind {
        case .invalid:
            ignored = raw & ~B.valid.mask
        case .reserved:
            ignored = raw & ~B.type.mask
        case .table:
            nextTable = format.address(of: raw)
            apTable = TableAccessPermissions(rawValue: d[B.apTable])!
            flags = DescriptorFlags(rawValue: raw & DescriptorFlags.table.rawValue)
            ignored = raw & kind.ignoredMask(format: format)
            res0 = raw & format.tableRes0Mask
        case .block, .page:
            let leafFlags = kind == .block ? DescriptorFlags.leaf.union(.nT) : DescriptorFlags.leaf
            outputAddress = d.outputAddress(at: level, format: format)
            attrIndx = UInt8(truncatingIfNeeded: d[B.attrIndx])
            ap = AccessPermissions(rawValue: d[B.ap])!
            if format.descriptorHasShareability { sh = Shareability(rawValue: d[B.sh])! }
            software = UInt8(truncatingIfNeeded: d[B.software])
            pbha = UInt8(truncatingIfNeeded: d[B.pbha])
            flags = DescriptorFlags(rawValue: raw & leafFlags.rawValue)
            ignored = raw & B.leafIgnored.mask
            res0 = raw & format.res0Mask(kind, at: level)
        }
    }

    /// The raw word. Field values beyond their width are dropped; call
    /// `validate` first on fields that came from outside. Always inlined,
    /// for the same reason as `init(decoding:level:format:)`.
    @inlinable @inline(__always)
    public func encode(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        // An if-chain, not a switch: a jump table on the kind costs an
        // indirect branch, which predicts worse than these compares.
        if kind == .reserved { return (ignored & ~B.type.mask) | Descriptor.TypeBits.block }
        if kind == .table {
            return format.inserting(address: nextTable, into: Descriptor.TypeBits.tableOrPage)
                | (flags.rawValue & DescriptorFlags.table.rawValue)
                | B.apTable.inserting(apTable.rawValue, into: 0)
                | ignored | res0
        }
        if kind == .invalid { return ignored & ~B.valid.mask }
        let isBlock = kind == .block
        var raw = format.inserting(
            address: outputAddress, into: isBlock ? Descriptor.TypeBits.block : Descriptor.TypeBits.tableOrPage)
        raw |= flags.rawValue & (isBlock ? DescriptorFlags.leaf.union(.nT) : DescriptorFlags.leaf).rawValue
        raw |= B.attrIndx.inserting(UInt64(attrIndx), into: 0) | B.ap.inserting(ap.rawValue, into: 0)
        if format.descriptorHasShareability { raw |= B.sh.inserting(sh.rawValue, into: 0) }
        raw |= B.software.inserting(UInt64(software), into: 0) | B.pbha.inserting(UInt64(pbha), into: 0)
        return raw | ignored | res0
    }

    /// Checks that every field fits and that addresses can be expressed, so
    /// that `encode` drops nothing. Architectural problems of the result
    /// (illegal block level, misalignment, …) are `Descriptor.problems`.
    /// `extraRes0` widens the RES0 bits `res0` may carry (a regime's own).
    public func validate(level: Level, format: DescriptorFormat, extraRes0: UInt64 = 0) throws(VMSAError) {
        typealias B = Descriptor.Bits
        func check(_ name: String, _ value: UInt64, _ field: BitField) throws(VMSAError) {
            guard field.fits(value) else { throw .fieldOutOfRange(name: name, value: value, max: field.maxValue) }
        }
        try kind.validatePlacement(level: level, format: format, address: kind == .table ? nextTable : outputAddress)
        switch kind {
        case .invalid, .reserved:
            // Invalid and reserved encodings have no RES0 bits.
            try kind.validateSpareBits(ignored: ignored, res0: 0, format: format, res0Mask: 0)
            return
        case .table:
            if !flags.isSubset(of: .table) {
                throw .fieldOutOfRange(name: "table flags", value: flags.rawValue, max: DescriptorFlags.table.rawValue)
            }
        case .block, .page:
            if kind == .page, flags.contains(.nT) { throw .nTOnlyInBlocks(kind) }
            let allowed = kind == .block ? DescriptorFlags.leaf.union(.nT) : DescriptorFlags.leaf
            if !flags.isSubset(of: allowed) {
                throw .fieldOutOfRange(name: "\(kind.rawValue) flags", value: flags.rawValue, max: allowed.rawValue)
            }
            try check("attrIndx", UInt64(attrIndx), B.attrIndx)
            try check("software", UInt64(software), B.software)
            try check("pbha", UInt64(pbha), B.pbha)
        }
        try kind.validateSpareBits(ignored: ignored, res0: res0, format: format, res0Mask: format.res0Mask(kind, at: level) | extraRes0)
    }
}
