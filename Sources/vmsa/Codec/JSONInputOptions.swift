import ArgumentParser

/// Options an encode command reads only from its own options: with `--json`
/// each input line carries its own fields, so one given as well would be
/// dropped. It is refused by name instead.
enum JSONInputOptions {
    /// Throws for the first of `options` that was given.
    static func refuse(_ options: [(given: Bool, option: String)]) throws {
        if let first = options.first(where: \.given) {
            throw ValidationError("\(first.option) does not apply with --json: each JSON line carries its own fields")
        }
    }
}
