import VMSA

/// What a block or page grants once the walk is done: its own attributes
/// combined with the hierarchical ones of the tables above it. Shared by
/// `Translation` and the range walk's `WalkEntry`.
public struct LeafAttributes: Hashable, Sendable {
    /// AttrIndx[2:0] of the leaf.
    public var attrIndx: Int
    /// The MAIR_EL1 byte AttrIndx selects (what PAR_EL1.ATTR reports).
    public var mairAttr: MemoryAttribute
    /// Effective shareability: the descriptor's SH (TCR_EL1.SHx with DS=1),
    /// Outer Shareable for Device and Normal Non-cacheable memory.
    public var sh: Shareability
    /// AP[2:1] after APTable (unless HPDx=1).
    public var ap: AccessPermissions
    /// PXN after PXNTable, and set where EL0 can write.
    public var pxn: Bool
    /// UXN after UXNTable.
    public var uxn: Bool
    /// nG, bit 11: not global, the TLB entry is tagged with the ASID (Linux PTE_NG).
    public var ng: Bool
    /// AF, bit 10: the Access flag; an access with AF=0 raises an Access flag fault
    /// unless TCR_EL1.HA=1 (Linux PTE_AF).
    public var af: Bool
    /// Contiguous, bit 52: the leaf is one of a run of adjacent entries (Linux PTE_CONT).
    public var contiguous: Bool
    /// The stage-1 regime the leaf belongs to. In the one-level regimes
    /// (EL2, EL3) AP[1] is RES1 and only AP[2] counts, and `pxn` and `uxn`
    /// both hold the single XN [54] (with XNTable).
    public var regime: TranslationRegimeKind

    /// Attributes with every field given; `regime` defaults to EL1&0.
    @inlinable
    public init(attrIndx: Int, mairAttr: MemoryAttribute, sh: Shareability, ap: AccessPermissions,
                pxn: Bool, uxn: Bool, ng: Bool, af: Bool, contiguous: Bool, regime: TranslationRegimeKind = .el10) {
        self.regime = regime
        self.attrIndx = attrIndx
        self.mairAttr = mairAttr
        self.sh = sh
        self.ap = ap
        self.pxn = pxn
        self.uxn = uxn
        self.ng = ng
        self.af = af
        self.contiguous = contiguous
    }

    /// Whether an access of `kind` from `el` is allowed by these permissions
    /// (Arm ARM `AArch64.S1DirectBasePermissions` with WXN and the
    /// permission-indirection extensions off): PAN takes EL1's data
    /// accesses to memory EL0 can reach.
    @inlinable @inline(__always)
    public func permits(_ kind: AccessKind, from el: ExceptionLevel, pan: PrivilegedAccessNever = .off) -> Bool {
        // Switches on one enum at a time, not `==` or a tuple: these enums
        // have raw values, and both forms become outlined calls on the walk's
        // hot path.
        let privileged = el.isPrivileged
        let isExecute: Bool
        switch kind {
        case .execute: isExecute = true
        case .read, .write: isExecute = false
        }
        // One Exception level: AP[2] alone, one XN (Arm ARM
        // `AArch64.S1DirectBasePermissions` without unprivileged access).
        guard regime.hasTwoPrivilegeLevels else {
            switch kind {
            case .read: return true
            case .write: return !ap.readOnlyAtAllELs
            case .execute: return !pxn
            }
        }
        if pan.pan, privileged, !isExecute, ap.el0Accessible || (pan.epan && !uxn) { return false }
        switch kind {
        case .read: return privileged || ap.el0Accessible
        case .write: return privileged ? !ap.readOnlyAtAllELs : ap.el0Accessible && !ap.readOnlyAtAllELs
        // Execute-only memory: EL0 may fetch from AP[1]=0 pages when UXN=0.
        case .execute: return privileged ? !pxn : !uxn
        }
    }

    /// What each EL may do with these permissions, e.g. `EL1:RW EL0:--`
    /// (`EL2:RW EL0:--` in EL2&0, `EL2:RW` or `EL3:RO` in a one-level regime).
    public var access: String {
        let privileged = ap.readOnlyAtAllELs ? "RO" : "RW"
        let name = regime == .el10 ? "EL1" : (regime == .el3 ? "EL3" : "EL2")
        guard regime.hasTwoPrivilegeLevels else { return "\(name):\(privileged)" }
        let el0 = ap.el0Accessible ? privileged : "--"
        return "\(name):\(privileged) EL0:\(el0)"
    }

    /// A one-line reading, e.g. `Attr1=normal-wb ISH EL1:RW EL0:-- PXN UXN AF`:
    /// the MAIR attribute, shareability, what each EL may do, then the flags
    /// that are set.
    public var summary: String {
        var line = ""
        line.reserveCapacity(Self.summaryCapacity)
        appendSummary(to: &line)
        return line
    }

    /// Appends `summary` to `line`. Piece by piece, not joined from an array
    /// of parts: the tree dump writes one of these per leaf it prints.
    public func appendSummary(to line: inout String) {
        line += "Attr"
        line += String(attrIndx)
        line += "="
        line += mairAttr.name ?? Hex.short(UInt64(mairAttr.rawValue))
        line += " "
        line += sh.shortName
        line += " "
        line += access
        if !regime.hasTwoPrivilegeLevels {
            if pxn { line += " XN" }
        } else {
            if pxn { line += " PXN" }
            if uxn { line += " UXN" }
        }
        line += af ? " AF" : " AF=0"
        if ng { line += " nG" }
        if contiguous { line += " CONT" }
    }

    /// Bytes that hold the longest summary, so that building one grows its storage once.
    static let summaryCapacity = 64
}
