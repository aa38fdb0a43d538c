import VMSA
import VMSATables

/// One configuration of the conformance matrix: a regime (granule and VA
/// size per half, PA size, DS, TCR flags) whose mappings, planted faults and
/// probe addresses are drawn from the run's seed.
public struct MatrixConfiguration: Hashable, Sendable {
    public var name: String
    public var configuration: RegimeConfiguration
    /// TCR_EL1.HD (with HA): hardware dirty state, set on the built image.
    public var hardwareDirty = false
    /// A half whose TTBR base is moved beyond the output size after the
    /// build: every walk of it is an address size fault at level 0.
    package var baseBeyondPA: TranslationTableBase?

    public init(name: String, configuration: RegimeConfiguration, hardwareDirty: Bool = false,
                baseBeyondPA: TranslationTableBase? = nil) {
        self.name = name
        self.configuration = configuration
        self.hardwareDirty = hardwareDirty
        self.baseBeyondPA = baseBeyondPA
    }
}

/// A configuration made concrete for one seed: vmsa's layout and image, the
/// image the walk and MMU legs probe (with planted faults), and the probes.
public struct PreparedConfiguration: Sendable {
    public var spec: MatrixConfiguration
    public var layout: Layout
    /// `TableImage(layout: layout)`: what the layout leg compares.
    public var built: TableImage
    /// `built` with the plants and register changes: what the walk and MMU legs probe.
    public var image: TableImage
    package var plants: [Plant]
    package var graft: StubGraft?
    /// Addresses to probe (none inside `graft.claimed`).
    public var vas: [UInt64]
}
