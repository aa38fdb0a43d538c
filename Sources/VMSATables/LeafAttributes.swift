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
    public var ng: Bool
    public var af: Bool
    public var contiguous: Bool

    @inlinable
    public init(attrIndx: Int, mairAttr: MemoryAttribute, sh: Shareability, ap: AccessPermissions,
                pxn: Bool, uxn: Bool, ng: Bool, af: Bool, contiguous: Bool) {
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
    @inlinable
    public func permits(_ kind: AccessKind, from el: ExceptionLevel, pan: PrivilegedAccessNever = .off) -> Bool {
        if pan.pan, el == .el1, kind != .execute, ap.el0Accessible || (pan.epan && !uxn) { return false }
        switch (kind, el) {
        case (.read, .el1): return true
        case (.read, .el0): return ap.el0Accessible
        case (.write, .el1): return !ap.readOnlyAtAllELs
        case (.write, .el0): return ap == .readWrite
        // Execute-only memory: EL0 may fetch from AP[1]=0 pages when UXN=0.
        case (.execute, .el1): return !pxn
        case (.execute, .el0): return !uxn
        }
    }

    /// What each EL may do with these permissions, e.g. `EL1:RW EL0:--`.
    public var access: String {
        let el1 = ap.readOnlyAtAllELs ? "RO" : "RW"
        let el0 = ap.el0Accessible ? (ap.readOnlyAtAllELs ? "RO" : "RW") : "--"
        return "EL1:\(el1) EL0:\(el0)"
    }

    /// A one-line reading, e.g. `Attr1=normal-wb ISH EL1:RW EL0:-- PXN UXN AF`:
    /// the MAIR attribute, shareability, what each EL may do, then the flags
    /// that are set.
    public var summary: String {
        let name = mairAttr.name ?? Hex.short(UInt64(mairAttr.rawValue))
        let shName: String
        switch sh {
        case .nonShareable: shName = "NSH"
        case .reserved: shName = "SH=01"
        case .outerShareable: shName = "OSH"
        case .innerShareable: shName = "ISH"
        }
        var parts = ["Attr\(attrIndx)=\(name)", shName, access]
        if pxn { parts.append("PXN") }
        if uxn { parts.append("UXN") }
        parts.append(af ? "AF" : "AF=0")
        if ng { parts.append("nG") }
        if contiguous { parts.append("CONT") }
        return parts.joined(separator: " ")
    }
}
