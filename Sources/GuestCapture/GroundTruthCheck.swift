import VMSA
import VMSATables

/// vmsa's walk of a captured guest checked against QEMU's own walker:
/// for each address, `translate` on the capture (a read from the EL the CPU
/// stopped at, with its PSTATE.PAN) and the human monitor's `gva2gpa`,
/// which walks the same regime with QEMU's `get_phys_addr` and applies PAN.
public struct GroundTruthCheck {
    /// One address on which the two disagree.
    public struct Disagreement: Sendable {
        /// The virtual address both walked.
        public let va: UInt64
        /// vmsa's answer, as `gva2gpa` would print it.
        public let vmsa: String
        /// What QEMU printed.
        public let qemu: String
        /// vmsa's walk: the translation or the fault.
        public let walk: String
    }

    /// Addresses checked; of them, mapped in both with the same PA, and
    /// unmapped in both (vmsa's fault kinds counted, notCaptured included).
    public private(set) var checked = 0
    /// Addresses both walks translate to the same PA.
    public private(set) var mapped = 0
    /// Addresses neither walk translates.
    public private(set) var unmapped = 0
    /// vmsa's fault kinds among the unmapped addresses, with counts.
    public private(set) var faults: [FaultKind: Int] = [:]
    /// Every address on which vmsa and QEMU disagree.
    public private(set) var disagreements: [Disagreement] = []

    /// Per half: addresses checked in TTBR0 and TTBR1.
    public private(set) var perHalf: [TranslationTableBase: Int] = [:]

    /// What QEMU prints for an address its walk cannot translate.
    static let unmappedReply = "Unmapped"
    static let mappedPrefix = "gpa: "

    /// The EL and PSTATE.PAN the addresses were checked with.
    public let el: ExceptionLevel
    /// PSTATE.PAN the addresses were checked with.
    public let pan: Bool

    /// Checks `addresses` of `capture` from `el` with PSTATE.PAN = `pan`
    /// against the monitor behind `qmp`. The guest must still be stopped
    /// where it was captured, with that EL and PAN.
    public init(_ capture: GuestCapture, addresses: [UInt64], el: ExceptionLevel, pan: Bool, qmp: QMPClient) throws(GuestError) {
        let image = capture.image
        self.el = el
        self.pan = pan
        let privileged = PrivilegedAccessNever(image.state, pan: pan)
        let replies = try qmp.monitor(addresses.map { "gva2gpa 0x" + String($0, radix: 16) })
        for (va, reply) in zip(addresses, replies) {
            let qemu = reply.trimmingWhitespace()
            let result = image.translate(VirtualAddress(va), access: .read, el: el, pan: privileged)
            let expected: String
            let walk: String
            switch result {
            case .success(let t):
                expected = Self.mappedPrefix + "0x" + String(t.pa.rawValue, radix: 16)
                walk = "\(t.summary), descriptor \(t.descriptor)"
            case .failure(let f):
                expected = Self.unmappedReply
                walk = f.description
            }
            checked += 1
            if let half = image.tcr.select(VirtualAddress(va)) { perHalf[half, default: 0] += 1 }
            guard expected == qemu else {
                disagreements.append(Disagreement(va: va, vmsa: expected, qemu: qemu, walk: walk))
                continue
            }
            switch result {
            case .success: mapped += 1
            case .failure(let f):
                unmapped += 1
                faults[f.kind, default: 0] += 1
            }
        }
    }

    /// Addresses worth asking about, at most `limit`: the first, middle and
    /// last VA of every mapped item of both halves' range walks, the first
    /// of every hole, and random VAs from each half (seeded), spread evenly
    /// when there are more than the limit.
    public static func addresses(in image: TableImage, limit: Int, seed: UInt64) -> [UInt64] {
        var picked: [UInt64] = []
        var rng = SplitMix64(seed: seed)
        let randomPerHalf = max(1, limit / 4)
        for ttbr in TranslationTableBase.allCases {
            guard let half = image.half(ttbr) else { continue }
            image.walk(ttbr, mergingNeighbours: true).forEach { item in
                picked.append(item.va.rawValue)
                if item.isLeaf {
                    picked.append(item.va.rawValue &+ item.size / 2)
                    picked.append(item.lastVA & ~0b111)
                }
            }
            let range = half.vaRange
            for _ in 0..<randomPerHalf {
                picked.append(range.lowerBound &+ rng.next() % (range.upperBound &- range.lowerBound))
            }
        }
        picked = Array(Set(picked)).sorted()
        guard picked.count > limit else { return picked }
        let stride = Double(picked.count) / Double(limit)
        return (0..<limit).map { picked[Int(Double($0) * stride)] }
    }
}
