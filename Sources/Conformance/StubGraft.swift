import CShims
import VMSA
import VMSATables

/// A mapping of the bare-metal probe's stub page (EL1 vectors and the
/// EL1/EL0 access stubs) grafted into a free entry of a start-level table, so
/// that real accesses at EL1 and EL0 have somewhere to return through. Only
/// an invalid start-level entry is used, and its whole VA range is kept out
/// of the probe list, so no probed translation changes.
public struct StubGraft: Hashable, Sendable {
    public var ttbr: TranslationTableBase
    /// VA of the stub page (VBAR_EL1 points at its start).
    package var stubVA: UInt64
    /// VAs whose translation the graft changes: never probed.
    public var claimed: ClosedRange<UInt64>
    /// Words the probe stores before enabling translation: the start-level
    /// entry, then a table per level below it, then the page.
    package var patches: [(pa: UInt64, value: UInt64)]

    public static func == (a: StubGraft, b: StubGraft) -> Bool {
        a.ttbr == b.ttbr && a.stubVA == b.stubVA && a.claimed == b.claimed
            && a.patches.elementsEqual(b.patches) { $0.pa == $1.pa && $0.value == $1.value }
    }

    public func hash(into h: inout Hasher) { h.combine(stubVA); h.combine(claimed) }

    /// A graft for `image`, in the first half (TTBR0, then TTBR1) that EL0
    /// may use (E0PDx=0) and has an invalid start-level entry (the free entry
    /// nearest the middle of the range, away from its top and bottom, which
    /// probes cover); nil when no half has one.
    public static func make(for image: TableImage) -> StubGraft? {
        for ttbr in TranslationTableBase.allCases {
            guard let h = image.half(ttbr), !h.el0AccessFaults else { continue }
            let entries = h.rootEntries
            let middle = entries / 2
            // Middle first, then outwards: probes also cover the range's ends.
            let order = (0..<entries).map { k in k % 2 == 0 ? middle + k / 2 : middle - (k + 1) / 2 }.filter { (0..<entries).contains($0) }
            for slot in order {
                let entry = h.rootAddress &+ UInt64(slot) &* 8
                guard let raw = image.word(atPhysicalAddress: entry), raw & 1 == 0 else { continue }
                return make(h, slot: slot, entry: entry, mair: image.mair)
            }
        }
        return nil
    }

    static func make(_ h: RegimeHalf, slot: Int, entry: UInt64, mair: MAIR) -> StubGraft {
        let shift = UInt64(h.shift(at: h.startLevel))
        let span: UInt64 = 1 &<< shift
        let va = h.vaRange.lowerBound &+ UInt64(slot) &<< shift
        var patches: [(UInt64, UInt64)] = []
        var level = h.startLevel
        var entryAddress = entry
        var nextTable = UInt64(VMSA_MMU_GRAFT_BASE)
        while !level.isLast {
            var table = DescriptorFields(kind: .table)
            table.nextTable = nextTable
            patches.append((entryAddress, table.encode(format: h.format)))
            // The stub VA's index is zero at every level below the start.
            entryAddress = nextTable
            nextTable &+= h.granule.pageSize
            level = level.next
        }
        var page = DescriptorFields(kind: .page)
        page.outputAddress = UInt64(VMSA_MMU_STUB_PA)
        // Normal memory if MAIR has any (fetching from Device memory is not
        // what the stub is about), privileged read-only, executable at both ELs.
        page.attrIndx = UInt8((0..<MAIR.attributeCount).first { !mair[$0].isDevice } ?? 0)
        page.ap = .privilegedReadOnly
        page.sh = .innerShareable
        page.af = true
        patches.append((entryAddress, page.encode(format: h.format)))
        return StubGraft(ttbr: h.ttbr, stubVA: va, claimed: va...(va &+ (span &- 1)), patches: patches)
    }
}
