import ArgumentParser
import LinuxTables
import VMSA
import VMSAJSON

/// `decode --linux VERSION`: a value read as that kernel's arm64 page-table
/// code means it (LinuxTables' entry model): present with its software
/// state, PROT_NONE, swap, migration, device, hwpoison or a marker.
enum LinuxReading {
    /// The kernel versions whose entry layout the model pins.
    static let versions = [LinuxKernel.version]

    static func check(_ version: String) throws {
        guard versions.contains(version) else {
            throw ValidationError("--linux \(version) is not a modelled kernel; expected \(versions.joined(separator: ", "))")
        }
    }

    /// The Linux meaning as JSON fields.
    static func fields(_ raw: UInt64) -> [(String, JSONValue)] {
        let pte = LinuxPTE(raw)
        let entry = LinuxEntry(pte)
        var out: [(String, JSONValue)] = [("version", .string(LinuxKernel.version)), ("kind", .string(entry.kindName))]
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
        }
        return out
    }

    /// The Linux meaning on one line.
    static func text(_ raw: UInt64) -> String {
        let pte = LinuxPTE(raw)
        let what: String
        switch LinuxEntry(pte) {
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
        }
        return "Linux \(LinuxKernel.version)  \(what)"
    }
}
