/// The ways QEMU 7.2 (Debian 12, `-cpu max`) is known to differ from the
/// Arm ARM (shared/REFERENCE.md). A difference is only classified as one of
/// these when the walk shows its cause and vmsa's own checks
/// (`Descriptor.problems`, the AT-pass table snapshot) flag that cause, so
/// the rule QEMU does not enforce is still covered by vmsa.
public enum QEMUDeviation: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// A block at a level where the granule has none (4K level 0 or 16K
    /// level 1 without DS, 16K level 0, 4K level -1): the Arm ARM makes it a
    /// translation fault at that level; QEMU 7.2 maps it as a block.
    case illegalBlockAccepted = "illegal-block"
    /// An output or next-table address with bits above a PA size below 52
    /// (OA[51:48] of a 64K descriptor, OA[51:50] with DS=1): the Arm ARM
    /// reports an address size fault; QEMU 7.2 drops the high bits.
    case highAddressBitsDropped = "high-oa-dropped"
    /// A misprogrammed contiguous run (entries that disagree) is CONSTRAINED
    /// UNPREDICTABLE in the Arm ARM (a TLB conflict abort or any entry's
    /// translation); QEMU 7.2 ignores the Contiguous bit and always answers
    /// with the entry's own translation. Counted for probes in runs that
    /// vmsa's `contiguousRunProblems()` flags. (nG, which QEMU also ignores,
    /// changes no single translation: the walk leg compares it bit for bit.)
    case contiguousBitIgnored = "contiguous-ignored"
    /// Device and Normal Non-cacheable memory is Outer Shareable, and PAR_EL1.SH
    /// reports 0b10; QEMU 7.2 reports the descriptor's (or TCR's) SH.
    case deviceShareability = "device-sh"
    /// With TCR_EL1.HA/HD, QEMU 7.2 sets AF and clears AP[2] (dirty) in table
    /// memory during AT instructions.
    case translationUpdatesDescriptors = "at-updates-tables"
    /// A fault at level -1 (4K with DS=1): QEMU 7.2 stops on an assertion
    /// (`arm_fi_to_lfsc`: level must be 0 to 3) when it reports one, through
    /// PAR_EL1 or ESR. Such addresses are not sent to QEMU; the walk leg
    /// checks them.
    case levelMinusOneFaultAborts = "lm1-fault-aborts-qemu"
    /// A stage-2 fault on a stage-1 table walk (S1PTW): the Arm ARM reports
    /// the level of the stage-2 lookup that faulted; QEMU 7.2 reports the
    /// stage-1 level whose table it was reading (its `do_fault` writes the
    /// stage-1 level over the stage-2 one). Counted where vmsa's two-stage
    /// walk names the fault as on the stage-1 walk and that level differs.
    case stage1WalkFaultLevel = "s1ptw-level"
    /// Stage-1 Normal memory under stage-2 Device memory: the Arm ARM gives
    /// stage 2's Device type; QEMU 7.2 (`combine_cacheattrs`) also reads the
    /// Normal byte's low nibble as a Device type, so Normal Non-cacheable
    /// (0x44) or Write-Through (0x88, 0xbb's 0xb is not) makes Device-GRE
    /// stricter. Counted where vmsa's combination has stage 1 Normal and
    /// QEMU's answer is exactly that misreading.
    case stage2DeviceCombine = "s2-device-combine"

    public var reason: String {
        switch self {
        case .illegalBlockAccepted: "QEMU 7.2 accepts a block at a level where the granule has none"
        case .highAddressBitsDropped: "QEMU 7.2 drops output address bits above a PA size below 52 instead of an address size fault"
        case .contiguousBitIgnored: "QEMU 7.2 ignores the Contiguous bit, so a misprogrammed run answers entry by entry"
        case .deviceShareability: "QEMU 7.2 reports the descriptor's SH for Device and Non-cacheable memory, not Outer Shareable"
        case .translationUpdatesDescriptors: "QEMU 7.2 updates AF and dirty state in table memory during AT with TCR_EL1.HA/HD"
        case .levelMinusOneFaultAborts: "QEMU 7.2 aborts on an assertion when it reports a fault at level -1"
        case .stage1WalkFaultLevel: "QEMU 7.2 reports a stage-2 fault on a stage-1 walk at the stage-1 level, not the stage-2 one"
        case .stage2DeviceCombine: "QEMU 7.2 reads a Normal stage-1 attribute's low nibble as a Device type when stage 2 is Device"
        }
    }

    public var description: String { rawValue }
}
