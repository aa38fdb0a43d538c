import VMSA
import VMSAJSON

/// A layout file: one EL1&0 regime described as a configuration, an ordered
/// list of mappings and optional hierarchical table attributes.
///
///     { "tablesBase": "0x40100000", "paBits": 48, "ds": false,
///       "mair": "0x000000000044ff04",        // or ["device-nGnRnE", "normal-wb", …]
///       "ttbr0": { "granule": "64k", "vaBits": 48, "asid": 0 },
///       "ttbr1": { "granule": "4k", "vaBits": 48 },
///       "mappings": [ { "va": "0xffff000000000000", "pa": "0x40000000", "size": "0x40000000",
///                       "attrIndx": 1, "ap": 0, "sh": 3, "af": true, "ng": false,
///                       "pxn": false, "uxn": true, "leaf": "auto" } ],
///       "tables": [ { "va": "0x0", "level": 1, "apTable": 1, "pxnTable": true } ] }
public struct Layout: Hashable, Sendable {
    /// The regime: registers, halves and where the tables go.
    public var configuration: RegimeConfiguration
    /// The mappings, applied in order.
    public var mappings: [MappingRequest]
    /// Applied after every mapping, in order.
    public var tables: [TableAttributeRequest]
    /// An EL1&0 layout's stage 2 (`"stage2"`): the tables that map its IPAs,
    /// the stage-1 tables' own included.
    public var stage2: Layout? {
        get { stage2Storage.first }
        set { stage2Storage = newValue.map { [$0] } ?? [] }
    }
    /// An array, so that a layout may hold a layout.
    private var stage2Storage: [Layout] = []
    /// HCR_EL2 with a stage 2: VM, and FWB and PTW as the layout says.
    public var hcr: HCR

    /// A layout from its parts.
    public init(configuration: RegimeConfiguration, mappings: [MappingRequest], tables: [TableAttributeRequest] = [],
                stage2: Layout? = nil, hcr: HCR = HCR(rawValue: 0)) {
        self.configuration = configuration
        self.mappings = mappings
        self.tables = tables
        self.hcr = hcr
        self.stage2 = stage2
    }

    /// Parses a layout file's JSON text. Unknown keys, missing required keys
    /// and values of the wrong kind are errors naming the key.
    public static func parse(_ text: String) throws(LayoutError) -> Layout {
        do {
            return try LayoutParser.parse(JSONParser.parse(text))
        } catch let e as JSONError {
            throw .json(e)
        } catch let e as LayoutError {
            throw e
        } catch {
            throw .json(JSONError("\(error)"))
        }
    }
}

extension TableImage {
    /// Builds a layout's regime: the configuration, then every mapping in
    /// order, then the table attributes. Mappings that overlap each other are
    /// refused before anything is built, naming both. With a stage 2, both
    /// regimes are built and each page of the stage-1 tables (which sit at
    /// IPAs) is placed at the PA stage 2 maps it to; a page stage 2 does not
    /// map is left out, and a stage-1 walk that needs it takes a stage-2 fault.
    public init(layout: Layout) throws(LayoutError) {
        let first = try buildOneStage(layout)
        guard let s2 = layout.stage2 else { self = first; return }
        let second: TableImage
        do { second = try buildOneStage(s2) } catch { throw .stage2(error) }
        self = try TwoStageImage.combine(stage1: first, stage2: second, hcr: layout.hcr)
    }
}

func buildOneStage(_ layout: Layout) throws(LayoutError) -> TableImage {
    var builder: TableBuilder
    do { builder = try TableBuilder(layout.configuration) } catch { throw .configuration(error) }
    // Each range on its own first, so that the overlap check sees sane ranges.
    for (i, m) in layout.mappings.enumerated() {
        do { _ = try builder.resolve(va: m.va.rawValue, size: m.size) } catch { throw .mapping(index: i, error) }
    }
    let order = layout.mappings.indices.sorted { layout.mappings[$0].va < layout.mappings[$1].va }
    for (a, b) in zip(order, order.dropFirst()) {
        let first = layout.mappings[a], second = layout.mappings[b]
        if second.va.rawValue <= first.lastVA {
            let (x, y) = a < b ? (a, b) : (b, a)
            let mx = layout.mappings[x], my = layout.mappings[y]
            throw .overlap(first: x, firstRange: mx.va.rawValue...mx.lastVA, second: y, secondRange: my.va.rawValue...my.lastVA)
        }
    }
    for (i, m) in layout.mappings.enumerated() {
        do { try builder.map(m) } catch { throw .mapping(index: i, error) }
    }
    for (i, t) in layout.tables.enumerated() {
        do { try builder.setTableAttributes(t) } catch { throw .table(index: i, error) }
    }
    builder.memory.shrinkToFit()
    return builder.image
}

/// Why a layout was refused: one sentence naming the place and the value.
public enum LayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON, or a key missing, unknown or of the wrong kind.
    case json(JSONError)
    /// The regime configuration was refused.
    case configuration(BuildError)
    /// Mapping `index` (from 0) was refused.
    case mapping(index: Int, BuildError)
    /// Table attribute entry `index` (from 0) was refused.
    case table(index: Int, BuildError)
    /// Two mappings cover some VA each.
    case overlap(first: Int, firstRange: ClosedRange<UInt64>, second: Int, secondRange: ClosedRange<UInt64>)
    /// An error in the `"stage2"` layout.
    indirect case stage2(LayoutError)
    /// A stage-1 table page whose IPA stage 2 maps onto stage-2 tables or another stage-1 table page.
    case stage1TablesOverlap(ipa: UInt64, pa: UInt64)

    /// The error as one sentence naming the place in the layout and the value.
    public var description: String {
        func span(_ r: ClosedRange<UInt64>) -> String { "\(Hex.short(r.lowerBound))-\(Hex.short(r.upperBound))" }
        switch self {
        case .json(let e): return e.message
        case .configuration(let e): return "layout: \(e.description)"
        case .mapping(let i, let e): return "mappings[\(i)]: \(e.description)"
        case .table(let i, let e): return "tables[\(i)]: \(e.description)"
        case .stage2(.configuration(let e)): return "stage2: \(e.description)"
        case .stage2(let e): return "stage2." + e.description
        case .stage1TablesOverlap(let ipa, let pa):
            return "stage 2 maps the stage-1 table page at IPA \(Hex.short(ipa)) to PA \(Hex.short(pa)), which already holds table memory; expected the stage-1 tables at PAs of their own"
        case .overlap(let a, let ra, let b, let rb):
            return "mappings[\(b)] (va \(span(rb))) overlaps mappings[\(a)] (va \(span(ra))); expected disjoint VA ranges"
        }
    }
}
