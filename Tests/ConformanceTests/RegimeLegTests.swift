import Foundation
import Testing
import VMSA
import VMSATables
@testable import Conformance

/// The regime part of the matrix: what each configuration plants, that the
/// comparison catches every PAR field, that a QEMU deviation is counted only
/// with its cause, and every regime against QEMU's MMU.
@Suite struct RegimeLegTests {
    @Test func everyConfigurationPlantsFaultsAtEveryTableLevel() throws {
        let runner = try Self.preparingRunner()
        for (i, spec) in runner.regimes.enumerated() {
            let c = try runner.prepareRegime(i)
            #expect(c.vas.count == 400, "\(spec.name)")
            #expect(c.plants.contains { $0.hasPrefix("invalid-table") }, "\(spec.name)")
            #expect(c.plants.contains { $0.hasPrefix("reserved-l3") }, "\(spec.name)")
            #expect(c.plants.contains { $0.hasPrefix("leaf-beyond-pa") }, "\(spec.name)")
            if spec.kind == .twoStage {
                #expect(c.plants.contains { $0.hasPrefix("stage-2 ") }, "\(spec.name)")
                #expect(c.image.twoStage != nil)
            }
            // The same seed prepares the same case.
            #expect(try runner.prepareRegime(i).image == c.image)
        }
    }

    @Test func stageTwoFaultsOnTheStage1WalkAreProbed() throws {
        let runner = try Self.preparingRunner()
        let i = try #require(runner.regimes.firstIndex { $0.kind == .twoStage })
        let c = try runner.prepareRegime(i)
        let walkFaults = c.vas.filter { va in
            RegimeLeg.expected(c, .s12e1r, va: va)?.stage1Walk == true
        }
        #expect(!walkFaults.isEmpty)
    }

    /// Every field of PAR_EL1 is compared.
    @Test func comparisonCatchesEveryField() {
        let ok = RegimeLeg.Expected(pa: 0x8000_1234, attribute: MemoryAttribute(rawValue: 0xff), sh: .innerShareable)
        func par(pa: UInt64 = 0x8000_1000, attr: UInt64 = 0xff, sh: UInt64 = 3) -> PhysicalAddressRegister {
            PhysicalAddressRegister(rawValue: attr << 56 | pa | sh << 7)
        }
        #expect(RegimeLeg.compare(par(), ok).agrees)
        #expect(!RegimeLeg.compare(par(pa: 0x8000_2000), ok).agrees)
        #expect(!RegimeLeg.compare(par(attr: 0x44), ok).agrees)
        #expect(!RegimeLeg.compare(par(sh: 2), ok).agrees)
        // A stage-2 translation fault at level 3 on the stage-1 walk: F, FST, S, PTW.
        let fault = RegimeLeg.Expected(fault: TranslationFault(kind: .translation, level: .three), stage2: true, stage1Walk: true,
                                       stage1Level: .three)
        func faulted(fst: UInt64 = 0b000111, s: UInt64 = 1, ptw: UInt64 = 1) -> PhysicalAddressRegister {
            PhysicalAddressRegister(rawValue: 1 | fst << 1 | ptw << 8 | s << 9)
        }
        #expect(RegimeLeg.compare(faulted(), fault).agrees)
        #expect(!RegimeLeg.compare(faulted(fst: 0b000110), fault).agrees)
        #expect(!RegimeLeg.compare(faulted(s: 0), fault).agrees)
        #expect(!RegimeLeg.compare(faulted(ptw: 0), fault).agrees)
        #expect(!RegimeLeg.compare(par(), fault).agrees)
    }

    /// QEMU's deviations are counted only where vmsa's answer names the cause.
    @Test func deviationsNeedTheirCause() {
        // s1ptw-level: the stage-1 level (2) instead of the stage-2 one (3), on the walk only.
        let onWalk = RegimeLeg.Expected(fault: TranslationFault(kind: .translation, level: .three), stage2: true, stage1Walk: true,
                                        stage1Level: .two)
        let atLevel2 = PhysicalAddressRegister(rawValue: 1 | 0b000110 << 1 | 1 << 8 | 1 << 9)
        #expect(RegimeLeg.compare(atLevel2, onWalk) == (true, .stage1WalkFaultLevel))
        var access = onWalk
        access.stage1Walk = false
        access.stage1Level = nil
        let accessAtLevel2 = PhysicalAddressRegister(rawValue: 1 | 0b000110 << 1 | 1 << 9)
        #expect(!RegimeLeg.compare(accessAtLevel2, access).agrees)
        // s2-device-combine: Normal Non-cacheable over Device-GRE reads as Device-nGnRE in QEMU.
        var device = RegimeLeg.Expected(pa: 0x9000_0000, attribute: MemoryAttribute(rawValue: 0x0c), sh: .outerShareable)
        device.stage1Attribute = MemoryAttribute(rawValue: 0x44)
        let nGnRE = PhysicalAddressRegister(rawValue: 0x04 << 56 | 0x9000_0000 | 2 << 7)
        #expect(RegimeLeg.compare(nGnRE, device) == (true, .stage2DeviceCombine))
        device.stage1Attribute = MemoryAttribute(rawValue: 0xff)
        #expect(!RegimeLeg.compare(nGnRE, device).agrees)
    }

    /// One configuration of every kind against QEMU's MMU (`vmsa conform`
    /// runs them all).
    @Test(arguments: RegimeSpec.Kind.allCases)
    func agreesWithQEMU(kind: RegimeSpec.Kind) throws {
        let toolchain = try Fixtures.toolchain()
        let runner = ConformanceRunner(toolchain: toolchain, probesPerConfiguration: 400)
        let i = try #require(runner.regimes.firstIndex { $0.kind == kind })
        let result = runner.runRegime(i)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.probes == 400)
        #expect(result.failed == 0, "\(result.legs.first?.mismatches.first?.description ?? "")")
    }

    static func preparingRunner() throws -> ConformanceRunner {
        ConformanceRunner(toolchain: try Fixtures.toolchain(), probesPerConfiguration: 400)
    }
}

/// `conform --image` on images of other regimes: the README's examples.
@Suite struct RegimeImageTests {
    @Test(arguments: ["stage2-kvm.json", "two-stage.json"])
    func exampleImagesAgreeWithQEMU(file: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("examples/layouts/\(file)"), encoding: .utf8)
        let image = try TableImage(layout: Layout.parse(text))
        let (result, skipped) = ImageConformance.run(image, probes: 2000, seed: ConformanceRunner.defaultSeed, toolchain: try Fixtures.toolchain())
        #expect(skipped == nil)
        #expect(result.regime == (file == "two-stage.json" ? "s1+s2" : "s2"))
        #expect(result.probes == 2000)
        #expect(result.failed == 0 && result.errors.isEmpty, "\(result.errors) \(result.legs.first?.mismatches.first?.description ?? "")")
    }
}
