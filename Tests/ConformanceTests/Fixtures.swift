import Conformance
import VMSA
import VMSATables

/// Small layouts whose answers are known, shared by the leg tests.
enum Fixtures {
    /// The probes and QEMUs; throws (failing the test with the reason) where
    /// they are missing, so a machine without them never passes silently.
    static func toolchain() throws -> ProbeToolchain { try ProbeToolchain.locate() }

    static let mair = MAIR(attributes: [MemoryAttribute(rawValue: 0xff), MemoryAttribute(rawValue: 0x00),
                                        MemoryAttribute(rawValue: 0x44), MemoryAttribute(rawValue: 0x04)])

    /// Unassigned physical memory in QEMU's virt board: a real access that
    /// translates ends in an external abort there.
    static let unassigned: UInt64 = 0x1_0000_0000

    /// A TTBR0 half of `granule` with 48-bit VAs and a TTBR1 4K half, each
    /// with a page run, a block and pages of every AP/PXN/UXN combination.
    static func layout(_ granule: Granule, tablesBase: UInt64 = 0x4010_0000) -> Layout {
        let config = RegimeConfiguration(tablesBase: tablesBase, paBits: 48, mair: mair,
                                         ttbr0: HalfConfiguration(granule: granule, vaBits: 48),
                                         ttbr1: HalfConfiguration(granule: .k4, vaBits: 48))
        let page = granule.pageSize
        var mappings: [MappingRequest] = []
        // A block and a contiguous run of pages.
        let block = granule.entrySize(at: .two)
        mappings.append(MappingRequest(va: VirtualAddress(block * 4), pa: PhysicalAddress(unassigned), size: block,
                                       attributes: MappingAttributes(attrIndx: 0, ap: .readWrite, uxn: true)))
        let run = page * UInt64(granule.contiguousCount(at: .three)!)
        mappings.append(MappingRequest(va: VirtualAddress(block * 8), pa: PhysicalAddress(unassigned + block), size: run,
                                       attributes: MappingAttributes(attrIndx: 1, ap: .privilegedReadWrite, sh: .nonShareable)))
        // Every AP × PXN × UXN, one page each.
        for combo in 0..<16 {
            let attributes = MappingAttributes(attrIndx: 0, ap: AccessPermissions(rawValue: UInt64(combo & 3))!,
                                               pxn: combo & 4 != 0, uxn: combo & 8 != 0)
            mappings.append(MappingRequest(va: VirtualAddress(block * 12 + UInt64(combo) * page),
                                           pa: PhysicalAddress(unassigned + 2 * block + UInt64(combo) * page), size: page,
                                           attributes: attributes, leaf: .pages))
        }
        // An AF=0 page and a kernel mapping through TTBR1.
        mappings.append(MappingRequest(va: VirtualAddress(block * 12 + 16 * page), pa: PhysicalAddress(unassigned), size: page,
                                       attributes: MappingAttributes(af: false)))
        mappings.append(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000), pa: PhysicalAddress(unassigned), size: 0x20_0000,
                                       attributes: MappingAttributes(attrIndx: 0, ap: .privilegedReadWrite, uxn: true)))
        let tables = [TableAttributeRequest(va: VirtualAddress(block * 12), level: .two,
                                            attributes: TableAttributes(apTable: .readOnly, pxnTable: false, uxnTable: true))]
        return Layout(configuration: config, mappings: mappings, tables: tables)
    }

    /// Addresses to probe in `layout`: every page start and middle of each
    /// mapping, the page after it, and a few unmapped ones.
    static func addresses(_ layout: Layout, granule: Granule) -> [UInt64] {
        var vas: [UInt64] = [0, 0x1234, 0x0000_ffff_ffff_f000, 0xffff_ffff_ffff_f000, 0x0001_0000_0000_0000, 0xfff0_0000_0000_0000]
        for m in layout.mappings {
            let step = max(granule.pageSize, m.size / 8)
            var va = m.va.rawValue
            while va < m.va.rawValue &+ m.size { vas.append(va); vas.append(va + 0x10); va &+= step }
            vas.append(m.lastVA &- 7)
            vas.append(m.lastVA &+ 1)
        }
        return vas
    }
}
