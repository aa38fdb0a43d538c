/// PSTATE.PAN and SCTLR_EL1.EPAN as a privileged data access sees them
/// (FEAT_PAN, FEAT_PAN3; Arm ARM `AArch64.S1DirectBasePermissions`): with
/// PAN set, an EL1 read or write of memory EL0 can access is a permission
/// fault; with EPAN too, so is one of memory EL0 can execute.
public struct PrivilegedAccessNever: Hashable, Sendable {
    /// PSTATE.PAN.
    public var pan: Bool
    /// SCTLR_EL1.EPAN: PAN also covers memory EL0 may only execute.
    public var epan: Bool

    /// SCTLR_EL1.EPAN, bit 57.
    package static let epanBit: UInt64 = 57

    /// PSTATE.PAN=0, SCTLR_EL1.EPAN=0: EL1 accesses are checked by AP alone
    /// (computed: no lazily initialised global on the walk's path).
    @inlinable public static var off: PrivilegedAccessNever { PrivilegedAccessNever(pan: false, epan: false) }

    /// PSTATE.PAN = `pan` and SCTLR_EL1.EPAN = `epan`.
    @inlinable
    public init(pan: Bool, epan: Bool = false) {
        self.pan = pan
        self.epan = epan
    }

    /// PSTATE.PAN with the EPAN bit of a captured SCTLR_EL1; `pan`
    /// overrides the captured PSTATE.PAN (SCTLR_EL1 stays as captured).
    public init(_ state: CPUState, pan: Bool? = nil) {
        self.init(pan: pan ?? state.pan, epan: state.sctlr >> Self.epanBit & 1 == 1)
    }
}
