import VMSA

extension TableImage {
    /// Translates `va` for an access of `access` from `el`, as the MMU's
    /// stage-1 walk of the EL1&0 regime does (Arm ARM `AArch64.S1Translate`,
    /// `AArch64.S1Walk`; QEMU `get_phys_addr_lpae` agrees except for its
    /// documented deviations). In order:
    /// 1. TTBR selection and the VA range check (TBIx decides which top bits
    ///    count, for data only with TBIDx=1); EPDx=1, or E0PDx=1 for EL0:
    ///    translation fault, level 0.
    /// 2. TTBR base beyond the output size: address size fault, level 0.
    /// 3. Per level: invalid entry, 0b01 at level 3, or a block at a level
    ///    where the granule has none: translation fault at that level; a
    ///    next-table or output address beyond the output size: address size
    ///    fault at that level. Table entries gather APTable, PXNTable and
    ///    UXNTable unless HPDx=1.
    /// 4. AF=0 with TCR_EL1.HA=0: access flag fault at the leaf's level.
    /// 5. Permissions (AP after APTable, PXN/UXN after the table bits, and
    ///    EL0-writable never privileged-executable): permission fault at the
    ///    leaf's level; with PSTATE.PAN (and SCTLR_EL1.EPAN) as captured
    ///    in the image's state unless `pan` says otherwise. SCTLR_EL1.WXN=0
    ///    is assumed.
    /// A table the memory does not hold ends the walk as `notCaptured` at
    /// the level that needed it. This is the image's own regime alone: an
    /// image with a stage 2 is translated through both by `twoStage`
    /// (`TwoStageRegime.translate`, or `translateStage1` for the IPA).
    @inlinable @inline(__always)
    public func translate(_ va: VirtualAddress, access: AccessKind, el: ExceptionLevel,
                          pan: PrivilegedAccessNever? = nil) -> Result<Translation, TranslationFault> {
        regime.translate(va, access: access, el: el, pan: pan ?? PrivilegedAccessNever(state), in: self)
    }
}

extension TranslationRegime {
    /// Translates `va` through the tables in `memory` (see
    /// `TableImage.translate`): the one walk core for a single address, in
    /// every stage-1 regime (the EL1&0 and EL2&0 rules, or one Exception
    /// level's for EL2 and EL3). A stage-2 regime's walk is `translateStage2`.
    // Always inlined: an outlined call returns the whole `Translation`
    // through memory, and its caller rarely reads all of it.
    @inlinable @inline(__always)
    public func translate<Memory: PhysicalMemory>(_ va: VirtualAddress, access: AccessKind, el: ExceptionLevel,
                                                  pan: PrivilegedAccessNever = .off, in memory: Memory) -> Result<Translation, TranslationFault> {
        let v = va.rawValue
        let upper = RegimeHalf.rangeSelectBit.isSet(v)
        let ttbr: TranslationTableBase = upper ? .ttbr1 : .ttbr0
        // Read in place: a copy of the parameters costs more than the walk.
        let p = upper ? walks.pointer1 : walks.pointer0
        if !el.isPrivileged, p.pointee.e0pd { return .failure(TranslationFault(kind: .translation, level: .zero)) }
        let leaf: WalkLeaf
        switch Self.walk(v, fetch: access.isFetch, w: p, in: memory) {
        case .success(let l): leaf = l
        case .failure(let f): return .failure(f)
        }
        let leafLevel = Level(uncheckedRawValue: leaf.level)
        let raw = leaf.raw
        // AF before the attributes: the fault needs none of them.
        if !Descriptor.Bits.af.isSet(raw), !p.pointee.hardwareAccessFlag {
            return .failure(TranslationFault(kind: .accessFlag, level: leafLevel))
        }
        let attributes = leafAttributes(raw, tableBits: leaf.tableBits, walk: p.pointee)
        // A write HD allows on a clean DBM page: the MMU makes it dirty
        // (clears AP[2] in the descriptor). The attributes stay those the
        // walk read, as the AT instructions and the probes report them.
        var dirtied = false
        let regimePAN = p.pointee.kind.hasTwoPrivilegeLevels ? pan : .off
        if !attributes.permits(access, from: el, pan: regimePAN) {
            guard Self.dirtyWritePermitted(raw, tableBits: leaf.tableBits, attributes, access, el, regimePAN, p.pointee) else {
                return .failure(TranslationFault(kind: .permission, level: leafLevel))
            }
            dirtied = true
        }
        let size = leaf.size
        let pa = leaf.outputAddress | (v & (size &- 1))
        return .success(Translation(va: va, ttbr: ttbr, pa: PhysicalAddress(pa), level: leafLevel, size: size,
                                    descriptor: Descriptor(rawValue: raw), attributes: attributes, dirtied: dirtied))
    }

    /// Translates the intermediate physical address `ipa` through a
    /// stage-2 regime's tables in `memory` (Arm ARM `AArch64.S2Translate`,
    /// `AArch64.S2Walk`), for an access of `access` from the guest's `el`:
    /// 1. IPA beyond VTCR_EL2.T0SZ, or VTCR_EL2 fields reserved: translation
    ///    fault, level 0; VTTBR_EL2 beyond the output size: address size fault.
    /// 2. Per level as at stage 1, from the start level SL0/SL2 give, across
    ///    the concatenated root tables; tables carry no attributes.
    /// 3. AF=0 with VTCR_EL2.HA=0: access flag fault.
    /// 4. S2AP and XN[1:0] (`Stage2LeafAttributes.permits`), with a write to a
    ///    DBM=1 page allowed under VTCR_EL2.HD: permission fault.
    @inlinable
    public func translateStage2<Memory: PhysicalMemory>(_ ipa: UInt64, access: AccessKind, el: ExceptionLevel,
                                                        in memory: Memory) -> Result<Stage2Translation, TranslationFault> {
        let p = walks.pointer0
        let leaf: WalkLeaf
        switch Self.walk(ipa, fetch: false, w: p, in: memory) {
        case .success(let l): leaf = l
        case .failure(let f): return .failure(f)
        }
        let leafLevel = Level(uncheckedRawValue: leaf.level)
        let attributes = Self.stage2Attributes(leaf.raw, walk: p.pointee)
        if !attributes.af, !p.pointee.hardwareAccessFlag { return .failure(TranslationFault(kind: .accessFlag, level: leafLevel)) }
        var dirtied = false
        if !attributes.permits(access, from: el) {
            guard access.isWrite, p.pointee.hardwareDirty, attributes.dbm else {
                return .failure(TranslationFault(kind: .permission, level: leafLevel))
            }
            dirtied = true
        }
        let size = leaf.size
        return .success(Stage2Translation(ipa: ipa, pa: PhysicalAddress(leaf.outputAddress | (ipa & (size &- 1))),
                                          level: leafLevel, size: size, descriptor: Descriptor(rawValue: leaf.raw),
                                          attributes: attributes, dirtied: dirtied))
    }

    /// The leaf a walk reached: its descriptor, level, the bytes it maps,
    /// its output address and the table descriptors above it OR-ed
    /// together (PXNTable [59], UXNTable [60], APTable [62:61]).
    @usableFromInline
    struct WalkLeaf {
        @usableFromInline var raw: UInt64
        @usableFromInline var level: Int
        // The size, not its shift: a size is a constant per level, one
        // register where the levels' paths meet.
        @usableFromInline var size: UInt64
        @usableFromInline var outputAddress: UInt64
        @usableFromInline var tableBits: UInt64

        @inlinable
        init(raw: UInt64, level: Int, size: UInt64, outputAddress: UInt64, tableBits: UInt64) {
            self.raw = raw
            self.level = level
            self.size = size
            self.outputAddress = outputAddress
            self.tableBits = tableBits
        }
    }

    /// The walk every regime shares, up to the leaf (Arm ARM
    /// `AArch64.S1Walk`, `AArch64.S2Walk`):
    /// 1. The range check (TBI decides which top bits count, for data only
    ///    with TBID=1; stage 2 has no TBI); walks disabled or the regime's
    ///    control fields reserved: translation fault, level 0.
    /// 2. The table base beyond the output size: address size fault, level 0.
    /// 3. Per level: invalid entry, 0b01 at level 3, or a block at a level
    ///    where the granule has none: translation fault at that level; a
    ///    next-table or output address beyond the output size: address size
    ///    fault at that level.
    /// A table the memory does not hold ends the walk as `notCaptured` at
    /// the level that needed it.
    @inlinable @inline(__always)
    static func walk<Memory: PhysicalMemory>(_ v: UInt64, fetch: Bool, w: UnsafePointer<WalkParameters>,
                                             in memory: Memory) -> Result<WalkLeaf, TranslationFault> {
        // TBIDx: an instruction fetch may not ignore the top byte.
        let selected = fetch ? v & w.pointee.fetchSelectMask == w.pointee.fetchSelectValue : v & w.pointee.selectMask == w.pointee.selectValue
        guard selected else { return .failure(TranslationFault(kind: .translation, level: .zero)) }
        switch w.pointee.shape {
        case .disabled: return .failure(TranslationFault(kind: .translation, level: .zero))
        case .baseAddressFault: return .failure(TranslationFault(kind: .addressSize, level: .zero))
        case .k4From0: return descend(v, w: w, granule: .k4, ds: false, startLevel: 0, in: memory)
        case .k4From1: return descend(v, w: w, granule: .k4, ds: false, startLevel: 1, in: memory)
        case .k16From0: return descend(v, w: w, granule: .k16, ds: false, startLevel: 0, in: memory)
        case .k16From1: return descend(v, w: w, granule: .k16, ds: false, startLevel: 1, in: memory)
        case .k64From1: return descend(v, w: w, granule: .k64, ds: false, startLevel: 1, in: memory)
        case .k64From2: return descend(v, w: w, granule: .k64, ds: false, startLevel: 2, in: memory)
        case .general: return descend(v, w: w, granule: w.pointee.granule, ds: w.pointee.ds, startLevel: w.pointee.startLevel, in: memory)
        }
    }

    /// Where a walk's descent is: the descriptor just read, the index shift
    /// of its level and the table descriptors above it OR-ed together.
    @usableFromInline
    struct Descent {
        @usableFromInline var raw: UInt64
        @usableFromInline var shift: Int
        @usableFromInline var tableBits: UInt64

        @inlinable @inline(__always)
        init(raw: UInt64, shift: Int) {
            self.raw = raw
            self.shift = shift
            tableBits = 0
        }

        /// Moves down through table descriptor `raw` to `v`'s entry of `table`.
        @inlinable @inline(__always)
        mutating func next(_ table: UnsafePointer<UInt64>, raw: UInt64, _ v: UInt64, granule: Granule) {
            tableBits |= raw
            shift &-= granule.bitsPerLevel
            self.raw = table[Int(truncatingIfNeeded: (v &>> UInt64(truncatingIfNeeded: shift)) & UInt64(granule.entriesPerTable &- 1))]
        }
    }

    /// The walk's descent from the root, for a geometry given by `granule`,
    /// `ds` and `startLevel`: always inlined, so that where `walk` passes
    /// constants the shifts, index masks and address layout are constants,
    /// and the levels are written out one after the other (the `if`s on
    /// `startLevel` fold away), as in a C walk written for one geometry.
    @inlinable @inline(__always)
    static func descend<Memory: PhysicalMemory>(_ v: UInt64, w: UnsafePointer<WalkParameters>, granule: Granule, ds: Bool,
                                                startLevel: Int, in memory: Memory) -> Result<WalkLeaf, TranslationFault> {
        let window = memory.window
        // The root is read apart from the levels: it alone may have fewer entries.
        let rootAddress = w.pointee.rootAddress
        let rootEntries = w.pointee.rootEntries
        guard let root = window.words(at: rootAddress, entries: UInt64(truncatingIfNeeded: rootEntries))
                ?? memory.words(at: rootAddress, count: rootEntries) else {
            return .failure(.notCaptured(rootAddress, level: Level(uncheckedRawValue: startLevel)))
        }
        let shift = granule.shift(at: Level(uncheckedRawValue: startLevel))
        var d = Descent(raw: root[Int(truncatingIfNeeded: (v &>> UInt64(truncatingIfNeeded: shift)) & w.pointee.rootIndexMask)], shift: shift)
        if startLevel <= -1, let end = step(&d, v, w: w, window: window, granule: granule, ds: ds, level: -1, in: memory) { return end }
        if startLevel <= 0, let end = step(&d, v, w: w, window: window, granule: granule, ds: ds, level: 0, in: memory) { return end }
        if startLevel <= 1, let end = step(&d, v, w: w, window: window, granule: granule, ds: ds, level: 1, in: memory) { return end }
        if startLevel <= 2, let end = step(&d, v, w: w, window: window, granule: granule, ds: ds, level: 2, in: memory) { return end }
        // `classify` makes no tables at the last level: this step ends the walk.
        return step(&d, v, w: w, window: window, granule: granule, ds: ds, level: WalkParameters.lastLevel, in: memory)
            ?? .failure(TranslationFault(kind: .translation, level: .three))
    }

    /// One level of the descent: the walk's end (a leaf or a fault) at
    /// `level`, or nil with `d` moved to the entry of the next table.
    @inlinable @inline(__always)
    static func step<Memory: PhysicalMemory>(_ d: inout Descent, _ v: UInt64, w: UnsafePointer<WalkParameters>, window: MemoryWindow,
                                             granule: Granule, ds: Bool, level: Int,
                                             in memory: Memory) -> Result<WalkLeaf, TranslationFault>? {
        let raw = d.raw
        let address = DescriptorFormat.address(of: raw, granule: granule, ds: ds)
        let entrySize: UInt64 = 1 &<< UInt64(truncatingIfNeeded: d.shift)
        switch w.pointee.classify(raw, address: address, level: level, entrySize: entrySize) {
        case .invalid:
            return .failure(TranslationFault(kind: .translation, level: Level(uncheckedRawValue: level)))
        case .fault(let kind):
            return .failure(TranslationFault(kind: kind, level: Level(uncheckedRawValue: level)))
        case .leaf(let oa):
            return .success(WalkLeaf(raw: raw, level: level, size: entrySize, outputAddress: oa, tableBits: d.tableBits))
        case .table(let next):
            // One bounds check per table, none per entry: the window's one
            // comparison, then the memory's own search.
            guard let table = window.words(at: next, entries: UInt64(granule.entriesPerTable))
                    ?? memory.words(at: next, count: granule.entriesPerTable) else {
                return .failure(.notCaptured(next, level: Level(uncheckedRawValue: level &+ 1)))
            }
            d.next(table, raw: raw, v, granule: granule)
            return nil
        }
    }

    /// With HA and HD, a write to a DBM=1 page succeeds: the MMU clears
    /// AP[2] instead of faulting (APTable still applies).
    @inlinable
    static func dirtyWritePermitted(_ raw: UInt64, tableBits: UInt64, _ attributes: LeafAttributes, _ access: AccessKind,
                             _ el: ExceptionLevel, _ pan: PrivilegedAccessNever, _ w: borrowing WalkParameters) -> Bool {
        guard access.isWrite, w.hardwareDirty, Descriptor.Bits.dbm.isSet(raw) else { return false }
        let tableAP = w.hpd ? 0 : Descriptor.Bits.apTable.extract(tableBits)
        guard tableAP & TableAccessPermissions.readOnly.rawValue == 0 else { return false }
        var writable = attributes
        writable.ap = attributes.ap.dirtied
        return writable.permits(access, from: el, pan: pan)
    }

    /// The effective attributes of leaf `raw` under table descriptors whose
    /// bits were OR-ed into `tableBits`.
    @inlinable @inline(__always)
    func leafAttributes(_ raw: UInt64, tableBits: UInt64, walk w: borrowing WalkParameters) -> LeafAttributes {
        Self.leafAttributes(raw, tableBits: tableBits, walk: w, mair: mair.rawValue, outerShareable: outerShareableAttributes)
    }

    /// The effective attributes of a leaf given MAIR_EL1 and the mask of its
    /// Outer Shareable attributes: the one home of the hierarchical
    /// permission and shareability rules.
    @inlinable @inline(__always)
    static func leafAttributes(_ raw: UInt64, tableBits: UInt64, walk w: borrowing WalkParameters, mair: UInt64,
                               outerShareable: UInt8) -> LeafAttributes {
        typealias B = Descriptor.Bits
        var ap = B.ap.extract(raw)
        let twoLevels = w.kind.hasTwoPrivilegeLevels
        // One Exception level: bit 54 is the single XN, bit 60 XNTable.
        var pxn = B.pxn.isSet(raw)
        var uxn = B.uxn.isSet(raw)
        if !w.hpd {
            let apTable = B.apTable.extract(tableBits)
            // APTable[0] takes EL0 access away (AP[1]; RES0 with one
            // Exception level); APTable[1] takes write (sets AP[2]).
            if twoLevels, apTable & TableAccessPermissions.noEL0.rawValue != 0 { ap &= ~AccessPermissions.readWrite.rawValue }
            if apTable & TableAccessPermissions.readOnly.rawValue != 0 { ap |= AccessPermissions.privilegedReadOnly.rawValue }
            pxn = pxn || B.pxnTable.isSet(tableBits)
            uxn = uxn || B.uxnTable.isSet(tableBits)
        }
        if twoLevels {
            // Memory EL0 can write is never executable at EL1.
            if ap == AccessPermissions.readWrite.rawValue { pxn = true }
        } else {
            pxn = uxn
        }
        let index = Int(truncatingIfNeeded: B.attrIndx.extract(raw))
        let attr = MemoryAttribute(rawValue: UInt8(truncatingIfNeeded: mair &>> UInt64(index &* 8)))
        var sh = w.ds ? w.walkShareability : B.sh.extract(raw)
        // Device and Normal Inner+Outer Non-cacheable memory is Outer Shareable.
        if outerShareable & (1 &<< UInt8(truncatingIfNeeded: index)) != 0 { sh = Shareability.outerShareable.rawValue }
        return LeafAttributes(attrIndx: index, mairAttr: attr, sh: Shareability(field: sh), ap: AccessPermissions(field: ap),
                              pxn: pxn, uxn: uxn, ng: B.nG.isSet(raw), af: B.af.isSet(raw),
                              contiguous: B.contiguous.isSet(raw), regime: w.kind)
    }
}

extension TranslationRegime {
    /// The attributes of stage-2 leaf `raw`: the one home of the stage-2
    /// attribute rules (Device memory is Outer Shareable; with DS=1 SH is
    /// VTCR_EL2.SH0).
    @inlinable @inline(__always)
    static func stage2Attributes(_ raw: UInt64, walk w: borrowing WalkParameters) -> Stage2LeafAttributes {
        typealias B = Stage2Fields.Bits
        let memAttr = UInt8(truncatingIfNeeded: B.memAttr.extract(raw))
        var sh = w.ds ? w.walkShareability : Descriptor.Bits.sh.extract(raw)
        // MemAttr[3:2]=00 is Device in both readings of FWB (FWB=1: MemAttr[2]=0).
        if Stage2MemoryAttributes.outer.extract(UInt64(memAttr)) == 0 { sh = Shareability.outerShareable.rawValue }
        return Stage2LeafAttributes(memAttr: memAttr, s2ap: Stage2AccessPermissions(rawValue: B.s2ap.extract(raw))!,
                                    xn: Stage2ExecuteNever(rawValue: B.xn.extract(raw))!, sh: Shareability(field: sh),
                                    af: Descriptor.Bits.af.isSet(raw), dbm: Descriptor.Bits.dbm.isSet(raw),
                                    contiguous: Descriptor.Bits.contiguous.isSet(raw))
    }
}
