/// A stage-2 (IPA to PA) descriptor, decoded. The type bits, the address
/// layout (`DescriptorFormat`, with VTCR_EL2.DS) and the table/block/page
/// kinds are stage 1's; the attributes differ (Arm ARM D8.3.2, Linux
/// kvm_pgtable.c KVM_PTE_LEAF_ATTR_*_S2_*). `encode` gives back the raw word
/// for any value `init(decoding:)` produced.
public struct Stage2Fields: Hashable, Sendable {
    /// Every stage-2 attribute field, with its Arm ARM name and position.
    public enum Bits {
        /// MemAttr[3:0], [5:2] (KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR).
        @inlinable public static var memAttr: BitField { BitField(5, 2) }
        /// S2AP[1:0], [7:6] (KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R [6], _W [7]).
        @inlinable public static var s2ap: BitField { BitField(7, 6) }
        /// XN[1:0], [54:53] (KVM_PTE_LEAF_ATTR_HI_S2_XN).
        @inlinable public static var xn: BitField { BitField(54, 53) }
        /// XN[0], [53]: RES0 without FEAT_XNX.
        @inlinable public static var xnZero: BitField { BitField(bit: 53) }
        /// Bits that are RES0 in a stage-2 block or page: [11] (FnXS with
        /// FEAT_XS, not modelled) and [50] (GP is stage 1 only).
        @inlinable public static var leafRes0: UInt64 { BitField(bit: 11).mask | BitField(bit: 50).mask }
        /// [63:59] of a stage-2 table: RES0 (no NSTable, APTable, XNTable,
        /// PXNTable at stage 2).
        @inlinable public static var tableRes0: BitField { BitField(63, 59) }
    }

    /// What the type bits [1:0] and the level make of the word.
    public var kind: DescriptorKind

    // Blocks and pages.
    /// OA: the output (physical) address of a block or page.
    public var outputAddress: UInt64 = 0
    /// MemAttr[3:0], bits [5:2]: read through `memoryAttributes(_:)`.
    public var memAttr: UInt8 = 0
    /// S2AP[1:0], bits [7:6]: stage-2 read and write permission.
    public var s2ap: Stage2AccessPermissions = .none
    /// Absent (and ignored) with VTCR_EL2.DS=1.
    public var sh: Shareability = .nonShareable
    /// AF, bit [10]: Access flag.
    public var af = false
    /// Blocks only (FEAT_BBM).
    public var nT = false
    /// DBM, bit [51]: dirty bit modifier.
    public var dbm = false
    /// Contiguous, bit [52].
    public var contiguous = false
    /// XN[1:0], bits [54:53]: stage-2 execute-never.
    public var xn: Stage2ExecuteNever = .executable
    /// Bits [58:55], reserved for software use.
    public var software: UInt8 = 0
    /// PBHA[3:0], bits [62:59]: page-based hardware attributes.
    public var pbha: UInt8 = 0

    // Tables.
    /// The next-level table address of a table descriptor.
    public var nextTable: UInt64 = 0

    /// Bits in IGNORED positions, in place.
    public var ignored: UInt64 = 0
    /// RES0 bits that are set, in place.
    public var res0: UInt64 = 0

    /// Fields of `kind`, every attribute zero.
    public init(kind: DescriptorKind) { self.kind = kind }

    /// RES0 bits of a stage-2 `kind` descriptor at `level`.
    public static func res0Mask(_ kind: DescriptorKind, at level: Level, format: DescriptorFormat) -> UInt64 {
        switch kind {
        case .invalid, .reserved: 0
        case .table: format.tableRes0Mask | Bits.tableRes0.mask
        case .block, .page: format.res0Mask(kind, at: level) | Bits.leafRes0
        }
    }

    /// Decodes a raw stage-2 descriptor at `level`, keeping IGNORED and set RES0 bits in place.
    public init(decoding raw: UInt64, level: Level, format: DescriptorFormat) {
        typealias B = Descriptor.Bits
        let d = Descriptor(rawValue: raw)
        kind = d.kind(at: level)
        res0 = raw & Self.res0Mask(kind, at: level, format: format)
        ignored = raw & kind.ignoredMask(format: format)
        switch kind {
        case .invalid, .reserved:
            break
        case .table:
            nextTable = format.address(of: raw)
        case .block, .page:
            outputAddress = d.outputAddress(at: level, format: format)
            memAttr = UInt8(truncatingIfNeeded: Bits.memAttr.extract(raw))
            s2ap = Stage2AccessPermissions(rawValue: Bits.s2ap.extract(raw))!
            if format.descriptorHasShareability { sh = Shareability(rawValue: B.sh.extract(raw))! }
            af = B.af.isSet(raw)
            nT = kind == .block && B.nT.isSet(raw)
            dbm = B.dbm.isSet(raw)
            contiguous = B.contiguous.isSet(raw)
            xn = Stage2ExecuteNever(rawValue: Bits.xn.extract(raw))!
            software = UInt8(truncatingIfNeeded: B.software.extract(raw))
            pbha = UInt8(truncatingIfNeeded: B.pbha.extract(raw))
        }
    }

    /// The raw word; call `validate` first on fields from outside.
    public func encode(format: DescriptorFormat) -> UInt64 {
        typealias B = Descriptor.Bits
        switch kind {
        case .invalid:
            return ignored & ~B.valid.mask
        case .reserved:
            return (ignored & ~B.type.mask) | Descriptor.TypeBits.block
        case .table:
            return format.inserting(address: nextTable, into: Descriptor.TypeBits.tableOrPage) | ignored | res0
        case .block, .page:
            var raw = format.inserting(address: outputAddress,
                                       into: kind == .block ? Descriptor.TypeBits.block : Descriptor.TypeBits.tableOrPage)
            raw |= Bits.memAttr.inserting(UInt64(memAttr), into: 0) | Bits.s2ap.inserting(s2ap.rawValue, into: 0)
            if format.descriptorHasShareability { raw |= B.sh.inserting(sh.rawValue, into: 0) }
            raw |= B.af.bits(af) | B.nT.bits(kind == .block && nT) | B.dbm.bits(dbm) | B.contiguous.bits(contiguous)
            raw |= Bits.xn.inserting(xn.rawValue, into: 0)
            raw |= B.software.inserting(UInt64(software), into: 0) | B.pbha.inserting(UInt64(pbha), into: 0)
            return raw | ignored | res0
        }
    }

    /// Checks that every field fits and every address can be expressed, so
    /// that `encode` drops nothing (the same contract as stage 1).
    public func validate(level: Level, format: DescriptorFormat) throws(VMSAError) {
        typealias B = Descriptor.Bits
        func check(_ name: String, _ value: UInt64, _ field: BitField) throws(VMSAError) {
            guard field.fits(value) else { throw .fieldOutOfRange(name: name, value: value, max: field.maxValue) }
        }
        try kind.validatePlacement(level: level, format: format, address: kind == .table ? nextTable : outputAddress)
        if kind == .page, nT { throw .nTOnlyInBlocks(kind) }
        if kind.isLeaf {
            try check("memAttr", UInt64(memAttr), Bits.memAttr)
            try check("software", UInt64(software), B.software)
            try check("pbha", UInt64(pbha), B.pbha)
        }
        try kind.validateSpareBits(ignored: ignored, res0: res0, format: format, res0Mask: Self.res0Mask(kind, at: level, format: format))
    }

    /// The memory attributes MemAttr gives in the reading `features` selects.
    public func memoryAttributes(_ features: Stage2Features) -> Stage2MemoryAttributes {
        Stage2MemoryAttributes(memAttr: memAttr, fwb: features.fwb)
    }
}

extension Descriptor {
    /// Every problem of this value as a stage-2 descriptor: those every
    /// descriptor can have (reserved type, illegal block, RES0, address
    /// size), a MemAttr the reading reserves, MemAttr[3] with FWB=1 and
    /// XN[0] without FEAT_XNX.
    public func stage2Problems(at level: Level, format: DescriptorFormat, features: Stage2Features) -> [DescriptorProblem] {
        let kind = kind(at: level)
        var found = structuralProblems(at: level, format: format, res0Mask: Stage2Fields.res0Mask(kind, at: level, format: format))
        guard kind.isLeaf else { return found }
        let memAttr = UInt8(truncatingIfNeeded: Stage2Fields.Bits.memAttr.extract(rawValue))
        let reading = Stage2MemoryAttributes.readingName(fwb: features.fwb)
        if features.fwb, Stage2MemoryAttributes.fwbRes0.isSet(UInt64(memAttr)) {
            let bit = Stage2Fields.Bits.memAttr.lsb + Stage2MemoryAttributes.fwbRes0.lsb
            found.append(.fieldRes0(name: "MemAttr[3]", bits: BitField(bit: bit), context: "with \(reading)"))
        } else if Stage2MemoryAttributes(memAttr: memAttr, fwb: features.fwb).isReserved {
            found.append(.reservedMemAttr(memAttr, reading: reading))
        }
        if !features.xnx, Stage2Fields.Bits.xnZero.isSet(rawValue) {
            found.append(.fieldRes0(name: "XN[0]", bits: Stage2Fields.Bits.xnZero, context: "without FEAT_XNX"))
        }
        return found
    }
}
