import Testing
import VMSA
@testable import LinuxTables

/// Pins the software-bit layout of each modelled kernel against its
/// arch/arm64/include/asm/pgtable-prot.h, pgtable.h and include/linux/swap.h,
/// with raw values built by hand from those definitions.
struct LinuxVersionTests {
    @Test func modelIsV612() {
        #expect(LinuxVersion.model == .v6_12)
        #expect(LinuxKernel.version == "v6.12")
        #expect(LinuxVersion.allCases.map(\.rawValue) == ["v6.1", "v6.12"])
        #expect(LinuxVersion(rawValue: "v6.1") == .v6_1)
    }

    /// `uname -r` as distributions spell it: major.minor decides, whatever follows.
    @Test(arguments: [("6.1.0-13-arm64", LinuxVersion.v6_1), ("6.1", .v6_1), ("6.12.3", .v6_12), ("6.12-rc1", .v6_12),
                      ("6.12.0-rpi+", .v6_12), ("6.18.44-fc", nil), ("6.10.2", nil), ("5.15.0", nil), ("6", nil), ("", nil), ("v6.1", nil)])
    func release(_ release: String, _ version: LinuxVersion?) {
        #expect(LinuxVersion(release: release) == version)
    }

    @Test func v612LayoutIsTheModels() {
        let l = LinuxVersion.v6_12.layout
        #expect(l.presentInvalid == BitField(bit: 11) && l.pmdPresentInvalid == BitField(bit: 11)) // PTE_PRESENT_INVALID = PTE_NG
        #expect(l.uffdWP == BitField(bit: 58) && l.swapUffdWP == BitField(bit: 3))
        #expect(l.swapExclusive == BitField(bit: 2))
        #expect(l.swapType == BitField(10, 6) && l.swapOffset == BitField(61, 12))
        #expect(l.swapinErrorType == nil)
        for raw: UInt64 in [0, 0x0068_0000_4120_0fc3, 0x0060_0000_4120_0f82, 0x10_0044, 0x3fff_ffff_ffff_f7f0] {
            #expect(l.modelPTE(raw, level: .three).rawValue == raw)
        }
    }

    @Test func v61Layout() {
        let l = LinuxVersion.v6_1.layout
        #expect(l.presentInvalid == BitField(bit: 58))     // PTE_PROT_NONE
        #expect(l.pmdPresentInvalid == BitField(bit: 59))  // PMD_PRESENT_INVALID
        #expect(l.uffdWP == nil && l.swapUffdWP == nil)   // no uffd-wp on arm64 before v6.10
        #expect(l.swapExclusive == BitField(bit: 2))       // PTE_SWP_EXCLUSIVE (v5.19)
        #expect(l.swapType == BitField(7, 3))              // __SWP_TYPE_SHIFT 3, __SWP_TYPE_BITS 5
        #expect(l.swapOffset == BitField(57, 8))           // __SWP_OFFSET_SHIFT 8, __SWP_OFFSET_BITS 50
        #expect(l.swapinErrorType == 31)                   // SWP_SWAPIN_ERROR
    }

    /// v6.1 PAGE_NONE for PFN 0x41200: (_PAGE_DEFAULT & ~PTE_VALID) | PTE_PROT_NONE |
    /// PTE_RDONLY | PTE_NG | PTE_PXN | PTE_UXN.
    static let v61ProtNone: UInt64 = 0x0460_0000_4120_0f82

    @Test func v61ProtNoneBecomesTheModelsProtNone() {
        let l = LinuxVersion.v6_1.layout
        #expect(l.entry(Self.v61ProtNone, level: .three) == .present(pfn: 0x41200, valid: false))
        let model = l.modelPTE(Self.v61ProtNone, level: .three)
        #expect(model.rawValue == 0x0060_0000_4120_0f82)
        #expect(model == LinuxPTE(pfn: 0x41200, prot: LinuxProtection.none))
        #expect(model.isProtNone && !model.isUffdWP)
        // v6.12 reads bit 58 of the same value as PTE_UFFD_WP.
        #expect(LinuxPTE(Self.v61ProtNone).isUffdWP)
    }

    @Test func v61PresentEntriesKeepTheirBits() {
        let l = LinuxVersion.v6_1.layout
        let shared: UInt64 = 0x0068_0000_4120_0fc3                       // PAGE_SHARED
        #expect(l.modelPTE(shared, level: .three).rawValue == shared)
        #expect(l.entry(shared, level: .three) == .present(pfn: 0x41200, valid: true))
        // pmd_mkinvalid of a 2M block: PMD_PRESENT_INVALID set, PMD_SECT_VALID clear.
        let invalidPMD: UInt64 = 0x0868_0000_4140_0fc0
        #expect(l.entry(invalidPMD, level: .two) == .present(pfn: 0x41400, valid: false))
        #expect(l.modelPTE(invalidPMD, level: .two).rawValue == LinuxPTE(0x0068_0000_4140_0fc1).mkinvalid().rawValue)
        // Bit 59 means nothing in a PTE: the value is a swap-format entry there.
        #expect(l.isSwap(invalidPMD, level: .three))
    }

    static let v61SwapCases: [(UInt64, LinuxEntry, UInt64)] = [
        // __swp_entry(1, 0x100): type << 3 | offset << 8; the model's is type << 6 | offset << 12.
        (0x1_0008, .swap(type: 1, offset: 0x100, exclusive: false), 0x10_0040),
        (0x1_000c, .swap(type: 1, offset: 0x100, exclusive: true), 0x10_0044),
        // SWP_MIGRATION_WRITE (26) of PFN 0x41200.
        (0x412_00d0, .migration(pfn: 0x41200, writable: true, exclusive: true), 0x4120_0680),
        // SWP_HWPOISON (23).
        (0x412_00b8, .hwpoison(pfn: 0x41200), 0x4120_05c0),
        // SWP_SWAPIN_ERROR (31) of PFN 0x41200 becomes PTE_MARKER_POISONED.
        (0x412_00f8, .swapinError(pfn: 0x41200), 0x27c0),
    ]

    @Test(arguments: v61SwapCases)
    func v61SwapEntries(raw: UInt64, entry: LinuxEntry, model: UInt64) {
        let l = LinuxVersion.v6_1.layout
        #expect(l.entry(raw, level: .three) == entry)
        let converted = l.modelPTE(raw, level: .three)
        #expect(converted.rawValue == model, "\(Hex.format(converted.rawValue)) != \(Hex.format(model))")
        if case .swapinError = entry {
            #expect(LinuxEntry(converted) == .marker(SwapType.markerPoisoned))
        } else {
            #expect(LinuxEntry(converted) == entry)
        }
    }

    @Test func versionsReadTheSameSwapValueDifferently() {
        // v6.1's swap entry type 1, offset 0x100, exclusive, read with v6.12's layout.
        #expect(LinuxVersion.v6_12.layout.entry(0x1_000c, level: .three) == .swap(type: 0, offset: 0x10, exclusive: true))
        #expect(LinuxVersion.v6_1.layout.entry(0x1_000c, level: .three) == .swap(type: 1, offset: 0x100, exclusive: true))
    }
}
