import CReference
import VMSA

/// `encode` and `decode` (raw → every field), 10^7 descriptors each, against
/// the C reference in Sources/CReference/codec_reference.c.
enum CodecBench {
    static let fullCount = 10_000_000
    /// Distinct words cycled through: enough to defeat value prediction,
    /// small enough to stay in L1/L2 so the codec, not memory, is measured.
    static let distinctWords = 4096
    /// Levels cycled through, so table, block and page paths all run.
    static let levels: [Level] = [.one, .two, .three, .three]

    static func cases(scale: Int) -> [BenchCase] {
        let count = max(1, fullCount / scale)
        let format = try! DescriptorFormat(granule: .k4)
        var cFormat = ref_descriptor_format(page_shift: Int32(format.granule.pageShift), ds: 0)
        var rng = SplitMix64(seed: 0x766d_7361)
        // 15 of 16 words valid, the rest invalid: the common mix of a live table.
        let words: [UInt64] = (0..<distinctWords).map { _ in
            let r = rng.next()
            return r & 0xf == 0 ? r & ~1 : r | 1
        }
        let levelNumbers = levels.map { Int32($0.rawValue) }
        let levelMask = levels.count - 1
        let swiftFields = words.enumerated().map { i, w in
            DescriptorFields(decoding: w, level: levels[i & levelMask], format: format)
        }
        let cFields: [ref_descriptor_fields] = words.enumerated().map { i, w in
            var f = ref_descriptor_fields()
            ref_decode(w, levelNumbers[i & levelMask], &cFormat, &f)
            return f
        }
        return [
            BenchCase(
                name: "encode", unit: "descriptor",
                swift: { (count, swiftEncodeLoop(swiftFields, format: format, count: count)) },
                c: {
                    (count, cFields.withUnsafeBufferPointer { ref_encode_loop($0.baseAddress, $0.count, &cFormat, count) })
                }),
            BenchCase(
                name: "decode", unit: "descriptor",
                swift: { (count, swiftDecodeLoop(words, format: format, count: count)) },
                c: {
                    (count, words.withUnsafeBufferPointer { w in
                        levelNumbers.withUnsafeBufferPointer { l in
                            ref_decode_loop(w.baseAddress, w.count, l.baseAddress, levelMask, &cFormat, count)
                        }
                    })
                }),
        ]
    }

    @inline(never)
    static func swiftDecodeLoop(_ words: [UInt64], format: DescriptorFormat, count: Int) -> UInt64 {
        words.withUnsafeBufferPointer { w in
            var acc: UInt64 = 0
            var j = 0
            let mask = levels.count - 1
            for i in 0..<count {
                let f = DescriptorFields(decoding: w[j], level: levels[i & mask], format: format)
                acc = fold(acc, f)
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

    /// The same fold as `fold` in codec_reference.c: every field counts.
    @inline(__always)
    static func fold(_ acc: UInt64, _ f: DescriptorFields) -> UInt64 {
        let kindCode: UInt64
        switch f.kind {
        case .invalid: kindCode = 0
        case .table: kindCode = 1
        case .block: kindCode = 2
        case .page: kindCode = 3
        case .reserved: kindCode = 4
        }
        @inline(__always) func b(_ v: Bool, _ shift: UInt64) -> UInt64 { (v ? 1 : 0) << shift }
        let small = kindCode | UInt64(f.attrIndx) << 3 | f.ap.rawValue << 6 | f.sh.rawValue << 8
            | UInt64(f.software) << 10 | UInt64(f.pbha) << 14 | f.apTable.rawValue << 18
            | b(f.ns, 20) | b(f.af, 21) | b(f.nG, 22) | b(f.nT, 23) | b(f.gp, 24) | b(f.dbm, 25)
            | b(f.contiguous, 26) | b(f.pxn, 27) | b(f.uxn, 28) | b(f.pxnTable, 29)
            | b(f.uxnTable, 30) | b(f.nsTable, 31)
        return acc &* 31 &+ (f.outputAddress ^ f.nextTable ^ f.ignored ^ f.res0 ^ small)
    }
}
