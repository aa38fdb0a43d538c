import CReference
import VMSA

/// `encode` and `decode` (raw → every field), 10^7 descriptors each, of
/// the common shape the C reference in Sources/CReference/codec_reference.c
/// handles: level-3 pages of the 4K granule with random attributes.
enum CodecBench {
    static let fullCount = 10_000_000
    /// Distinct words cycled through: enough to defeat value prediction,
    /// small enough to stay in L1/L2 so the codec, not memory, is measured.
    static let distinctWords = 4096

    static func cases(scale: Int) -> [BenchCase] {
        let count = max(1, fullCount / scale)
        let format = try! DescriptorFormat(granule: .k4)
        var rng = SplitMix64(seed: 0x766d_7361)
        // Every bit random but the type, 0b11: a page at level 3.
        let words: [UInt64] = (0..<distinctWords).map { _ in rng.next() | Descriptor.TypeBits.tableOrPage }
        let swiftFields = words.map { DescriptorFields(decoding: $0, level: .three, format: format) }
        let cFields: [ref_page_fields] = words.map { w in
            var f = ref_page_fields()
            ref_decode_page(w, &f)
            return f
        }
        return [
            BenchCase(
                name: "encode", unit: "descriptor",
                swift: { (count, swiftEncodeLoop(swiftFields, format: format, count: count)) },
                c: { (count, cFields.withUnsafeBufferPointer { ref_encode_loop($0.baseAddress, $0.count, count) }) }),
            BenchCase(
                name: "decode", unit: "descriptor",
                swift: { (count, swiftDecodeLoop(words, format: format, count: count)) },
                c: { (count, words.withUnsafeBufferPointer { ref_decode_loop($0.baseAddress, $0.count, count) }) }),
        ]
    }

    @inline(never)
    static func swiftDecodeLoop(_ words: [UInt64], format: DescriptorFormat, count: Int) -> UInt64 {
        words.withUnsafeBufferPointer { w in
            var acc: UInt64 = 0
            var j = 0
            for _ in 0..<count {
                acc = fold(acc, DescriptorFields(decoding: w[j], level: .three, format: format))
                j &+= 1
                if j == w.count { j = 0 }
            }
            return acc
        }
    }

    @inline(never)
    static func swiftEncodeLoop(_ fields: [DescriptorFields], format: DescriptorFormat, count: Int) -> UInt64 {
        fields.withUnsafeBufferPointer { f in
            var acc: UInt64 = 0
            var j = 0
            for i in 0..<count {
                // `+ i` as in the C loop: the sum cannot be hoisted out of the cycle.
                acc ^= f[j].encode(format: format) &+ UInt64(truncatingIfNeeded: i)
                j &+= 1
                if j == f.count { j = 0 }
            }
            return acc
        }
    }

    /// The same fold as `fold` in codec_reference.c: every field of the
    /// descriptor's kind counts (a leaf's for a block or page, a table's
    /// for a table), as a reader of the decoded fields reads them.
    @inline(__always)
    static func fold(_ acc: UInt64, _ f: DescriptorFields) -> UInt64 {
        // Branch-free, as C's 0/1 fields are: a Bool is one byte holding 0 or 1.
        @inline(__always) func b(_ v: Bool, _ shift: UInt64) -> UInt64 { UInt64(unsafeBitCast(v, to: UInt8.self)) << shift }
        let spare = f.ignored ^ f.res0
        @inline(__always) func leaf(_ kindCode: UInt64) -> UInt64 {
            let small = kindCode | UInt64(f.attrIndx) << 3 | f.ap.rawValue << 6 | f.sh.rawValue << 8
                | UInt64(f.software) << 10 | UInt64(f.pbha) << 14
                | b(f.ns, 20) | b(f.af, 21) | b(f.nG, 22) | b(f.nT, 23) | b(f.gp, 24) | b(f.dbm, 25)
                | b(f.contiguous, 26) | b(f.pxn, 27) | b(f.uxn, 28)
            return acc &* 31 &+ (f.outputAddress ^ spare ^ small)
        }
        switch f.kind {
        case .page: return leaf(3)
        case .block: return leaf(2)
        case .table:
            let small = 1 | f.apTable.rawValue << 18 | b(f.pxnTable, 29) | b(f.uxnTable, 30) | b(f.nsTable, 31)
            return acc &* 31 &+ (f.nextTable ^ spare ^ small)
        case .invalid: return acc &* 31 &+ spare
        case .reserved: return acc &* 31 &+ (spare ^ 4)
        }
    }
}
