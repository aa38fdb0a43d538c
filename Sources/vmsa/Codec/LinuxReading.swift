import ArgumentParser
import LinuxTables
import VMSA
import VMSAJSON

/// `decode --linux VERSION` (and `trace --linux`): a value read as that
/// kernel's arm64 page-table code means it (LinuxTables' entry model, with
/// that version's software-bit layout): present with its software state,
/// PROT_NONE, swap, migration, device, hwpoison, a marker or (v6.1) a
/// swap-in error.
enum LinuxReading {
    /// The kernel versions whose entry layout the model knows.
    static let versions = LinuxVersion.allCases.map(\.rawValue)

    /// The version `--linux NAME` names; a usage error otherwise.
    static func version(_ name: String) throws -> LinuxVersion {
        guard let version = LinuxVersion(rawValue: name) else {
            throw ValidationError("--linux \(name) is not a modelled kernel; expected \(versions.joined(separator: ", "))")
        }
        return version
    }

    /// The Linux meaning as JSON fields. Flags are read from the entry in
    /// the model's layout (`modelPTE`), so they mean the same in every version.
    static func fields(_ raw: UInt64, version: LinuxVersion, level: Level) -> [(String, JSONValue)] {
        let pte = version.layout.modelPTE(raw, level: level)
        let entry = version.layout.entry(raw, level: level)
        var out: [(String, JSONValue)] = [("version", .string(version.rawValue)), ("kind", .string(entry.kindName))]
        switch entry {
        case .none: break
        case .present(let pfn, let valid):
            out += [("pfn", .hex(pfn)), ("valid", .bool(valid)), ("protNone", .bool(pte.isProtNone)),
                    ("young", .bool(pte.isYoung)), ("dirty", .bool(pte.isDirty)), ("write", .bool(pte.isWrite)),
                    ("special", .bool(pte.isSpecial)), ("uffdWP", .bool(pte.isUffdWP)), ("user", .bool(pte.isUser))]
        case .swap(let type, let offset, let exclusive):
            out += [("type", .int(type)), ("offset", .hex(offset)), ("exclusive", .bool(exclusive))]
        case .migration(let pfn, let writable, let exclusive), .device(let pfn, let writable, let exclusive):
            out += [("pfn", .hex(pfn)), ("writable", .bool(writable)), ("exclusive", .bool(exclusive))]
        case .hwpoison(let pfn):
            out += [("pfn", .hex(pfn))]
        case .marker(let bits):
            out += [("marker", .hex(bits))]
        case .swapinError(let pfn):
            out += [("pfn", .hex(pfn))]
        }
        return out
    }

    /// The Linux meaning on one line.
    static func text(_ raw: UInt64, version: LinuxVersion, level: Level) -> String {
        let pte = version.layout.modelPTE(raw, level: level)
        let what: String
        switch version.layout.entry(raw, level: level) {
        case .none: what = "pte_none"
        case .present(let pfn, let valid):
            var flags: [String] = []
            if pte.isProtNone { flags.append("PROT_NONE") } else if !valid { flags.append("present-invalid") }
            if pte.isYoung { flags.append("young") }
            if pte.isDirty { flags.append("dirty") }
            if pte.isWrite { flags.append("write") }
            if pte.isSpecial { flags.append("special") }
            if pte.isUffdWP { flags.append("uffd-wp") }
            if pte.isUser { flags.append("user") }
            what = "present, PFN \(Hex.short(pfn))" + (flags.isEmpty ? "" : " (" + flags.joined(separator: ", ") + ")")
        case .swap(let type, let offset, let exclusive):
            what = "swap entry, type \(type), offset \(Hex.short(offset))\(exclusive ? ", exclusive" : "")"
        case .migration(let pfn, let writable, let exclusive):
            what = "migration entry, PFN \(Hex.short(pfn)), \(writable ? "write" : exclusive ? "read-exclusive" : "read")"
        case .device(let pfn, let writable, let exclusive):
            what = "device-\(exclusive ? "exclusive" : "private") entry, PFN \(Hex.short(pfn)), \(writable ? "write" : "read")"
        case .hwpoison(let pfn):
            what = "hwpoison entry, PFN \(Hex.short(pfn))"
        case .marker(let bits):
            what = "PTE marker \(Hex.short(bits))"
        case .swapinError(let pfn):
            what = "swap-in error entry, PFN \(Hex.short(pfn))"
        }
        return "Linux \(version.rawValue)  \(what)"
    }
}
