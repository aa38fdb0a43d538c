import FuzzDriver
import VMSAJSON

// The JSON parser: any bytes either parse or throw a JSONError, and what
// parses writes back to text that parses to the same value.
runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let value = try? JSONParser.parse(text) else { return }
    let written = value.jsonText
    guard let again = try? JSONParser.parse(written) else {
        preconditionFailure("written JSON does not parse: \(written)")
    }
    precondition(again == value, "JSON round trip changed the value")
    if let reader = try? JSONObjectReader(value, context: "fuzz") { _ = reader.keys }
}
