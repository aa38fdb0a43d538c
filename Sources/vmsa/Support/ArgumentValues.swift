import ArgumentParser
import VMSA
import VMSATables

// How library values are spelled on the command line. The parser checks
// them, lists them in --help, and reports a bad one as a usage error (64)
// through the root command, like every other usage error.

/// A granule as `--granule` and friends spell it. `Granule` itself cannot be
/// the option type: argument-parser prints a RawRepresentable default by its
/// raw value, which for `Granule` is the page shift ("default: 12").
enum GranuleArgument: String, ExpressibleByArgument, CaseIterable {
    case k4 = "4k", k16 = "16k", k64 = "64k"

    /// `4k`, `16k`, `64k` (any case, `K`/`KB` suffixes too).
    init?(argument: String) {
        guard let g = Granule(name: argument) else { return nil }
        self.init(g)
    }

    init(_ granule: Granule) {
        switch granule { case .k4: self = .k4; case .k16: self = .k16; case .k64: self = .k64 }
    }

    var granule: Granule {
        switch self { case .k4: .k4; case .k16: .k16; case .k64: .k64 }
    }
}

/// A granule a process can run on natively beside the kernel's 4K tables.
enum NativeGranule: String, ExpressibleByArgument, CaseIterable {
    case k16 = "16k", k64 = "64k"

    var granule: Granule { self == .k16 ? .k16 : .k64 }
}

/// `r`, `w`, `x`.
extension AccessKind: ExpressibleByArgument {}

/// `0`, `1`.
extension ExceptionLevel: ExpressibleByArgument {}

/// `invalid`, `table`, `block`, `page`, `reserved`.
extension DescriptorKind: ExpressibleByArgument {}

/// `--ttbr 0|1` (also `ttbr0`, `ttbr1`).
extension TranslationTableBase: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "0", "ttbr0": self = .ttbr0
        case "1", "ttbr1": self = .ttbr1
        default: return nil
        }
    }
    public var defaultValueDescription: String { "\(rawValue)" }
    public static var allValueStrings: [String] { allCases.map { "\($0.rawValue)" } }
}

/// `--ram FILE@PA`: a raw RAM file and the physical address of its first
/// byte, hex (the `0x` optional), aligned to the smallest page (4K). The
/// last `@` splits, so a path may hold one.
struct RAMPlacement {
    let path: String
    let base: UInt64

    init(_ text: String) throws {
        let expected = "expected FILE@PA with a hex PA aligned to \(Hex.size(Granule.k4.pageSize)), e.g. ram.bin@0x40000000"
        guard let at = text.lastIndex(of: "@"), at != text.startIndex else {
            throw ValidationError("--ram \"\(text)\": \(expected)")
        }
        let file = String(text[..<at]), address = String(text[text.index(after: at)...])
        guard let base = Hex.parse(address) else { throw ValidationError("--ram \"\(text)\": PA \"\(address)\" is not hex; \(expected)") }
        guard base & (Granule.k4.pageSize - 1) == 0 else {
            throw ValidationError("--ram \"\(text)\": PA \(Hex.short(base)) is not aligned to \(Hex.size(Granule.k4.pageSize)); \(expected)")
        }
        path = file
        self.base = base
    }
}

/// `--regime el10|el20|el2|el3|s2`.
extension TranslationRegimeKind: ExpressibleByArgument {}
