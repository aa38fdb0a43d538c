import CShims

/// The independent legs of a conformance run.
public enum ProbeLeg: String, CaseIterable, Hashable, Sendable {
    /// An AArch64 table builder under qemu-aarch64 builds the same requests;
    /// the images must be byte-identical.
    case layout
    /// An AArch64 table walker under qemu-aarch64 walks vmsa's image; its
    /// answers must equal `TableImage.translate`.
    case walk
    /// A bare-metal probe under qemu-system-aarch64 runs AT instructions and
    /// real accesses on QEMU's MMU over vmsa's image.
    case mmu
    /// A bare-metal probe under qemu-system-aarch64 (secure=on) runs AT
    /// instructions at EL3 for the EL2, EL2&0, EL3 and stage-2 regimes.
    case regime

    /// The leg's number in the probe ABI (CShims.h VMSA_LEG_*).
    var abiValue: UInt32 {
        switch self {
        case .layout: UInt32(VMSA_LEG_LAYOUT)
        case .walk: UInt32(VMSA_LEG_WALK)
        case .mmu: UInt32(VMSA_LEG_MMU)
        case .regime: UInt32(VMSA_LEG_REGIME)
        }
    }
}
