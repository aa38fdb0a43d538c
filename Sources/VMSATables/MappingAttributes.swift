import VMSA

/// The attributes a mapping gives its leaves (blocks and pages), by their
/// Arm ARM names. The output address, descriptor type and Contiguous bit
/// are the builder's business.
public struct MappingAttributes: Hashable, Sendable {
    /// AttrIndx[2:0]: MAIR_EL1 attribute 0 to 7.
    public var attrIndx: Int
    /// AP[2:1].
    public var ap: AccessPermissions
    /// SH[1:0]; with DS=1 it must equal TCR_EL1.SHx (Inner Shareable).
    public var sh: Shareability
    /// AF, bit [10]: Access flag; clear, the first access faults (unless TCR_EL1.HA).
    public var af: Bool
    /// nG, bit [11]: not global, the TLB entry is tagged with the ASID.
    public var ng: Bool
    /// PXN, bit [53]: privileged execute-never.
    public var pxn: Bool
    /// UXN, bit [54]: unprivileged execute-never.
    public var uxn: Bool
    /// NS, bit [5]: Non-secure output address.
    public var ns: Bool
    /// GP (FEAT_BTI).
    public var gp: Bool
    /// DBM (FEAT_HAFDBS).
    public var dbm: Bool
    /// A stage-2 leaf's attributes; when set, the stage-1 fields above
    /// except `sh`, `af` and `dbm` are not used.
    public var stage2: Stage2MappingAttributes?

    /// Attributes by field; the defaults are AttrIndx 0, EL1 read/write, Inner Shareable, AF set, everything else clear.
    public init(attrIndx: Int = 0, ap: AccessPermissions = .privilegedReadWrite, sh: Shareability = .innerShareable,
                af: Bool = true, ng: Bool = false, pxn: Bool = false, uxn: Bool = false,
                ns: Bool = false, gp: Bool = false, dbm: Bool = false) {
        self.attrIndx = attrIndx
        self.ap = ap
        self.sh = sh
        self.af = af
        self.ng = ng
        self.pxn = pxn
        self.uxn = uxn
        self.ns = ns
        self.gp = gp
        self.dbm = dbm
    }

    /// The descriptor bits a leaf carries for these attributes in `format`
    /// (no type, address or Contiguous bits).
    @inline(__always)    // once per map call; inlined, it reads the fields in place
    public func bits(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        if let s2 = stage2 {
            typealias S = Stage2Fields.Bits
            var raw = S.memAttr.inserting(UInt64(s2.memAttr), into: 0)
            raw = S.s2ap.inserting(s2.s2ap.rawValue, into: raw)
            raw = S.xn.inserting(s2.xn.rawValue, into: raw)
            if format.descriptorHasShareability { raw = B.sh.inserting(sh.rawValue, into: raw) }
            if af { raw |= B.af.mask }
            if dbm { raw |= B.dbm.mask }
            return raw
        }
        var raw = B.attrIndx.inserting(UInt64(attrIndx), into: 0)
        raw = B.ap.inserting(ap.rawValue, into: raw)
        if format.descriptorHasShareability { raw = B.sh.inserting(sh.rawValue, into: raw) }
        if ns { raw |= B.ns.mask }
        if af { raw |= B.af.mask }
        if ng { raw |= B.nG.mask }
        if gp { raw |= B.gp.mask }
        if dbm { raw |= B.dbm.mask }
        if pxn { raw |= B.pxn.mask }
        if uxn { raw |= B.uxn.mask }
        return raw
    }

    /// Every descriptor bit `bits(format:)` can set: what `protect` replaces.
    package static func fieldMask(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        var mask = B.attrIndx.mask | B.ns.mask | B.ap.mask | B.af.mask | B.nG.mask
            | B.gp.mask | B.dbm.mask | B.pxn.mask | B.uxn.mask
        if format.descriptorHasShareability { mask |= B.sh.mask }
        return mask
    }

    /// Checks the fields that have a range, and that a one-level regime's
    /// leaf sets none of its RES0 bits (nG, PXN, NS) and AP[1] (RES1).
    @inline(__always)    // once per map call, like `bits`
    public func validate(format: DescriptorFormat, regime: TranslationRegimeKind = .el10) throws(BuildError) {
        if regime.apOneIsRES1 {
            if ng { throw .oneLevelAttribute(regime, "ng is RES0") }
            if pxn { throw .oneLevelAttribute(regime, "pxn is RES0 (the one XN is xn, bit 54)") }
            if ap.rawValue & AccessPermissions.readWrite.rawValue == 0 {
                throw .oneLevelAttribute(regime, "ap \(ap.rawValue) clears AP[1], which is RES1; expected 1 (read/write) or 3 (read-only)")
            }
        }
        // `case`, not `==`, on the String-backed kind: see `LeafPolicy.allowsBlocks`.
        let stage2Regime: Bool
        if case .s2 = regime { stage2Regime = true } else { stage2Regime = false }
        if stage2Regime != (stage2 != nil) {
            throw .oneLevelAttribute(regime, stage2Regime ? "a stage-1 mapping" : "a stage-2 mapping")
        }
        let indices = 0...(MAIR.attributeCount - 1)
        guard indices.contains(attrIndx) else { throw .attributeOutOfRange(name: "attrIndx", value: attrIndx, range: indices) }
        if format.ds, sh != RegimeConfiguration.walkShareability { throw .shareabilityWithDS(sh) }
    }
}

/// Which leaves a mapping may use.
public enum LeafPolicy: String, CaseIterable, Hashable, Sendable {
    /// The largest legal leaf: blocks where VA and PA are aligned to them,
    /// contiguous runs where VA and PA are aligned to the run, pages otherwise.
    case auto
    /// Level 3 pages only, no Contiguous bit.
    case pages
    /// Blocks and pages, never the Contiguous bit.
    case noContiguous = "no-contiguous"

    // Switches, not `==`: comparing a String-backed enum compares raw values
    // through an outlined call, once per table the builder visits.
    /// Whether blocks may be used (above level 3).
    @inline(__always)
    var allowsBlocks: Bool {
        switch self {
        case .pages: false
        case .auto, .noContiguous: true
        }
    }

    /// Whether contiguous runs get the Contiguous bit.
    @inline(__always)
    var setsContiguous: Bool {
        switch self {
        case .auto: true
        case .pages, .noContiguous: false
        }
    }
}

/// One mapping: `size` bytes from `va` to `pa` with `attributes`.
public struct MappingRequest: Hashable, Sendable {
    /// The first VA mapped.
    public var va: VirtualAddress
    /// The output address of `va`.
    public var pa: PhysicalAddress
    /// Bytes mapped, a multiple of the granule's page.
    public var size: UInt64
    /// The leaves' attributes.
    public var attributes: MappingAttributes
    /// Which leaf sizes the builder may use.
    public var leaf: LeafPolicy

    /// A mapping of `size` bytes from `va` to `pa`.
    public init(va: VirtualAddress, pa: PhysicalAddress, size: UInt64,
                attributes: MappingAttributes = MappingAttributes(), leaf: LeafPolicy = .auto) {
        self.va = va
        self.pa = pa
        self.size = size
        self.attributes = attributes
        self.leaf = leaf
    }

    /// The last VA mapped (the range may end at 2^64 - 1).
    public var lastVA: UInt64 { va.rawValue &+ (size &- 1) }
}

/// The hierarchical attributes of a table descriptor (bits [63:59]): limits
/// on everything mapped below it.
public struct TableAttributes: Hashable, Sendable {
    /// APTable[1:0], bits [62:61].
    public var apTable: TableAccessPermissions
    /// PXNTable, bit [59].
    public var pxnTable: Bool
    /// UXNTable (XNTable), bit [60].
    public var uxnTable: Bool
    /// NSTable, bit [63].
    public var nsTable: Bool

    /// Table attributes by field; the defaults limit nothing.
    public init(apTable: TableAccessPermissions = .noEffect, pxnTable: Bool = false, uxnTable: Bool = false, nsTable: Bool = false) {
        self.apTable = apTable
        self.pxnTable = pxnTable
        self.uxnTable = uxnTable
        self.nsTable = nsTable
    }

    /// Bits [63:59] of a table descriptor.
    public var bits: UInt64 {
        typealias B = Descriptor.Bits
        var raw = B.apTable.inserting(apTable.rawValue, into: 0)
        if pxnTable { raw |= B.pxnTable.mask }
        if uxnTable { raw |= B.uxnTable.mask }
        if nsTable { raw |= B.nsTable.mask }
        return raw
    }

    static var mask: UInt64 {
        typealias B = Descriptor.Bits
        return B.apTable.mask | B.pxnTable.mask | B.uxnTable.mask | B.nsTable.mask
    }
}

/// Hierarchical attributes for the table descriptor at `level` on the walk
/// of `va`.
public struct TableAttributeRequest: Hashable, Sendable {
    /// A VA whose walk passes the table descriptor.
    public var va: VirtualAddress
    /// The level of the table descriptor on that walk.
    public var level: Level
    /// The attributes to set on it.
    public var attributes: TableAttributes

    /// A request for the table descriptor at `level` on the walk of `va`.
    public init(va: VirtualAddress, level: Level, attributes: TableAttributes) {
        self.va = va
        self.level = level
        self.attributes = attributes
    }
}

/// The attributes only a stage-2 leaf has (SH, AF and DBM are shared with
/// stage 1 and stay in `MappingAttributes`).
public struct Stage2MappingAttributes: Hashable, Sendable {
    /// MemAttr[3:0] (descriptor [5:2]).
    public var memAttr: UInt8
    /// S2AP[1:0], bits [7:6]: stage-2 read and write permission.
    public var s2ap: Stage2AccessPermissions
    /// XN[1:0], bits [54:53]: stage-2 execute-never.
    public var xn: Stage2ExecuteNever

    /// Normal Write-Back memory (MemAttr 0b1111), read/write, executable.
    public init(memAttr: UInt8 = Stage2MappingAttributes.normalWriteBack, s2ap: Stage2AccessPermissions = .readWrite,
                xn: Stage2ExecuteNever = .executable) {
        self.memAttr = memAttr
        self.s2ap = s2ap
        self.xn = xn
    }

    /// MemAttr 0b1111: Normal, Inner and Outer Write-Back (FWB=0).
    public static let normalWriteBack: UInt8 = 0b1111
}
