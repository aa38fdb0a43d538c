import ArgumentParser
import VMSAJSON

/// A single-value option given twice is a usage error naming it.
///
/// argument-parser keeps the last value and drops the others without a word
/// (`translate IMG 0x0 --access r --access w` reads w). Array options
/// (`--field`, `--ram`) and flags may repeat; every other option is counted
/// here, by every name it has, before the command is parsed.
enum RepeatedOptions {
    /// Throws for the first single-value option of `command` that
    /// `arguments` give more than once (up to a `--` terminator).
    static func check(_ command: ParsableCommand.Type, _ arguments: ArraySlice<String>) throws {
        let options = singleValueOptions(command)
        guard !options.isEmpty else { return }
        // The option (by its first name), how it was spelled and its value.
        var given: [String: (spelling: String, value: String)] = [:]
        for (i, argument) in zip(arguments.indices, arguments) {
            if argument == "--" { break }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            guard let spelling = parts.first, let option = options[spelling] else { continue }
            let next = arguments.index(after: i)
            let value = parts.count > 1 ? parts[1] : next < arguments.endIndex ? arguments[next] : ""
            if let earlier = given[option] {
                throw ValidationError("\(spelling) is given more than once (\(earlier.spelling) \(earlier.value), then \(spelling) \(value)); it takes one value")
            }
            given[option] = (spelling, value)
        }
    }

    /// Every spelling of each single-value option, mapped to one name per
    /// option, from argument-parser's own description of the command.
    private static func singleValueOptions(_ command: ParsableCommand.Type) -> [String: String] {
        guard let info = try? JSONParser.parse(command._dumpHelp()),
              case .array(let arguments)? = info["command"]?["arguments"] else { return [:] }
        var spellings: [String: String] = [:]
        for argument in arguments {
            guard argument["kind"] == .string("option"), argument["isRepeating"] == .bool(false),
                  case .array(let names)? = argument["names"] else { continue }
            let all = names.compactMap(spelling)
            guard let first = all.first else { continue }
            for s in all { spellings[s] = first }
        }
        return spellings
    }

    /// `--name`, `-n` or `-name`, as argument-parser's description kinds say.
    private static func spelling(_ name: JSONValue) -> String? {
        guard case .string(let kind)? = name["kind"], case .string(let text)? = name["name"] else { return nil }
        switch kind {
        case "long": return "--" + text
        case "short", "longWithSingleDash": return "-" + text
        default: return nil
        }
    }
}
