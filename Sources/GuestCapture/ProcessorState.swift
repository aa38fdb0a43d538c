/// PSTATE as a stub reports it in CPSR/SPSR layout (Arm ARM: "SPSR_EL1",
/// AArch64 state): the fields that change how the stopped CPU translates.
public struct ProcessorState: RawRepresentable, Hashable, Sendable {
    /// PSTATE in SPSR layout, as the stub's `cpsr` register reads.
    public var rawValue: UInt64
    /// PSTATE from its SPSR-layout value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// PSTATE.PAN, bit 22.
    static let panBit: UInt64 = 22
    /// PSTATE.nRW, bit 4: 1 is AArch32 state.
    static let nRWBit: UInt64 = 4
    /// PSTATE.EL, bits [3:2].
    static let elShift: UInt64 = 2
    static let elMask: UInt64 = 0b11

    /// PSTATE.PAN, bit [22]: privileged access never in force.
    public var pan: Bool { rawValue >> Self.panBit & 1 == 1 }
    /// PSTATE.nRW, bit [4]: the CPU stopped in AArch32 state.
    public var isAArch32: Bool { rawValue >> Self.nRWBit & 1 == 1 }
    /// The exception level the CPU stopped at.
    public var exceptionLevel: Int { Int(rawValue >> Self.elShift & Self.elMask) }
}
