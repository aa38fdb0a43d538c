import Foundation
import VMSA
import VMSATables

/// A table page as people have it in a file: raw little-endian words (a
/// `dd` or `pmemsave` of the page), or a hexdump as `od -A x -t x8`,
/// `devmem`, crash's `rd -64` or `xxd` print it.
///
/// Text is read line by line. A leading offset (a token ending in `:`, or
/// the first of several tokens when it is shorter than a word) is skipped;
/// 16-digit tokens are 64-bit words in the order given; 4-digit tokens
/// (`xxd`'s byte pairs, in file order) are gathered as little-endian bytes;
/// xxd's ASCII column, after two spaces, is ignored.
enum TablePageFile {
    /// Most words a file may hold: one 64K page of descriptors.
    static let maxWords = Granule.k64.entriesPerTable
    /// Most bytes a file may hold: one 64K page in the widest hexdump (crash's `rd -64`, ~330 KiB).
    static let maxFileBytes = 1 << 20

    static func words(path: String) throws -> [UInt64] {
        let data = try Output.read(path, atMost: maxFileBytes, expected: "one table page, as raw words or a hexdump")
        let bytes = [UInt8](data)
        let isText = !bytes.isEmpty && bytes.allSatisfy { $0 == 0x0a || $0 == 0x0d || $0 == 0x09 || (0x20..<0x7f).contains($0) }
        let words = isText ? try text(String(decoding: bytes, as: UTF8.self), path: path) : try raw(bytes, path: path)
        guard !words.isEmpty else { throw CLIError(.dataError, "\(path) holds no descriptors; expected little-endian words or a hexdump") }
        guard words.count <= maxWords else {
            throw CLIError(.dataError, "\(path) holds \(words.count) descriptors; expected at most \(maxWords) (one 64K table)")
        }
        return words
    }

    static func raw(_ bytes: [UInt8], path: String) throws -> [UInt64] {
        let size = Int(DescriptorLayout.bytes)
        guard bytes.count % size == 0 else {
            throw CLIError(.dataError, "\(path) is \(bytes.count) bytes, not a whole number of 8-byte descriptors")
        }
        return stride(from: 0, to: bytes.count, by: size).map { at in littleEndian(bytes[at..<(at + size)]) }
    }

    static func text(_ text: String, path: String) throws -> [UInt64] {
        var words: [UInt64] = []
        var pending: [UInt8] = []   // xxd bytes not yet a whole word
        var lastLine: [UInt64] = [] // od's "*": lines like the last one until the next offset
        var repeating = false
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // xxd: the ASCII column follows two spaces after the hex.
            let hexPart = line.range(of: "  ").map { line[..<$0.lowerBound] } ?? line[...]
            var tokens = hexPart.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if tokens == ["*"] { repeating = true; continue }
            // A leading offset: "ADDR:" (xxd, crash), or a short first token (od; alone, its closing offset).
            var offset: UInt64?
            if let first = tokens.first, first.hasSuffix(":")
                || (digits(first).count < 16 && (tokens.count > 1 || repeating || digits(first).count != 4)) {
                offset = UInt64(digits(String(first.dropLast(first.hasSuffix(":") ? 1 : 0))), radix: 16)
                tokens.removeFirst()
            }
            if repeating, let offset, !lastLine.isEmpty {
                while UInt64(words.count) &* DescriptorLayout.bytes < offset, words.count <= maxWords { words += lastLine }
                repeating = false
            }
            let before = words.count
            for token in tokens {
                let d = digits(token)
                guard !d.isEmpty, let value = UInt64(d, radix: 16) else {
                    throw CLIError(.dataError, "\(path) line \(n + 1): \"\(token)\" is not a hex word; expected 16 hex digits (or xxd's 4-digit byte pairs)")
                }
                switch d.count {
                case 16: words.append(value)
                case 4:
                    pending += [UInt8(value >> 8), UInt8(value & 0xff)]
                    if pending.count == Int(DescriptorLayout.bytes) {
                        words.append(littleEndian(pending[...]))
                        pending.removeAll()
                    }
                default:
                    throw CLIError(.dataError, "\(path) line \(n + 1): \"\(token)\" has \(d.count) hex digits; expected 16 (a word) or 4 (xxd)")
                }
            }
            if words.count > before { lastLine = Array(words[before...]) }
        }
        guard pending.isEmpty else { throw CLIError(.dataError, "\(path) ends with \(pending.count) bytes, not a whole 8-byte descriptor") }
        return words
    }

    /// The little-endian word in `bytes` (8 of them).
    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (k, b) in bytes.enumerated() { value |= UInt64(b) << (8 * UInt64(k)) }
        return value
    }

    /// `token` without a `0x` prefix.
    static func digits(_ token: String) -> Substring {
        token.hasPrefix("0x") || token.hasPrefix("0X") ? token.dropFirst(2) : token[...]
    }
}

/// One descriptor of a table page on one line, as a ptdump of one table:
/// its index, raw value, kind, address and the attributes that are set.
enum DescriptorLine {
    static func render(index: Int, raw: UInt64, level: Level, format: DescriptorFormat) -> String {
        let f = DescriptorFields(decoding: raw, level: level, format: format)
        var parts = ["[\(index)]", Hex.format(raw), f.kind.rawValue]
        switch f.kind {
        case .table:
            parts.append("-> \(Hex.short(f.nextTable))")
            if f.apTable != .noEffect { parts.append("APTable=\(f.apTable.rawValue)") }
            if f.pxnTable { parts.append("PXNTable") }
            if f.uxnTable { parts.append("UXNTable") }
            if f.nsTable { parts.append("NSTable") }
        case .block, .page:
            parts.append("-> \(Hex.short(f.outputAddress))")
            parts.append("AttrIndx=\(f.attrIndx) AP=\(f.ap.rawValue) SH=\(f.sh.rawValue)")
            let flags: [(Bool, String)] = [(f.af, "AF"), (f.nG, "nG"), (f.contiguous, "CONT"), (f.dbm, "DBM"), (f.pxn, "PXN"),
                                           (f.uxn, "UXN"), (f.ns, "NS"), (f.gp, "GP"), (f.nT, "nT")]
            parts += flags.filter(\.0).map(\.1)
            if f.software != 0 { parts.append("SW=\(f.software)") }
        case .invalid, .reserved:
            break
        }
        let problems = Descriptor(rawValue: raw).problems(at: level, format: format)
        if !problems.isEmpty { parts.append("[\(problems.map(\.description).joined(separator: "; "))]") }
        return parts.joined(separator: " ")
    }
}
