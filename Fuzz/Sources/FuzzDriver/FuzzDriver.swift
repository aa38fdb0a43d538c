#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's driver entry point, from libclang_rt.fuzzer_no_main.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The one input handler of this process (libFuzzer takes a C function
/// pointer, which cannot capture).
nonisolated(unsafe) private var handler: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer with the process's arguments, feeding every input to `body`.
/// `body` must not crash on any input; a precondition it checks is a finding.
public func runFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    handler = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        handler?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    })
}

/// Reads fuzzer bytes as little-endian words, then as small selectors.
public struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    public mutating func word() -> UInt64? {
        guard remaining >= MemoryLayout<UInt64>.size else { return nil }
        defer { offset += MemoryLayout<UInt64>.size }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Every whole word left, at once (one copy, not a call per word).
    public mutating func words() -> [UInt64] {
        let n = remaining / MemoryLayout<UInt64>.size
        defer { offset += n * MemoryLayout<UInt64>.size }
        return [UInt64](unsafeUninitializedCapacity: n) { out, count in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n * MemoryLayout<UInt64>.size]))
            #if _endian(big)
            for k in 0..<n { out[k] = UInt64(littleEndian: out[k]) }
            #endif
            count = n
        }
    }

    public mutating func byte() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
}
