import Testing
import VMSA
@testable import LinuxTables

/// Pins the arm64 Linux v6.12 entry format: software bits, protections,
/// swap layout, special swap types and the pte helpers.
struct LinuxFormatTests {
    @Test func kernelVersionIsNamed() {
        #expect(LinuxKernel.version == "v6.12")
        #expect(LinuxKernel.contPTEs == 16)
        #expect(LinuxKernel.contPTEs == Granule.k4.contiguousCount(at: .three))
        #expect(LinuxKernel.granule == .k4 && LinuxKernel.entriesPerTable == 512)
    }

    @Test func softwareBitPositions() {
        typealias B = LinuxPTEBits
        #expect(B.write == BitField(bit: 51))          // PTE_WRITE = PTE_DBM
        #expect(B.dirty == BitField(bit: 55))          // PTE_DIRTY
        #expect(B.special == BitField(bit: 56))        // PTE_SPECIAL
        #expect(B.devmap == BitField(bit: 57))         // PTE_DEVMAP
        #expect(B.uffdWP == BitField(bit: 58))         // PTE_UFFD_WP
        #expect(B.presentInvalid == BitField(bit: 11)) // PTE_PRESENT_INVALID = PTE_NG (v6.10+)
        #expect(B.poIndex == BitField(62, 60))         // PTE_PO_IDX_MASK
        #expect(B.cont == BitField(bit: 52))
        #expect(B.address == BitField(47, 12))         // PTE_ADDR_LOW, 48-bit PA
        #expect(B.swapExclusive == BitField(bit: 2))   // PTE_SWP_EXCLUSIVE
        #expect(B.swapUffdWP == BitField(bit: 3))      // PTE_SWP_UFFD_WP
        #expect(B.swapType == BitField(10, 6))         // __SWP_TYPE_SHIFT 6, 5 bits
        #expect(B.swapOffset == BitField(61, 12))      // __SWP_OFFSET_SHIFT 12, 50 bits
        #expect(B.modifyMask == 0x706c_0000_0000_08dd)
    }

    static let protectionCases: [(UInt64, UInt64)] = [
        (LinuxProtection.kernel, 0x0068_0000_0000_0703),
        (LinuxProtection.kernelRO, 0x0060_0000_0000_0783),
        (LinuxProtection.kernelExec, 0x0048_0000_0000_0703),
        (LinuxProtection.deviceNGnRE, 0x0068_0000_0000_0713),
        (LinuxProtection.sharedRW, 0x0068_0000_0000_0fc3),
        (LinuxProtection.sharedExec, 0x0028_0000_0000_0fc3),
        (LinuxProtection.readOnly, 0x0060_0000_0000_0fc3),
        (LinuxProtection.readOnlyExec, 0x0020_0000_0000_0fc3),
        (LinuxProtection.execOnly, 0x0020_0000_0000_0f83),
        (LinuxProtection.none, 0x0060_0000_0000_0f82),
    ]

    @Test(arguments: protectionCases)
    func protections(value: UInt64, expected: UInt64) {
        #expect(value == expected, "\(Hex.format(value)) != \(Hex.format(expected))")
    }

    @Test func protectionMap() {
        typealias F = LinuxProtection.VMFlags
        #expect(LinuxProtection.vmGetPageProt([]) == LinuxProtection.none)
        #expect(LinuxProtection.vmGetPageProt([.read, .write]) == LinuxProtection.readOnly)    // private: COW
        #expect(LinuxProtection.vmGetPageProt([.read, .exec]) == LinuxProtection.readOnlyExec)
        #expect(LinuxProtection.vmGetPageProt([.read, .write, .shared]) == LinuxProtection.sharedRW)
        #expect(LinuxProtection.vmGetPageProt([.read, .write, .exec, .shared]) == LinuxProtection.sharedExec)
        #expect(LinuxProtection.vmGetPageProt([.shared]) == LinuxProtection.none)
        #expect(LinuxProtection.section(LinuxProtection.sharedRW) == 0x0068_0000_0000_0fc1)
    }

    @Test func specialSwapTypes() {
        #expect(SwapType.maxSwapFiles == 23)
        #expect(SwapType.hwpoison == 23)
        #expect([SwapType.migrationRead, SwapType.migrationReadExclusive, SwapType.migrationWrite] == [24, 25, 26])
        #expect([SwapType.deviceWrite, SwapType.deviceRead, SwapType.deviceExclusiveWrite, SwapType.deviceExclusiveRead] == [27, 28, 29, 30])
        #expect(SwapType.marker == 31)
        #expect(SwapType.pfnBits == 36)
    }

    @Test func swapEntryLayout() {
        #expect(SwapEntry(type: 1, offset: 0x100).pte.rawValue == 0x10_0040)
        #expect(SwapEntry(type: 1, offset: 0x100, exclusive: true).pte.rawValue == 0x10_0044)
        #expect(SwapEntry(type: 31, offset: 1, uffdWP: true).pte.rawValue == 0x17c8)
        #expect(SwapEntry(type: 0x1f, offset: (1 << 50) - 1).pte.rawValue == 0x3fff_ffff_ffff_f7c0)
        let e = SwapEntry(type: 5, offset: 0x12345, exclusive: true, uffdWP: true)
        #expect(SwapEntry(e.pte) == e)
        #expect(e.pte.isSwap && !e.pte.isPresent && !e.pte.isNone)
        #expect(!SwapEntry(type: 0, offset: 1 << 50).isEncodable)
    }

    @Test func entryKinds() {
        #expect(LinuxEntry(LinuxPTE(0)) == .none)
        #expect(LinuxEntry(LinuxPTE(0x0068_0000_4120_0fc3)) == .present(pfn: 0x41200, valid: true))
        #expect(LinuxEntry(LinuxPTE(0x0060_0000_4120_0f82)) == .present(pfn: 0x41200, valid: false))
        #expect(LinuxEntry(SwapEntry(type: 3, offset: 0x999, exclusive: true).pte) == .swap(type: 3, offset: 0x999, exclusive: true))
        #expect(LinuxEntry(SwapEntry(type: 24, offset: 0x41200).pte) == .migration(pfn: 0x41200, writable: false, exclusive: false))
        #expect(LinuxEntry(SwapEntry(type: 25, offset: 0x41200).pte) == .migration(pfn: 0x41200, writable: false, exclusive: true))
        // SWP_MIG_YOUNG_BIT (36) sits above the PFN.
        #expect(LinuxEntry(SwapEntry(type: 26, offset: 1 << 36 | 0x41200).pte) == .migration(pfn: 0x41200, writable: true, exclusive: true))
        #expect(LinuxEntry(SwapEntry(type: 27, offset: 0x7).pte) == .device(pfn: 7, writable: true, exclusive: false))
        #expect(LinuxEntry(SwapEntry(type: 30, offset: 0x7).pte) == .device(pfn: 7, writable: false, exclusive: true))
        #expect(LinuxEntry(SwapEntry(type: 23, offset: 0x41200).pte) == .hwpoison(pfn: 0x41200))
        #expect(LinuxEntry(SwapEntry(type: 31, offset: SwapType.markerPoisoned).pte) == .marker(2))
    }

    @Test func pteHelpers() {
        let clean = LinuxPTE(0x0068_0000_4120_0fc3)        // PAGE_SHARED, PFN 0x41200: writable, clean
        #expect(clean.isPresent && clean.isValid && clean.isWrite && !clean.isDirty && clean.isYoung)
        #expect(clean.pfn == 0x41200)
        let dirty = clean.mkdirty()
        #expect(dirty.rawValue == 0x00e8_0000_4120_0f43)   // PTE_DIRTY set, PTE_RDONLY cleared
        #expect(dirty.isHardwareDirty && dirty.isSoftwareDirty)
        #expect(LinuxPTE(0x0068_0000_4120_0f43).wrprotect().rawValue == 0x00e0_0000_4120_0fc3)   // hw dirty kept as PTE_DIRTY
        #expect(dirty.mkclean().rawValue == 0x0068_0000_4120_0fc3)
        #expect(clean.mkold().rawValue == 0x0068_0000_4120_0bc3)
        #expect(clean.mkinvalid().rawValue == 0x0068_0000_4120_0fc2)
        #expect(clean.mkuffdWP().rawValue == 0x0460_0000_4120_0fc3)
        // pte_modify keeps hardware dirtiness through a protection change.
        #expect(LinuxPTE(0x0068_0000_4120_0f43).modify(LinuxProtection.readOnly).rawValue == 0x00e0_0000_4120_0fc3)
        let protNone = clean.modify(LinuxProtection.none)
        #expect(protNone.rawValue == 0x0060_0000_4120_0f82)
        #expect(protNone.isPresentInvalid && protNone.isProtNone && protNone.isPresent && !protNone.isValid)
        #expect(protNone.modify(LinuxProtection.sharedRW).rawValue == 0x0068_0000_4120_0fc3)
        #expect(LinuxPTE(pfn: 0x41200, prot: LinuxProtection.sharedRW).rawValue == 0x0068_0000_4120_0fc3)
        #expect(clean.advancingPFN(by: 15).rawValue == 0x0068_0000_4120_ffc3)
    }
}
