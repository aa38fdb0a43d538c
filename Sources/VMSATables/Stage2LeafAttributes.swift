import VMSA

/// What a stage-2 block or page grants (Arm ARM D8.4.2, D8.6.5): S2AP
/// read and write, XN[1:0] per Exception level, MemAttr and SH. Stage-2
/// tables carry no hierarchical attributes, so these are the leaf's own.
public struct Stage2LeafAttributes: Hashable, Sendable {
    /// MemAttr[3:0], descriptor bits [5:2]; what it means depends on HCR_EL2.FWB.
    public var memAttr: UInt8
    /// S2AP[1:0] [7:6]: read [6], write [7].
    public var s2ap: Stage2AccessPermissions
    /// XN[1:0] [54:53]: execute-never for EL1 and EL0 (FEAT_XNX).
    public var xn: Stage2ExecuteNever
    /// The descriptor's SH (VTCR_EL2.SH0 with DS=1), Outer Shareable for
    /// Device memory.
    public var sh: Shareability
    /// AF [10]: 0 is an access flag fault unless VTCR_EL2.HA=1.
    public var af: Bool
    /// DBM [51]: with VTCR_EL2.HD a write to a clean page makes it dirty.
    public var dbm: Bool
    /// Contiguous [52]: a hint that the entry is one of a run.
    public var contiguous: Bool

    /// Attributes as the walk read them; see the properties.
    @inlinable
    public init(memAttr: UInt8, s2ap: Stage2AccessPermissions, xn: Stage2ExecuteNever, sh: Shareability,
                af: Bool, dbm: Bool, contiguous: Bool) {
        self.memAttr = memAttr
        self.s2ap = s2ap
        self.xn = xn
        self.sh = sh
        self.af = af
        self.dbm = dbm
        self.contiguous = contiguous
    }

    /// FEAT_XNX is modelled as implemented (QEMU's `-cpu max` has it):
    /// XN[0] tells EL1 from EL0.
    public static let xnx = true

    /// Whether stage 2 allows an access of `kind` from `el` (EL0 or EL1 of
    /// the guest); a stage-1 table walk reads (`kind` `.read`).
    @inlinable
    public func permits(_ kind: AccessKind, from el: ExceptionLevel) -> Bool {
        switch kind {
        case .read: s2ap.readable
        case .write: s2ap.writable
        case .execute: s2ap.readable && xn.allowsExecution(el0: el == .el0, xnx: Self.xnx)
        }
    }

    /// The memory type in the reading `fwb` selects.
    public func memoryType(fwb: Bool) -> Stage2MemoryAttributes { Stage2MemoryAttributes(memAttr: memAttr, fwb: fwb) }

    /// A one-line reading in the style of Linux's KVM stage-2 ptdump, e.g.
    /// `R W X MemAttr=1111 ISH AF`: S2AP read and write, X where EL1 and
    /// EL0 may execute (PXN/UXN for one of them), MemAttr, shareability and flags.
    public var summary: String {
        var parts = [s2ap.readable ? "R" : "-", s2ap.writable ? "W" : "-"]
        let el1 = xn.allowsExecution(el0: false, xnx: Self.xnx), el0 = xn.allowsExecution(el0: true, xnx: Self.xnx)
        parts.append(el1 && el0 ? "X" : (el1 ? "UXN" : (el0 ? "PXN" : "NX")))
        parts.append("MemAttr=\(Stage2MemoryAttributes.binary(memAttr))")
        parts.append(sh.shortName)
        parts.append(af ? "AF" : "AF=0")
        if dbm { parts.append("DBM") }
        if contiguous { parts.append("CONT") }
        return parts.joined(separator: " ")
    }
}

/// The short shareability names of Linux ptdump.
extension Shareability {
    /// NSH, OSH, ISH (and SH=01 for the reserved encoding), as ptdump writes them.
    public var shortName: String {
        switch self {
        case .nonShareable: "NSH"
        case .reserved: "SH=01"
        case .outerShareable: "OSH"
        case .innerShareable: "ISH"
        }
    }
}
