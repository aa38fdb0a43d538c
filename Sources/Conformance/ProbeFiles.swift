import CShims
import Foundation
import VMSA
import VMSATables

/// The bytes of one probe input file (CShims.h): a `vmsa_probe_header`,
/// then table memory, graft patches and records, in that order.
struct ProbeInput {
    private(set) var bytes: [UInt8] = []

    /// An empty file, for a probe with its own header record (the regime probe).
    init() {}

    init(leg: ProbeLeg, tcr: TCR, mair: MAIR, ttbr0: TTBR, ttbr1: TTBR, tablesBase: UInt64, tablesSize: UInt64,
         recordCount: Int, patchCount: Int = 0, stubVA: UInt64 = 0, flags: UInt64 = 0) {
        var header = vmsa_probe_header()
        header.magic = UInt64(VMSA_PROBE_MAGIC)
        header.version = UInt32(VMSA_PROBE_VERSION)
        header.leg = leg.abiValue
        header.tcr = tcr.rawValue
        header.mair = mair.rawValue
        header.ttbr0 = ttbr0.rawValue
        header.ttbr1 = ttbr1.rawValue
        header.tables_base = tablesBase
        header.tables_size = tablesSize
        header.record_count = UInt64(recordCount)
        header.patch_count = UInt64(patchCount)
        header.stub_va = stubVA
        header.flags = flags
        append(header)
    }

    /// Appends the bytes of a trivial C record.
    mutating func append<T>(_ record: T) {
        withUnsafeBytes(of: record) { bytes.append(contentsOf: $0) }
    }

    mutating func append(words: UnsafeBufferPointer<UInt64>) {
        for w in words { append(w.littleEndian) }
    }

    mutating func append(bytes more: [UInt8]) { bytes.append(contentsOf: more) }

    func write(to path: String) throws(ConformanceError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw .io(path: path, reason: "cannot be written")
        }
    }
}

/// A probe output file: a `vmsa_result_header`, then the leg's payload.
struct ProbeOutput {
    let header: vmsa_result_header
    /// Bytes after the header.
    let payload: [UInt8]

    init(path: String, leg: ProbeLeg) throws(ConformanceError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "the probe wrote no output file")
        }
        let bytes = [UInt8](data)
        let size = Int(VMSA_RES_SIZE)
        guard bytes.count >= size else {
            throw .malformedOutput(leg: leg, reason: "\(bytes.count) bytes is shorter than the \(size)-byte result header")
        }
        header = bytes.withUnsafeBytes { $0.loadUnaligned(as: vmsa_result_header.self) }
        guard header.magic == UInt64(VMSA_RESULT_MAGIC), header.version == UInt32(VMSA_PROBE_VERSION), header.leg == leg.abiValue else {
            throw .malformedOutput(leg: leg, reason: "the result header has magic \(Hex.format(header.magic)), version \(header.version), leg \(header.leg)")
        }
        guard header.status == UInt64(VMSA_RUN_OK) else { throw Self.failure(leg: leg, status: header.status, detail: header.detail) }
        payload = Array(bytes[size...])
    }

    /// The error a run status other than VMSA_RUN_OK stands for.
    static func failure(leg: ProbeLeg, status: UInt64, detail: UInt64) -> ConformanceError {
        switch status {
        case UInt64(VMSA_RUN_WINDOW_UNMAPPED): .el3WindowUnmapped(par: PhysicalAddressRegister(rawValue: detail))
        default: .probeFailed(leg: leg, status: Int32(truncatingIfNeeded: status), detail: "detail \(Hex.short(detail))")
        }
    }

    /// The `index`-th record of `stride` bytes starting `offset` bytes into the payload.
    func record<T>(_ index: Int, stride: Int, offset: Int = 0, as type: T.Type) -> T {
        payload.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + index * stride, as: type) }
    }

    /// Checks that the payload holds `count` records of `stride` bytes after `offset` bytes.
    func expect(records count: Int, stride: Int, offset: Int = 0, leg: ProbeLeg) throws(ConformanceError) {
        guard Int(header.record_count) == count, payload.count == offset + count * stride else {
            throw .malformedOutput(leg: leg, reason: "expected \(count) records of \(stride) bytes after \(offset) bytes, got \(header.record_count) records in \(payload.count) bytes")
        }
    }
}

/// A scratch directory for one probe run's files, removed afterwards.
struct ScratchDirectory {
    let path: String

    init() throws(ConformanceError) {
        let base = FileManager.default.temporaryDirectory.path
        let template = base + "/vmsa-conform-XXXXXX"
        var chars = Array(template.utf8CString)
        guard let made = mkdtemp(&chars) else { throw .io(path: template, reason: String(cString: strerror(errno))) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
