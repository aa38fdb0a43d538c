import CShims

/// One run of the regime probe: a regime, its registers as raw values and
/// the physical memory its tables live in. Plain values, so that any table
/// builder can feed it. The probe sets only the bits the regime needs
/// (CShims.h `vmsa_regime_header`); everything else is taken as given.
package struct RegimeProbeInput: Hashable, Sendable {
    /// Bytes copied to physical address `base` before the run (and zeroed
    /// after it). Base and size are multiples of 8; the segment lies in
    /// `MMULeg.tableRAM`, the RAM below the probe.
    package struct Segment: Hashable, Sendable {
        public var base: UInt64
        public var bytes: [UInt8]
        public init(base: UInt64, bytes: [UInt8]) {
            self.base = base
            self.bytes = bytes
        }
        /// 64-bit words, little-endian (table descriptors).
        public init(base: UInt64, words: [UInt64]) {
            self.init(base: base, bytes: words.flatMap { w in withUnsafeBytes(of: w.littleEndian) { Array($0) } })
        }
    }

    public var regime: RegimeProbeKind
    /// TCR_EL2 (el2, el20), TCR_EL3 (el3) or TCR_EL1 (s12).
    public var tcr: UInt64
    /// MAIR_EL2, MAIR_EL3 or MAIR_EL1, as `tcr`.
    public var mair: UInt64
    /// TTBR0_EL2, TTBR0_EL3 or TTBR0_EL1, as `tcr`.
    public var ttbr0: UInt64
    /// TTBR1_EL2 (el20) or TTBR1_EL1 (s12); unused by el2 and el3.
    public var ttbr1: UInt64
    /// SCTLR_EL2, SCTLR_EL3 (M is set by the probe) or SCTLR_EL1 (s12: as
    /// given, so M=0 leaves stage 1 off and a VA is its IPA).
    public var sctlr: UInt64
    /// HCR_EL2 bits beyond those the regime sets (FWB, PTW, DC, …).
    public var hcr: UInt64
    /// VTCR_EL2 and VTTBR_EL2 (s12).
    public var vtcr: UInt64
    public var vttbr: UInt64
    public var segments: [Segment]
    /// The addresses to translate: VAs (IPAs for s12 with stage 1 off).
    public var vas: [UInt64]

    public init(regime: RegimeProbeKind, tcr: UInt64 = 0, mair: UInt64 = 0, ttbr0: UInt64 = 0, ttbr1: UInt64 = 0,
                sctlr: UInt64 = 0, hcr: UInt64 = 0, vtcr: UInt64 = 0, vttbr: UInt64 = 0,
                segments: [Segment] = [], vas: [UInt64] = []) {
        self.regime = regime
        self.tcr = tcr
        self.mair = mair
        self.ttbr0 = ttbr0
        self.ttbr1 = ttbr1
        self.sctlr = sctlr
        self.hcr = hcr
        self.vtcr = vtcr
        self.vttbr = vttbr
        self.segments = segments
        self.vas = vas
    }

    /// Most addresses one run can hold with `segments` segments: the buffer
    /// keeps the segment list, each address and its result record.
    public static func capacity(segments: Int) -> Int {
        let buffer = Int(VMSA_MMU_BUFFER_END) - Int(VMSA_MMU_BUFFER_BASE)
        let perAddress = MemoryLayout<UInt64>.stride + Int(VMSA_REGIME_RECORD_SIZE)
        return (buffer - segments * Int(VMSA_SEG_RECORD_SIZE)) / perAddress
    }

    /// Throws where the probe would refuse the run.
    func validate() throws(ConformanceError) {
        let wordMask = UInt64(MemoryLayout<UInt64>.size - 1)
        for s in segments {
            guard s.base & wordMask == 0, UInt64(s.bytes.count) & wordMask == 0 else {
                throw .segmentNotAligned(base: s.base, size: s.bytes.count)
            }
            let ram = MMULeg.tableRAM
            guard ram.contains(s.base), UInt64(s.bytes.count) <= ram.upperBound - s.base + 1 else {
                throw .tablesOutsideProbeRAM(base: s.base, size: UInt64(s.bytes.count), ram: ram)
            }
        }
        let limit = Self.capacity(segments: segments.count)
        guard vas.count <= limit else { throw .tooManyProbes(leg: .regime, count: vas.count, limit: limit) }
    }

    /// Appends this run (header, segment list, segment bytes, addresses).
    func append(to file: inout ProbeInput) {
        var header = vmsa_regime_header()
        header.magic = UInt64(VMSA_PROBE_MAGIC)
        header.version = UInt32(VMSA_PROBE_VERSION)
        header.leg = ProbeLeg.regime.abiValue
        header.regime = regime.abiValue
        header.tcr = tcr
        header.mair = mair
        header.ttbr0 = ttbr0
        header.ttbr1 = ttbr1
        header.sctlr = sctlr
        header.hcr = hcr
        header.vtcr = vtcr
        header.vttbr = vttbr
        header.segment_count = UInt64(segments.count)
        header.record_count = UInt64(vas.count)
        file.append(header)
        for s in segments { file.append(vmsa_regime_segment(base: s.base, size: UInt64(s.bytes.count))) }
        for s in segments { file.append(bytes: s.bytes) }
        for va in vas { file.append(va.littleEndian) }
    }
}
