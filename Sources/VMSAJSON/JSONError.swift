/// A JSON text that could not be read, or a value of the wrong shape.
/// Every message names the offending place and what was expected.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
