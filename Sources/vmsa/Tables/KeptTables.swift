import VMSA
import VMSATables

/// What `convert` and `import` keep must hold a table: an image file holds
/// at least its start-level tables (`ImageError.noMemory`), so an output
/// with none would not load. Says why none was kept.
enum KeptTables {
    static func require(_ kept: TableImage, _ reach: ReachableTables, regime: TranslationRegime, name: String,
                        verb: String, source: String) throws {
        guard kept.memorySegments.isEmpty else { return }
        guard !reach.missing.isEmpty else {
            throw CLIError(.dataError, "TCR_EL1 \(regime.tcr) enables no walk (EPD0 and EPD1 set, or reserved granules): there are no tables to \(verb)")
        }
        let roots = reach.missing.map { "\($0.ttbr)'s root at PA \(Hex.short($0.address))" }
        throw CLIError(.dataError, "\(name): no table is in the \(source): \(roots.joined(separator: " and ")) \(roots.count == 1 ? "is" : "are") outside it")
    }
}
