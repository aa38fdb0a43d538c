import Foundation
import Testing
@testable import GuestCapture
import VMSA
import VMSATables

@Suite("Capture over the GDB remote protocol")
struct CaptureTests {
    /// A per-process layout: a 4K kernel half and a 64K process half with a
    /// contiguous run and a read-only page, as the bundled example.
    static func image(_ name: String = "per-process-64k.json") throws -> TableImage {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/layouts/\(name)")
        return try TableImage(layout: Layout.parse(String(contentsOf: url, encoding: .utf8)))
    }

    /// VAs from every walk item of both halves, plus random ones.
    static func addresses(_ image: TableImage) -> [UInt64] {
        GroundTruthCheck.addresses(in: image, limit: 4000, seed: 7)
    }

    /// The capture translates every address exactly as the original image,
    /// for each access kind and EL, and holds only the reachable tables.
    func expectSameWalks(_ original: TableImage, _ captured: TableImage) {
        for va in Self.addresses(original) {
            for access in AccessKind.allCases {
                for el in ExceptionLevel.allCases {
                    let a = original.translate(VirtualAddress(va), access: access, el: el)
                    let b = captured.translate(VirtualAddress(va), access: access, el: el)
                    #expect(a == b, "VA \(Hex.format(va)) \(access) \(el)")
                }
            }
        }
    }

    @Test(arguments: ["per-process-64k.json", "both-16k.json", "lpa2-52bit.json"])
    func capturesWhatTheImageTranslates(_ layout: String) throws {
        let original = try Self.image(layout)
        // EL1h with PAN set: PSTATE.EL in bits [3:2], PAN in bit 22.
        let stub = FakeStub(image: original, pstate: 1 << 22 | 0b0101)
        let gdb = try GDBRemote(connectingTo: stub.address)
        let capture = try GuestCapture(gdb)
        try gdb.detach()
        stub.wait()
        #expect(capture.pstate.exceptionLevel == 1)
        #expect(capture.pstate.pan)
        #expect(capture.image.state.pan)
        #expect(capture.image.tcr == original.tcr && capture.image.mair == original.mair)
        #expect(capture.image.ttbr0 == original.ttbr0 && capture.image.ttbr1 == original.ttbr1)
        #expect(capture.missing.isEmpty)
        #expect(capture.tables == ReachableTables(original.regime, in: original).tables.count)
        #expect(!stub.physicalMode, "the stub is left in virtual-address mode")
        var unpanned = capture.image
        unpanned.state.pan = false
        expectSameWalks(original, unpanned)
    }

    @Test func acknowledgedModeAndRunLengthReplies() throws {
        let original = try Self.image()
        let stub = FakeStub(image: original, pstate: 0b0101, noAckMode: false, runLength: true)
        let gdb = try GDBRemote(connectingTo: stub.address)
        let capture = try GuestCapture(gdb)
        try gdb.detach()
        stub.wait()
        expectSameWalks(original, capture.image)
    }

    @Test func aTableOutsideMemoryIsMissingNotFatal() throws {
        var original = try Self.image()
        // Point TTBR1's first valid root entry at a table beyond the image's memory.
        let root = try #require(original.regime.root(.ttbr1, in: original)).get()
        let index = try #require((0..<root.count).first { if case .table = root.role($0) { return true } else { return false } })
        let elsewhere: UInt64 = 0x7000_0000
        let patched = original.setWord(elsewhere | 0b11, atPhysicalAddress: root.entryAddress(index))
        #expect(patched)
        let stub = FakeStub(image: original, pstate: 0b0101)
        let gdb = try GDBRemote(connectingTo: stub.address)
        let capture = try GuestCapture(gdb)
        try gdb.detach()
        stub.wait()
        #expect(capture.missing.map(\.address) == [elsewhere])
        let va = root.va(of: index)
        #expect(capture.image.translate(VirtualAddress(va), access: .read, el: .el1) == .failure(.notCaptured(elsewhere, level: root.level.next)))
    }

    @Test func aStubWithoutSystemRegistersIsNamed() throws {
        let stub = FakeStub(image: try Self.image(), pstate: 0b0101, hidden: ["TCR_EL1"])
        let gdb = try GDBRemote(connectingTo: stub.address)
        #expect(throws: GuestError.missingRegister(["TCR_EL1"])) { try GuestCapture(gdb) }
        try gdb.detach()
        stub.wait()
    }

    @Test func connectionErrorsNameTheAddress() {
        #expect(throws: GuestError.self) { try GDBRemote(connectingTo: "localhost") }
        do {
            // Port 1 on loopback: nothing listens there.
            _ = try GDBRemote(connectingTo: "127.0.0.1:1")
            Issue.record("connected to port 1")
        } catch {
            #expect(error.description.hasPrefix("cannot connect to 127.0.0.1:1"))
        }
    }
}

extension GuestError: Equatable {
    public static func == (a: GuestError, b: GuestError) -> Bool { a.description == b.description }
}
