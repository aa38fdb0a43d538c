@testable import Conformance
import Testing
import VMSA
import VMSATables

/// The default matrix is large enough, reproducible from its seed, and
/// covers what the issue asks for (checked on vmsa's own answers, without QEMU).
@Suite struct MatrixTests {
    static let runner = ConformanceRunner(toolchain: ProbeToolchain(probeDirectory: "", qemuUser: "", qemuSystem: ""))
    static let prepared: [PreparedConfiguration] = (0..<runner.configurations.count).map { try! runner.prepare($0) }

    @Test func defaultRunHasEnoughConfigurationsAndProbes() {
        #expect(Self.prepared.count >= 36)
        let addresses = Self.prepared.reduce(0) { $0 + $1.vas.count }
        // Each address is one probe of the walk leg and one of the MMU leg.
        #expect(addresses >= 100_000)
        #expect(Self.prepared.allSatisfy { $0.vas.count == ConformanceRunner.defaultProbes })
    }

    @Test func seedReproducesTheMatrix() throws {
        let again = try Self.runner.prepare(5)
        #expect(again.vas == Self.prepared[5].vas)
        #expect(again.image == Self.prepared[5].image)
        #expect(again.plants == Self.prepared[5].plants)
        var other = Self.runner
        other.seed = 42
        #expect(try other.prepare(5).vas != Self.prepared[5].vas)
    }

    @Test func noProbeTouchesTheStubGraft() {
        for p in Self.prepared {
            guard let graft = p.graft else { continue }
            #expect(!p.vas.contains { graft.claimed.contains($0) }, "\(p.spec.name)")
        }
        // Every configuration gets real accesses.
        #expect(Self.prepared.allSatisfy { $0.graft != nil })
    }

    struct Coverage {
        var faults = Set<String>()
        var leaves = Set<String>()
        var permissions = Set<UInt64>()
        var hierarchicalAP = false
        var hierarchicalXN = false
        var granuleMixes = Set<String>()
    }

    static let coverage: Coverage = {
        typealias B = Descriptor.Bits
        var c = Coverage()
        for p in prepared {
            let img = p.image
            c.granuleMixes.insert("\(img.half(.ttbr0)?.granule.name ?? "-")/\(img.half(.ttbr1)?.granule.name ?? "-")")
            for va in p.vas {
                for a in ProbeAccess.allCases {
                    switch img.translate(VirtualAddress(va), access: a.kind, el: a.el) {
                    case .failure(let f):
                        c.faults.insert("\(f.kind.rawValue) \(f.level.rawValue)")
                    case .success(let t):
                        let g = img.half(t.ttbr)!.granule.name
                        c.leaves.insert("\(g) \(t.level.rawValue)\(t.contiguous ? " contiguous" : "")")
                        let d = t.descriptor.rawValue
                        c.permissions.insert(B.ap.extract(d) | B.pxn.extract(d) << 2 | B.uxn.extract(d) << 3)
                        if t.ap.rawValue != B.ap.extract(d) { c.hierarchicalAP = true }
                        if t.uxn && !B.uxn.isSet(d) { c.hierarchicalXN = true }
                    }
                }
            }
        }
        return c
    }()

    @Test func everyFaultTypeAtEveryLevel() {
        let c = Self.coverage
        for level in -1...3 { #expect(c.faults.contains("translation \(level)")) }
        for level in -1...3 { #expect(c.faults.contains("addressSize \(level)")) }
        for level in 0...3 { #expect(c.faults.contains("accessFlag \(level)")) }
        for level in 0...3 { #expect(c.faults.contains("permission \(level)")) }
    }

    @Test func blocksAtEveryLegalLevelPagesAndRuns() {
        let c = Self.coverage
        for leaf in ["4k 0", "4k 1", "4k 2", "4k 3", "16k 1", "16k 2", "16k 3", "64k 1", "64k 2", "64k 3",
                     "4k 2 contiguous", "4k 3 contiguous", "16k 2 contiguous", "16k 3 contiguous",
                     "64k 2 contiguous", "64k 3 contiguous"] {
            #expect(c.leaves.contains(leaf), "\(leaf)")
        }
    }

    @Test func everyPermissionCombinationAndHierarchicalAttributes() {
        let c = Self.coverage
        #expect(c.permissions == Set(0..<16))
        #expect(c.hierarchicalAP)
        #expect(c.hierarchicalXN)
        for mix in ["4k/4k", "16k/16k", "64k/64k", "16k/4k", "64k/4k"] { #expect(c.granuleMixes.contains(mix)) }
    }

    @Test func plantsAreFlaggedByVMSAsDescriptorChecks() {
        for p in Self.prepared {
            for plant in p.plants where plant.kind == .illegalBlock || plant.kind == .leafBeyondPA || plant.kind == .tableBeyondPA {
                let ttbr: TranslationTableBase = plant.va & (1 << 55) != 0 ? .ttbr1 : .ttbr0
                let h = p.image.half(ttbr)!
                let format = try! DescriptorFormat(granule: h.granule, ds: h.format.ds, paBits: h.outputBits)
                let problems = Descriptor(rawValue: plant.new).problems(at: plant.level, format: format)
                #expect(!problems.isEmpty, "\(p.spec.name): \(plant)")
            }
        }
    }
}
