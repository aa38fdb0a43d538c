import LinuxTables
import VMSA
import VMSATables

/// Reads the user (TTBR0) half of a captured image, or of the live guest of
/// `--gdb`, as trace records: its source record, then the operations that
/// rebuild its tables, with a warning or note for what is left out.
/// `vmsa trace --image` writes them; `vmsa report --image` models them.
struct ImageProcessReader {
    let file: String?
    let guest: GuestOptions
    let version: LinuxVersion

    /// The source record the trace opens with.
    var source: TraceSource {
        TraceSource(linux: version, from: file.map { "image \($0)" } ?? "gdb \(guest.address ?? "?")")
    }

    /// Reads the tables, handing the source record and then each operation to `emit`.
    func read(_ emit: (TraceRecord) throws -> Void) throws {
        // A two-stage image's Linux tables are its stage 1, read at their IPAs.
        let tables = try ImageSource.image(file, guest).stage1View
        let path = file ?? "the guest at \(guest.address ?? "?")"
        try emit(.source(source))
        let summary: ImageTraceReader.Summary
        var failure: Error?
        do {
            summary = try ImageTraceReader(version: version).read(tables.regime, in: tables) { op in
                guard failure == nil else { return }
                do { try emit(.operation(op)) } catch { failure = error }
            }
        } catch {
            throw CLIError(.dataError, "\(path): \(error)")
        }
        if let failure { throw failure }
        for (pa, level) in summary.notCaptured {
            Output.warning("the level \(level.rawValue) table at PA \(Hex.short(pa)) is not in \(path); the addresses it maps are left out")
        }
        if summary.aboveVALimit > 0 {
            Output.note("\(summary.aboveVALimit) entries at or above \(Hex.short(TraceSynthesizer.vaLimit)) (the model's 48-bit VA) left out")
        }
        if summary.unsupported > 0 {
            Output.warning("\(summary.unsupported) entries the Linux model cannot replay left out (faulting, beyond 48-bit PA, a non-present PUD or a leaf above level 1)")
        }
        Output.note("Linux \(version.rawValue) tables: \(summary.tablesRead) tables read, \(summary.entries) entries: \(summary.operations) operations")
    }
}
