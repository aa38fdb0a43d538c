import Testing
@testable import VMSA

@Suite("Granule geometry")
struct GranuleTests {
    @Test("start level and index bits for 48-bit VAs", arguments: [
        (Granule.k4, 0, [0: 9, 1: 9, 2: 9, 3: 9]),
        (Granule.k16, 0, [0: 1, 1: 11, 2: 11, 3: 11]),
        (Granule.k64, 1, [1: 6, 2: 13, 3: 13]),
    ])
    func geometry48(granule: Granule, start: Int, bits: [Int: Int]) {
        #expect(granule.startLevel(inputBits: 48).rawValue == start)
        for (level, n) in bits {
            #expect(granule.indexBits(at: Level(rawValue: level)!, inputBits: 48) == n)
        }
    }

    @Test("52-bit VAs: 4K starts at level -1 (4 bits), 16K at level 0 (5 bits), 64K at level 1 (10 bits)")
    func geometry52() {
        #expect(Granule.k4.startLevel(inputBits: 52) == .minus1)
        #expect(Granule.k4.indexBits(at: .minus1, inputBits: 52) == 4)
        #expect(Granule.k16.startLevel(inputBits: 52) == .zero)
        #expect(Granule.k16.indexBits(at: .zero, inputBits: 52) == 5)
        #expect(Granule.k64.startLevel(inputBits: 52) == .one)
        #expect(Granule.k64.indexBits(at: .one, inputBits: 52) == 10)
    }

    @Test("small VAs: 39-bit 4K starts at L1, 47-bit 16K at L1, 36-bit 16K at L2, 42-bit 64K at L2, 25-bit 16K at L3")
    func smallVAs() {
        #expect(Granule.k4.startLevel(inputBits: 39) == .one)
        #expect(Granule.k16.startLevel(inputBits: 47) == .one)
        #expect(Granule.k16.startLevel(inputBits: 36) == .two)
        #expect(Granule.k64.startLevel(inputBits: 42) == .two)
        #expect(Granule.k16.startLevel(inputBits: 25) == .three)
        #expect(Granule.k16.indexBits(at: .three, inputBits: 25) == 11)
        #expect(Granule.k4.tableSize(at: .one, inputBits: 39) == 4096)
        #expect(Granule.k64.tableSize(at: .one, inputBits: 48) == 512)
    }

    @Test("entry sizes per level")
    func entrySizes() {
        #expect(Granule.k4.entrySize(at: .one) == 1 << 30)
        #expect(Granule.k4.entrySize(at: .two) == 1 << 21)
        #expect(Granule.k4.entrySize(at: .zero) == 1 << 39)
        #expect(Granule.k16.entrySize(at: .two) == 1 << 25)
        #expect(Granule.k16.entrySize(at: .one) == 1 << 36)
        #expect(Granule.k64.entrySize(at: .two) == 1 << 29)
        #expect(Granule.k64.entrySize(at: .one) == 1 << 42)
    }

    @Test("block levels follow AArch64.BlockDescSupported")
    func blockLevels() {
        func legal(_ g: Granule, ds: Bool = false, paMax: Int = 48) -> [Int] {
            (-1...3).filter { g.isBlockLegal(at: Level(rawValue: $0)!, ds: ds, paMax: paMax) && $0 < 3 }
        }
        #expect(legal(.k4) == [1, 2])
        #expect(legal(.k4, ds: true, paMax: 52) == [0, 1, 2])
        #expect(legal(.k16) == [2])
        #expect(legal(.k16, ds: true, paMax: 52) == [1, 2])
        #expect(legal(.k64) == [2])
        #expect(legal(.k64, paMax: 52) == [1, 2])
        // vmsa models PAMax = 52: a 64K level-1 block is legal whatever IPS says.
        #expect(Granule.k64.isBlockLegal(at: .one, ds: false))
    }

    @Test("contiguous runs: Linux CONT_PTES / CONT_PMDS")
    func contiguous() {
        #expect(Granule.k4.contiguousCount(at: .three) == 16)
        #expect(Granule.k4.contiguousCount(at: .two) == 16)
        #expect(Granule.k16.contiguousCount(at: .three) == 128)
        #expect(Granule.k16.contiguousCount(at: .two) == 32)
        #expect(Granule.k64.contiguousCount(at: .three) == 32)
        #expect(Granule.k64.contiguousCount(at: .two) == 32)
        #expect(Granule.k4.contiguousCount(at: .one) == nil)
        // 64K pages in runs of 32 cover 2 MiB; 16K in runs of 128 too.
        #expect(Granule.k64.pageSize * 32 == 1 << 21)
        #expect(Granule.k16.pageSize * 128 == 1 << 21)
    }

    @Test("TG0 and TG1 encode differently", arguments: Granule.allCases)
    func tgEncodings(granule: Granule) {
        #expect(Granule(tg0: granule.tg0) == granule)
        #expect(Granule(tg1: granule.tg1) == granule)
        let expected: (UInt64, UInt64) = switch granule {
        case .k4: (0b00, 0b10)
        case .k16: (0b10, 0b01)
        case .k64: (0b01, 0b11)
        }
        #expect(granule.tg0 == expected.0)
        #expect(granule.tg1 == expected.1)
    }

    @Test("reserved TG encodings")
    func reservedTG() {
        #expect(Granule(tg0: 0b11) == nil)
        #expect(Granule(tg1: 0b00) == nil)
    }

    @Test("granule names")
    func names() {
        #expect(Granule(name: "4k") == .k4)
        #expect(Granule(name: "16K") == .k16)
        #expect(Granule(name: "64KB") == .k64)
        #expect(Granule(name: "8k") == nil)
    }
}
