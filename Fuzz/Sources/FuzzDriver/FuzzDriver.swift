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
        guard remaining >= 8 else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    public mutating func byte() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
}
