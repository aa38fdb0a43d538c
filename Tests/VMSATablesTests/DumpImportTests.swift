import Foundation
import Testing
import VMSA
@testable import VMSATables

/// An ELF64 core as QEMU's dump-guest-memory writes one: the ELF header, a
/// PT_NOTE, then PT_LOADs by physical address, each segment's bytes after
/// the program headers. Written here from the ELF spec, independently of
/// the reader it checks; fields can be spoiled one at a time.
struct ElfCoreFixture {
    struct Load {
        var paddr: UInt64
        var bytes: [UInt8]
        /// p_memsz beyond the file bytes (zero-fill the file does not hold).
        var extraMemory: UInt64 = 0
        var vaddr: UInt64 = 0
    }

    var loads: [Load]
    var elfClass: UInt8 = 2, elfData: UInt8 = 1, type: UInt16 = 4, machine: UInt16 = 183
    var note: [UInt8] = [UInt8](repeating: 0, count: 32)

    static let ehdr = 64, phdr = 56

    func bytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.ehdr)
        func put<T: FixedWidthInteger>(_ v: T, _ at: Int, in buf: inout [UInt8]) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { buf[at + i] = b } }
        }
        out.replaceSubrange(0..<4, with: [0x7f, 0x45, 0x4c, 0x46])
        out[4] = elfClass; out[5] = elfData; out[6] = 1
        put(type, 16, in: &out); put(machine, 18, in: &out); put(UInt32(1), 20, in: &out)
        put(UInt64(Self.ehdr), 32, in: &out)  // e_phoff
        put(UInt16(Self.ehdr), 52, in: &out); put(UInt16(Self.phdr), 54, in: &out)
        put(UInt16(1 + loads.count), 56, in: &out)
        var table = [UInt8](repeating: 0, count: Self.phdr * (1 + loads.count))
        var offset = UInt64(Self.ehdr + table.count)
        // PT_NOTE first, as QEMU writes it.
        put(UInt32(4), 0, in: &table); put(offset, 8, in: &table); put(UInt64(note.count), 32, in: &table)
        offset += UInt64(note.count)
        for (i, l) in loads.enumerated() {
            let at = Self.phdr * (1 + i)
            put(UInt32(1), at, in: &table); put(UInt32(7), at + 4, in: &table)
            put(offset, at + 8, in: &table); put(l.vaddr, at + 16, in: &table); put(l.paddr, at + 24, in: &table)
            put(UInt64(l.bytes.count), at + 32, in: &table); put(UInt64(l.bytes.count) + l.extraMemory, at + 40, in: &table)
            offset += UInt64(l.bytes.count)
        }
        return out + table + note + loads.flatMap(\.bytes)
    }

    /// Byte offset of program header `i` (0 is the PT_NOTE).
    static func programHeader(_ i: Int) -> Int { ehdr + phdr * i }
}

@Suite struct DumpImportTests {
    /// Both halves, blocks, contiguous pages and a level-3 page: tables on
    /// several pages at 0x40100000.
    static func sample() throws -> TableImage {
        var b = try TableBuilder(configuration(ttbr1: .k4, ttbr0: .k16))
        try b.map(MappingRequest(va: VirtualAddress(0xffff_0000_0000_0000), pa: PhysicalAddress(0x4000_0000), size: 0x4000_0000,
                                 attributes: MappingAttributes(attrIndx: 1)))
        try b.map(MappingRequest(va: VirtualAddress(0xffff_8000_0020_0000), pa: PhysicalAddress(0x8020_0000), size: 0x1_0000))
        try b.map(MappingRequest(va: VirtualAddress(0x40_0000), pa: PhysicalAddress(0x9000_0000), size: 0x20_0000))
        try b.map(MappingRequest(va: VirtualAddress(0x7f_0000_4000), pa: PhysicalAddress(0xa000_4000), size: 0x4000))
        return b.image
    }

    static func littleEndian(_ words: [UInt64]) -> [UInt8] { words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * UInt64($0))) } } }

    static func mapped(_ bytes: [UInt8]) throws -> MappedFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vmsa-dump-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try #require(MappedFile(path: url.path))
    }

    static func core(_ fixture: ElfCoreFixture) throws -> Result<ElfCore, DumpError> {
        let bytes = fixture.bytes()
        return bytes.withUnsafeBytes { raw in
            do throws(DumpError) { return .success(try ElfCore(raw)) } catch { return .failure(error) }
        }
    }

    /// VAs across both halves: each leaf's first and last byte, between
    /// leaves, and seeded random ones.
    static func probes(_ image: TableImage) -> [UInt64] {
        var vas: [UInt64] = []
        for t in TranslationTableBase.allCases where image.half(t) != nil {
            image.walk(t).forEach { item in vas += [item.va.rawValue, item.lastVA] }
        }
        var rng = SplitMix(seed: 0x1d)
        for _ in 0..<2000 { vas.append(rng.next() & 0xffff_0000_ffff_f000 | (rng.next() & 1 == 0 ? 0 : 0x0000_ff00_0000_0000)) }
        return vas
    }

    static func expectSameTranslations(_ a: TableImage, _ b: TableImage) {
        for va in probes(a) {
            for (access, el) in [(AccessKind.read, ExceptionLevel.el1), (.write, .el0), (.execute, .el1)] {
                let x = a.translate(VirtualAddress(va), access: access, el: el), y = b.translate(VirtualAddress(va), access: access, el: el)
                #expect(x == y, "\(Hex.format(va)) \(access) \(el)")
            }
        }
    }

    @Test("an ELF core's PT_LOADs by p_paddr give the same walks as the image, keeping only the table pages")
    func coreMatchesImage() throws {
        let image = try Self.sample()
        let memory = Self.littleEndian(image.words)
        // Two PT_LOADs split at a page, the second with a zero-filled tail.
        let split = 0x3000
        let fixture = ElfCoreFixture(loads: [
            .init(paddr: image.tablesBase, bytes: Array(memory[..<split]), vaddr: 0xffff_0000_0010_0000),
            .init(paddr: image.tablesBase + UInt64(split), bytes: Array(memory[split...]), extraMemory: 0x10_0000),
        ])
        let core = try Self.core(fixture).get()
        #expect(core.loads.map(\.physicalAddress) == [image.tablesBase, image.tablesBase + UInt64(split)])
        #expect(core.loads.map(\.index) == [1, 2])
        let file = try Self.mapped(fixture.bytes())
        let dump = try TableImage(regime: image.regime, dump: try ElfCore.segments(of: file, name: "core"))
        // The zero-fill tail past p_filesz is not held.
        #expect(dump.capturedBytes == UInt64(memory.count))
        #expect(dump.word(atPhysicalAddress: image.tablesBase + UInt64(memory.count)) == nil)
        let kept = dump.reachable()
        #expect(!kept.isPartial)
        #expect(kept.capturedBytes == UInt64(ReachableTables(image.regime, in: image).pages().reduce(0) { $0 + $1.bytes }))
        Self.expectSameTranslations(image, kept)
        // It round-trips through the file format.
        #expect(try TableImage.load(kept.serialized()) == kept)
    }

    @Test("a dump lacking one table page: the table is missing, the image partial, its walks not captured")
    func missingTable() throws {
        let image = try Self.sample()
        let reach = ReachableTables(image.regime, in: image)
        // The last table found, at level 3 or 2; drop its page from the RAM.
        let dropped = try #require(reach.tables.last { $0.level.rawValue >= 2 })
        let page = Granule.k4.pageSize
        let memory = Self.littleEndian(image.words)
        let cut = Int(dropped.address - image.tablesBase)
        var segments = [try DumpSegment.ram(try Self.mapped(Array(memory[..<cut])), at: image.tablesBase, name: "low")]
        if cut + Int(page) < memory.count {
            segments.append(try DumpSegment.ram(try Self.mapped(Array(memory[(cut + Int(page))...])), at: dropped.address + page, name: "high"))
        }
        let dump = try TableImage(regime: image.regime, dump: segments)
        let missing = ReachableTables(image.regime, in: dump).missing
        #expect(missing == [dropped])
        let kept = dump.reachable()
        #expect(kept.isPartial)
        let loaded = try TableImage.load(kept.serialized())
        #expect(loaded.isPartial && loaded == kept)
        // Every VA whose walk reads the dropped table is not captured; every other one walks as before.
        var notCaptured = 0
        for va in Self.probes(image) {
            let got = loaded.translate(VirtualAddress(va), access: .read, el: .el1)
            if case .failure(let f) = got, f.kind == .notCaptured {
                #expect(f.table == PhysicalAddress(dropped.address) && f.level == dropped.level)
                notCaptured += 1
            } else {
                #expect(got == image.translate(VirtualAddress(va), access: .read, el: .el1), "\(Hex.format(va))")
            }
        }
        #expect(notCaptured > 0)
        // Without the partial flag the loader refuses the same memory.
        var complete = kept
        complete.isPartial = false
        #expect(throws: ImageError.self) { try TableImage.load(complete.serialized()) }
    }

    @Test("malformed ELF headers are refused with the field and what was expected")
    func malformedHeaders() throws {
        let good = ElfCoreFixture(loads: [.init(paddr: 0x4000_0000, bytes: [UInt8](repeating: 0, count: 0x1000))])
        func error(_ change: (inout ElfCoreFixture) -> Void = { _ in }, bytes edit: (inout [UInt8]) -> Void = { _ in }) throws -> String {
            var f = good
            change(&f)
            var bytes = f.bytes()
            edit(&bytes)
            let result = bytes.withUnsafeBytes { raw -> DumpError? in
                do throws(DumpError) { _ = try ElfCore(raw); return nil } catch { return error }
            }
            return try #require(result).description
        }
        #expect(try error(bytes: { $0 = Array($0[..<40]) }) == "ELF core is truncated: 40 bytes is shorter than the 64-byte ELF64 header")
        #expect(try error(bytes: { $0[0] = 0 }) == "not an ELF file: it does not start with \"\\x7fELF\"")
        #expect(try error({ $0.elfClass = 1 }) == "ELF e_ident[EI_CLASS] is 1; expected 2 (ELFCLASS64)")
        #expect(try error({ $0.elfData = 2 }) == "ELF e_ident[EI_DATA] is 2; expected 1 (ELFDATA2LSB, little-endian)")
        #expect(try error({ $0.type = 2 }) == "ELF e_type is 2; expected 4 (ET_CORE, a core dump)")
        #expect(try error({ $0.machine = 62 }) == "ELF e_machine is 62; expected 183 (EM_AARCH64): this is not an arm64 core")
        #expect(try error(bytes: { $0[54] = 64 }) == "ELF e_phentsize is 64; expected 56 (sizeof(Elf64_Phdr))")
        // e_phoff pointing near the end: the table runs past the file.
        #expect(try error(bytes: { $0[32] = 0xf0; $0[33] = 0x10 })
                == "ELF program header table (e_phoff 0x10f0, 2 entries) runs past the end of the 0x10d0-byte file")
        // p_filesz of the PT_LOAD larger than the file holds.
        let load = ElfCoreFixture.programHeader(1)
        #expect(try error(bytes: { $0[load + 32 + 1] = 0x20; $0[load + 40 + 1] = 0x20 })
                == "ELF program header 1 (PT_LOAD): p_offset 0xd0 with p_filesz 0x2000 runs past the end of the 0x10d0-byte file")
        #expect(try error(bytes: { $0[load + 40 + 1] = 0 })
                == "ELF program header 1 (PT_LOAD): p_filesz 0x1000 is larger than p_memsz 0x0")
        #expect(try error({ $0.loads[0].paddr = 0x4000_0004 })
                == "ELF program header 1 (PT_LOAD): p_paddr 0x40000004 and p_filesz 0x1000 must be multiples of 8")
        #expect(try error({ $0.loads[0].paddr = 0xf_ffff_ffff_f000 + 0x1000 })
                == "ELF program header 1 (PT_LOAD) at PA 0x10000000000000 for 0x1000 bytes reaches beyond the 52-bit physical address space")
        #expect(try error({ $0.loads = [] }) == "ELF core holds no memory: no PT_LOAD segment has file bytes")
    }

    @Test("overlapping PT_LOADs are refused naming both, unless one is the same bytes inside the other (kdump's kernel image)")
    func overlappingLoads() throws {
        let ram = (0..<0x4000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        // Partial overlap.
        let partial = ElfCoreFixture(loads: [.init(paddr: 0x4000_0000, bytes: ram), .init(paddr: 0x4000_3000, bytes: ram)])
        #expect(throws: DumpError.loadsOverlap(first: 1, firstRange: 0x4000_0000...0x4000_3fff, second: 2, secondRange: 0x4000_3000...0x4000_6fff)) {
            try Self.core(partial).get()
        }
        #expect(DumpError.loadsOverlap(first: 1, firstRange: 0x4000_0000...0x4000_3fff, second: 2, secondRange: 0x4000_3000...0x4000_6fff).description
                == "ELF program headers 1 and 2 (PT_LOAD) overlap: PA 0x40000000-0x40003fff and PA 0x40003000-0x40006fff hold different bytes for the same memory")
        // The kernel image again, inside the RAM, listed first as a vmcore does.
        let kernel = Array(ram[0x1000..<0x3000])
        let duplicate = ElfCoreFixture(loads: [.init(paddr: 0x4000_1000, bytes: kernel, vaddr: 0xffff_8000_8000_0000),
                                               .init(paddr: 0x4000_0000, bytes: ram)])
        let core = try Self.core(duplicate).get()
        #expect(core.loads.map(\.index) == [2] && core.loads[0].fileBytes == 0x4000)
        // The same range with other bytes is not a copy.
        var other = duplicate
        other.loads[0].bytes[8] ^= 1
        #expect(throws: DumpError.loadsOverlap(first: 2, firstRange: 0x4000_0000...0x4000_3fff, second: 1, secondRange: 0x4000_1000...0x4000_2fff)) {
            try Self.core(other).get()
        }
    }

    @Test("PN_XNUM: the program header count comes from section header 0's sh_info")
    func extendedProgramHeaderCount() throws {
        var bytes = ElfCoreFixture(loads: [.init(paddr: 0x4000_0000, bytes: [UInt8](repeating: 1, count: 0x1000))]).bytes()
        // e_phnum = PN_XNUM; a section header 0 appended with sh_info = 2.
        bytes[56] = 0xff; bytes[57] = 0xff
        let shoff = UInt64(bytes.count)
        for i in 0..<8 { bytes[40 + i] = UInt8(truncatingIfNeeded: shoff >> (8 * UInt64(i))) }
        var section = [UInt8](repeating: 0, count: 64)
        section[44] = 2
        bytes += section
        let core = try bytes.withUnsafeBytes { raw throws(DumpError) in try ElfCore(raw) }
        #expect(core.loads.count == 1 && core.loads[0].physicalAddress == 0x4000_0000)
        // Section header 0 beyond the file.
        bytes.removeLast(64)
        #expect(throws: DumpError.sectionHeaderOutsideFile(offset: shoff, fileSize: shoff)) {
            try bytes.withUnsafeBytes { raw throws(DumpError) in try ElfCore(raw) }
        }
    }

    @Test("RAM files: overlapping ones are named together; an empty or odd-sized one is refused")
    func ramFiles() throws {
        let a = try Self.mapped([UInt8](repeating: 0, count: 0x2000)), b = try Self.mapped([UInt8](repeating: 0, count: 0x1000))
        let regime = try Self.sample().regime
        #expect(throws: DumpError.segmentsOverlap(first: "a.bin", firstRange: 0x4000_0000...0x4000_1fff,
                                                  second: "b.bin", secondRange: 0x4000_1000...0x4000_1fff)) {
            try TableImage(regime: regime, dump: [try DumpSegment.ram(b, at: 0x4000_1000, name: "b.bin"), try DumpSegment.ram(a, at: 0x4000_0000, name: "a.bin")])
        }
        #expect(DumpError.segmentsOverlap(first: "a.bin", firstRange: 0x4000_0000...0x4000_1fff, second: "b.bin", secondRange: 0x4000_1000...0x4000_1fff).description
                == "a.bin (PA 0x40000000-0x40001fff) and b.bin (PA 0x40001000-0x40001fff) overlap; expected disjoint memory")
        #expect(throws: DumpError.ramSize(name: "odd.bin", bytes: 12)) { try DumpSegment.ram(try Self.mapped([UInt8](repeating: 0, count: 12)), at: 0, name: "odd.bin") }
        #expect(throws: DumpError.ramSize(name: "empty.bin", bytes: 0)) { try DumpSegment.ram(try Self.mapped([]), at: 0, name: "empty.bin") }
        #expect(throws: DumpError.beyondAddressSpace(name: "b.bin", base: 0xf_ffff_ffff_f800, bytes: 0x1000)) {
            try TableImage(regime: regime, dump: [try DumpSegment.ram(b, at: 0xf_ffff_ffff_f800, name: "b.bin")])
        }
    }

    @Test("checkTCR refuses RES0 bits and a reserved IPS, as the loader does")
    func tcrCheck() throws {
        let tcr = try Self.sample().tcr
        #expect(try TableImage.checkTCR(tcr).bits == 48)
        #expect(throws: ImageError.tcrRes0(1 << 6)) { try TableImage.checkTCR(TCR(rawValue: tcr.rawValue | 1 << 6)) }
        #expect(throws: ImageError.reservedIPS(7)) { try TableImage.checkTCR(TCR(rawValue: tcr.rawValue | 7 << 32)) }
    }
}
