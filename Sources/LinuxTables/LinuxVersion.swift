/// An arm64 Linux kernel version whose page-table software bits the
/// library can read. The model itself (`LinuxPTE`, `SwapEntry`, replay)
/// always holds entries in `model`'s layout; an entry read from another
/// version's tables is converted first (`LinuxSoftwareLayout.modelPTE`).
public enum LinuxVersion: String, CaseIterable, Hashable, Sendable {
    /// Linux v6.1 (LTS): PROT_NONE is PTE_PROT_NONE [58] (PMD_PRESENT_INVALID [59]), swap type in [7:3], no uffd-wp.
    case v6_1 = "v6.1"
    /// Linux v6.12 (LTS), the model's layout: PTE_PRESENT_INVALID [11] (PTE_NG's bit, read while PTE_VALID is clear), uffd-wp.
    case v6_12 = "v6.12"

    /// The version the model's own representation is pinned to.
    public static let model = LinuxVersion.v6_12

    /// The version a kernel release names (`uname -r`: "6.1.0-13-arm64",
    /// "6.12.3", "6.12-rc1"): its major.minor, whatever follows; nil for a
    /// version whose layout the library does not know.
    public init?(release: String) {
        let parts = release.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1].prefix(while: \.isNumber)) else { return nil }
        self.init(rawValue: "v\(major).\(minor)")
    }

    /// Where this version keeps its software state.
    public var layout: LinuxSoftwareLayout {
        switch self {
        case .v6_1: .v6_1
        case .v6_12: .v6_12
        }
    }
}
