import VMSA

/// What every encode command prints for a value it encoded: the raw word in
/// hex, or with `--json` one JSON Lines object `{"raw":"0x…"}`, the key
/// `decode --json` gives the same word (and `encode --json` reads past).
enum EncodedValue {
    static func print(_ raw: UInt64, json: Bool) {
        if json {
            Output.json([("raw", .hex(raw))])
        } else {
            Output.line(Hex.format(raw))
        }
    }
}
