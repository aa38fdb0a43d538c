import PropertyBased
import Testing
@testable import VMSA

/// Every format vmsa decodes: each granule with 48- and 52-bit PA, and
/// 4K/16K with DS=1.
let allFormats: [DescriptorFormat] = Granule.allCases.flatMap { g -> [DescriptorFormat] in
    var out = [try! DescriptorFormat(granule: g, paBits: 48), try! DescriptorFormat(granule: g, paBits: 52)]
    if g != .k64 { out.append(try! DescriptorFormat(granule: g, ds: true, paBits: 52)) }
    return out
}

@Suite("Round trips")
struct RoundTripTests {

    @Test("raw → fields → raw is exact for every raw word, every format and level", arguments: allFormats)
    func everyRawWord(format: DescriptorFormat) {
        var rng = SplitMix64(seed: UInt64(format.granule.rawValue * 1000 + format.paBits + (format.ds ? 7 : 0)))
        for level in format.granule.levels(ds: format.ds) {
            let lv = Level(rawValue: level)!
            for _ in 0..<50_000 {
                let raw = rng.next()
                let f = DescriptorFields(decoding: raw, level: lv, format: format)
                let back = f.encode(format: format)
                if back != raw {
                    Issue.record("\(format) \(lv): \(Hex.format(raw)) → \(Hex.format(back))")
                    return
                }
            }
        }
    }

    @Test("decoded fields of any word pass validate (nothing is dropped)", arguments: allFormats)
    func decodedFieldsValidate(format: DescriptorFormat) throws {
        var rng = SplitMix64(seed: 42)
        for level in format.granule.levels(ds: format.ds) {
            let lv = Level(rawValue: level)!
            for _ in 0..<5_000 {
                let f = DescriptorFields(decoding: rng.next(), level: lv, format: format)
                try f.validate(level: lv, format: format)
            }
        }
    }

    /// Random valid leaves: aligned, in range, legal level.
    @Test("valid leaves: fields → raw → fields is exact and has no problems", arguments: allFormats)
    func validLeaves(format: DescriptorFormat) async {
        let levels = (format.granule.levels(ds: format.ds)).compactMap { n -> Level? in
            let lv = Level(rawValue: n)!
            return lv.isLast || format.granule.isBlockLegal(at: lv, ds: format.ds) ? lv : nil
        }
        let gen = Gen.uint64()
        // Without DS a 4K/16K descriptor holds 48 bits whatever the PA size.
        let addressMask: UInt64 = (1 << UInt64(min(format.paBits, format.outputAddressBits))) - 1
        await propertyCheck(count: 2000, input: Gen.int(in: 0...(levels.count - 1)), gen, gen) { li, a, b in
            let level = levels[li]
            let size = format.granule.entrySize(at: level)
            var f = DescriptorFields(kind: level.isLast ? .page : .block)
            f.outputAddress = a & addressMask & ~(size - 1)
            f.attrIndx = UInt8(b & 7)
            f.ns = b & 8 != 0
            f.ap = AccessPermissions(rawValue: (b >> 4) & 3)!
            if format.descriptorHasShareability { f.sh = [.nonShareable, .outerShareable, .innerShareable][Int((b >> 6) % 3)] }
            f.af = b & (1 << 8) != 0
            f.nG = b & (1 << 9) != 0
            f.nT = !level.isLast && b & (1 << 10) != 0
            f.gp = b & (1 << 11) != 0
            f.dbm = b & (1 << 12) != 0
            f.contiguous = b & (1 << 13) != 0
            f.pxn = b & (1 << 14) != 0
            f.uxn = b & (1 << 15) != 0
            f.software = UInt8((b >> 16) & 15)
            f.pbha = UInt8((b >> 20) & 15)
            f.ignored = b & (1 << 63)
            let raw = f.encode(format: format)
            #expect(DescriptorFields(decoding: raw, level: level, format: format) == f)
            #expect(Descriptor(rawValue: raw).problems(at: level, format: format).isEmpty)
        }
    }

    @Test("valid tables round-trip", arguments: allFormats)
    func validTables(format: DescriptorFormat) async {
        let levels = format.granule.levels(ds: format.ds).dropLast().map { Level(rawValue: $0)! }
        let addressMask: UInt64 = (1 << UInt64(min(format.paBits, format.outputAddressBits))) - 1
        await propertyCheck(count: 500, input: Gen.uint64(), Gen.int(in: 0...3)) { a, ap in
            for level in levels {
                var f = DescriptorFields(kind: .table)
                f.nextTable = a & addressMask & ~(format.granule.pageSize - 1)
                f.apTable = TableAccessPermissions(rawValue: UInt64(ap))!
                f.pxnTable = a & 1 != 0
                f.uxnTable = a & 2 != 0
                f.nsTable = a & 4 != 0
                let raw = f.encode(format: format)
                #expect(DescriptorFields(decoding: raw, level: level, format: format) == f)
                #expect(Descriptor(rawValue: raw).problems(at: level, format: format).isEmpty)
            }
        }
    }
}
