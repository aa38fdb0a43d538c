/// An arm64 Linux kernel version whose page-table software bits the
/// library can read. The model itself (`LinuxPTE`, `SwapEntry`, replay)
/// always holds entries in `model`'s layout; an entry read from another
/// version's tables is converted first (`LinuxSoftwareLayout.modelPTE`).
public enum LinuxVersion: String, CaseIterable, Hashable, Sendable {
    case v6_1 = "v6.1"
    case v6_12 = "v6.12"

    /// The version the model's own representation is pinned to.
    public static let model = LinuxVersion.v6_12

    /// Where this version keeps its software state.
    public var layout: LinuxSoftwareLayout {
        switch self {
        case .v6_1: .v6_1
        case .v6_12: .v6_12
        }
    }
}
