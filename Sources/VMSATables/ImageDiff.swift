import VMSA

/// What one address translates to, for comparing images: a PA with its
/// effective attributes, or a fault.
public enum TranslationOutcome: Hashable, Sendable, CustomStringConvertible {
    /// A stage-1 translation: the PA and the leaf's effective attributes.
    case mapped(pa: PhysicalAddress, attributes: LeafAttributes)
    /// A stage-2 image's IPA: the PA and the stage-2 attributes.
    case mappedStage2(pa: PhysicalAddress, attributes: Stage2LeafAttributes)
    /// The walk faults.
    case fault(TranslationFault)

    /// The PA and attributes, or the fault, in one line.
    public var description: String {
        switch self {
        case .mapped(let pa, let a): return "\(pa) \(a.summary)"
        case .mappedStage2(let pa, let a): return "\(pa) \(a.summary)"
        case .fault(let f): return f.description
        }
    }
}

/// A VA range where two images translate differently; `a` and `b` are the
/// outcomes at its first address.
public struct TranslationDifference: Hashable, Sendable, CustomStringConvertible {
    /// The half the range is in.
    public var ttbr: TranslationTableBase
    /// The range's first VA.
    public var va: VirtualAddress
    /// The range's size in bytes.
    public var size: UInt64
    /// What the first image gives at `va`.
    public var a: TranslationOutcome
    /// What the second image gives at `va`.
    public var b: TranslationOutcome

    /// The range's last VA.
    public var lastVA: UInt64 { va.rawValue &+ (size &- 1) }
    /// `first-last: a vs b`, in one line.
    public var description: String { "\(va)-\(Hex.format(lastVA)): \(a) vs \(b)" }
}

extension TableImage {
    /// The VA ranges, per half, whose translation differs between `self`
    /// and `other`. Two addresses translate the same when both map to the
    /// same PA with the same effective attributes (the memory type MAIR
    /// gives, not the AttrIndx that selects it; the Contiguous hint aside),
    /// or both fault with the same kind (the level may differ with
    /// the geometry). Covers the union of both images' ranges of each half;
    /// outside an image's range, it faults at level 0.
    /// Both images must be of one regime (`DiffError.regimes`); two-stage
    /// images are compared stage by stage (`stageDifferences`).
    public func differences(from other: TableImage) -> [TranslationDifference] {
        var out: [TranslationDifference] = []
        for t in regime.ranges {
            let ra = half(t)?.vaRange ?? tcr.vaRange(t)
            let rb = other.half(t)?.vaRange ?? other.tcr.vaRange(t)
            let union = min(ra.lowerBound, rb.lowerBound)...max(ra.upperBound, rb.upperBound)
            var sa = OutcomeSegments(image: self, ttbr: t, range: union)
            var sb = OutcomeSegments(image: other, ttbr: t, range: union)
            var a = sa.next(), b = sb.next()
            var cursor = union.lowerBound
            while let x = a, let y = b {
                let end = min(x.last, y.last)
                let oa = x.outcome(at: cursor), ob = y.outcome(at: cursor)
                if !Self.same(oa, ob) {
                    if var previous = out.last, previous.ttbr == t, previous.lastVA &+ 1 == cursor,
                       Self.continues(previous.a, previous.size, oa), Self.continues(previous.b, previous.size, ob) {
                        previous.size &+= end &- cursor &+ 1
                        out[out.count - 1] = previous
                    } else {
                        out.append(TranslationDifference(ttbr: t, va: VirtualAddress(cursor), size: end &- cursor &+ 1, a: oa, b: ob))
                    }
                }
                if end == union.upperBound { break }
                cursor = end &+ 1
                if x.last == end { a = sa.next() }
                if y.last == end { b = sb.next() }
            }
        }
        return out
    }

    static func same(_ a: TranslationOutcome, _ b: TranslationOutcome) -> Bool {
        switch (a, b) {
        case (.fault(let x), .fault(let y)): return x.kind == y.kind
        case (.mapped(let pa, let x), .mapped(let pb, let y)): return pa == pb && observable(x) == observable(y)
        case (.mappedStage2(let pa, let x), .mappedStage2(let pb, let y)): return pa == pb && observable(x) == observable(y)
        default: return false
        }
    }

    /// What an access observes of a stage-2 leaf: everything but the Contiguous hint.
    static func observable(_ a: Stage2LeafAttributes) -> Stage2LeafAttributes {
        var o = a
        o.contiguous = false
        return o
    }

    /// What an access observes of a leaf: everything but the Contiguous hint
    /// and the AttrIndx (two indices whose MAIR bytes agree are the same memory).
    static func observable(_ a: LeafAttributes) -> LeafAttributes {
        var o = a
        o.contiguous = false
        o.attrIndx = 0
        return o
    }

    /// Whether `next` continues `first` after `size` bytes.
    static func continues(_ first: TranslationOutcome, _ size: UInt64, _ next: TranslationOutcome) -> Bool {
        switch (first, next) {
        case (.fault(let x), .fault(let y)): return x.kind == y.kind
        case (.mapped(let pa, let x), .mapped(let pb, let y)):
            return pa.rawValue &+ size == pb.rawValue && observable(x) == observable(y)
        case (.mappedStage2(let pa, let x), .mappedStage2(let pb, let y)):
            return pa.rawValue &+ size == pb.rawValue && observable(x) == observable(y)
        default: return false
        }
    }
}

/// One stretch of a half with a single outcome pattern: a fault, or a
/// linear mapping.
struct OutcomeSegment {
    var first: UInt64
    var last: UInt64
    var fault: TranslationFault?
    var pa: UInt64
    var attributes: LeafAttributes?
    var stage2Attributes: Stage2LeafAttributes? = nil

    func outcome(at va: UInt64) -> TranslationOutcome {
        if let fault { return .fault(fault) }
        let at = PhysicalAddress(pa &+ (va &- first))
        if let stage2Attributes { return .mappedStage2(pa: at, attributes: stage2Attributes) }
        return .mapped(pa: at, attributes: attributes!)
    }
}

/// The segments of one half over `range`, tiling it: the range walk inside
/// the half's own range, level 0 translation faults outside it.
struct OutcomeSegments: IteratorProtocol {
    let range: ClosedRange<UInt64>
    let own: ClosedRange<UInt64>
    var walk: RangeWalk.Iterator
    var cursor: UInt64
    var finished = false

    init(image: TableImage, ttbr: TranslationTableBase, range: ClosedRange<UInt64>) {
        self.range = range
        own = (image.half(ttbr)?.vaRange ?? image.tcr.vaRange(ttbr)).clamped(to: range)
        walk = image.walk(ttbr, range: own, mergingNeighbours: true).makeIterator()
        cursor = range.lowerBound
    }

    mutating func next() -> OutcomeSegment? {
        guard !finished else { return nil }
        let outside = TranslationFault(kind: .translation, level: .zero)
        if cursor < own.lowerBound {
            let s = OutcomeSegment(first: cursor, last: own.lowerBound &- 1, fault: outside, pa: 0, attributes: nil)
            cursor = own.lowerBound
            return s
        }
        if let item = walk.next() {
            if item.lastVA == range.upperBound { finished = true } else { cursor = item.lastVA &+ 1 }
            return OutcomeSegment(first: item.va.rawValue, last: item.lastVA, fault: item.fault, pa: item.pa.rawValue,
                                  attributes: item.attributes, stage2Attributes: item.stage2Attributes)
        }
        finished = true
        guard own.upperBound < range.upperBound else { return nil }
        return OutcomeSegment(first: own.upperBound &+ 1, last: range.upperBound, fault: outside, pa: 0, attributes: nil)
    }
}

/// Why two images cannot be compared.
public enum DiffError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Their regimes differ: an address means something else in each.
    case regimes(TranslationRegimeKind, TranslationRegimeKind)
    /// One has a stage 2, the other not.
    case stages(Bool, Bool)

    /// The error as one sentence naming both images' regimes or stages.
    public var description: String {
        switch self {
        case .regimes(let a, let b): "the images are of different regimes (\(a.armName) and \(b.armName)); expected two images of one regime"
        case .stages(let a, _): "the first image \(a ? "has" : "has no") stage 2 and the second \(a ? "has none" : "has one"); expected both or neither"
        }
    }
}

extension TableImage {
    /// The differences of each stage: one part for a one-stage image, and
    /// for two-stage images the stage-1 tables (as IPA images) and then the
    /// stage-2 tables, each labelled.
    public func stageDifferences(from other: TableImage) throws(DiffError) -> [(stage: Int?, differences: [TranslationDifference])] {
        guard regime.kind == other.regime.kind else { throw .regimes(regime.kind, other.regime.kind) }
        guard (stage2 == nil) == (other.stage2 == nil) else { throw .stages(stage2 != nil, other.stage2 != nil) }
        guard let s2 = stage2View, let o2 = other.stage2View else { return [(nil, differences(from: other))] }
        return [(1, stage1View.differences(from: other.stage1View)), (2, s2.differences(from: o2))]
    }
}
