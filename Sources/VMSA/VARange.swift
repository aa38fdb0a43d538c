/// Which half of the EL1&0 input address space a virtual address falls in
/// (Arm ARM `AArch64.GetVARange` and the input-size check of `S1Translate`).
extension TCR {
    /// The half `va` selects, or nil when the address is in neither range:
    /// VA[55] picks the half, then VA[top:inputBits] must all equal VA[55],
    /// where `top` is 55 with TBIx=1 (the top byte is ignored) and 63 otherwise.
    /// A nil answer is a level 0 translation fault.
    @inlinable
    public func select(_ va: VirtualAddress) -> TranslationTableBase? {
        let upper = (va.rawValue &>> 55) & 1 != 0
        let half: TranslationTableBase = upper ? .ttbr1 : .ttbr0
        let top = topByteIgnored(half) ? 55 : 63
        let bits = inputBits(half)
        guard bits <= top else { return half }
        let mask = BitField(top, bits).mask
        let expected = upper ? mask : 0
        return va.rawValue & mask == expected ? half : nil
    }

    /// The range of canonical addresses of one half (top byte as in the
    /// untagged address: zeros for TTBR0, ones for TTBR1).
    public func vaRange(_ half: TranslationTableBase) -> ClosedRange<UInt64> {
        let bits = inputBits(half)
        let span: UInt64 = bits >= 64 ? ~0 : (1 &<< UInt64(bits)) &- 1
        return half == .ttbr0 ? 0...span : (~span)...UInt64.max
    }
}
