import CShims

/// What QEMU answered for one address of a regime-probe run: PAR_EL1 after
/// each AT instruction of the run's regime.
package struct RegimeProbeRecord: Hashable, Sendable {
    public var va: UInt64
    public var results: [AddressTranslationInstruction: PhysicalAddressRegister]

    public init(va: UInt64, results: [AddressTranslationInstruction: PhysicalAddressRegister]) {
        self.va = va
        self.results = results
    }

    /// PAR_EL1 after `instruction`, if the regime issues it.
    public subscript(_ instruction: AddressTranslationInstruction) -> PhysicalAddressRegister? { results[instruction] }

    /// The record the probe wrote, keeping the slots `regime` fills.
    init(_ r: vmsa_regime_result, regime: RegimeProbeKind) {
        let pars = withUnsafeBytes(of: r.par) { Array($0.bindMemory(to: UInt64.self)) }
        var results: [AddressTranslationInstruction: PhysicalAddressRegister] = [:]
        for at in regime.instructions { results[at] = PhysicalAddressRegister(rawValue: UInt64(littleEndian: pars[at.slot])) }
        self.init(va: UInt64(littleEndian: r.va), results: results)
    }
}
