import ArgumentParser
import GuestCapture
import VMSA
import VMSATables

/// `--gdb HOST:PORT` (and `--stop-at VA`): a live guest read through the
/// GDB remote protocol, in place of an image file.
struct GuestOptions: ParsableArguments {
    @Option(name: .customLong("gdb"), help: ArgumentHelp("Read a live guest through its GDB stub (QEMU's -gdb) instead of an image.", valueName: "host:port"))
    var address: String?
    @Option(name: .customLong("stop-at"), help: ArgumentHelp("With --gdb: first run the guest until it executes this VA (a hardware breakpoint), e.g. a process's loop.", valueName: "va"))
    var stopAt: String?

    var isLive: Bool { address != nil }

    func validate() throws {
        if stopAt != nil, address == nil { throw ValidationError("--stop-at needs --gdb HOST:PORT") }
        if let stopAt, Hex.parse(stopAt) == nil { throw ValidationError("--stop-at \"\(stopAt)\" is not a hex virtual address") }
    }

    /// Connects, stops the guest where asked, and captures it.
    func connect() throws -> (GDBRemote, GuestCapture) {
        guard let address else { throw CLIError(.usage, "no --gdb address") }
        return try Self.mapping { () throws(GuestError) -> (GDBRemote, GuestCapture) in
            let gdb = try GDBRemote(connectingTo: address)
            if let stopAt, let va = Hex.parse(stopAt) { try GuestCapture.stop(gdb, at: va) }
            return (gdb, try GuestCapture(gdb))
        }
    }

    /// The live guest's image; the guest runs on once it is read.
    func image() throws -> TableImage {
        let (gdb, capture) = try connect()
        try Self.mapping { () throws(GuestError) in try gdb.detach() }
        report(capture)
        return capture.image
    }

    /// Warnings about what a capture could not read or may not mean.
    func report(_ capture: GuestCapture) {
        if capture.pstate.exceptionLevel > 1 {
            Output.warning("the CPU stopped at EL\(capture.pstate.exceptionLevel); the EL1&0 registers read may not be the tables in use")
        }
        for t in capture.missing { ImageFiles.warnMissing(t, outside: "the guest's memory") }
    }

    /// Runs `body`, turning a guest error into the contract's exit status:
    /// 64 for an address that is not HOST:PORT, 66 when the stub cannot be
    /// reached, 74 when the connection fails mid-way, 65 for a stub that
    /// breaks the protocol or lacks the registers.
    static func mapping<T>(_ body: () throws(GuestError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .badAddress: throw CLIError(.usage, error.description)
            case .cannotConnect: throw CLIError(.noInput, error.description)
            case .connectionLost: throw CLIError(.ioError, error.description)
            case .protocolError, .refused, .missingRegister, .badRegisters: throw CLIError(.dataError, error.description)
            }
        }
    }
}

/// An image named by a path, or the live guest of `--gdb`.
enum ImageSource {
    /// Exactly one of `path` and `--gdb`.
    static func image(_ path: String?, _ guest: GuestOptions) throws -> TableImage {
        switch (path, guest.isLive) {
        case (let path?, false): return try ImageFiles.image(path)
        case (nil, true): return try guest.image()
        case (_?, true): throw CLIError(.usage, "give an image file or --gdb HOST:PORT, not both")
        case (nil, false): throw CLIError(.usage, "missing an image file (or --gdb HOST:PORT for a live guest)")
        }
    }
}
