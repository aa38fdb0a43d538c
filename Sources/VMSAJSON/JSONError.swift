/// A JSON text that could not be read, or a value of the wrong shape.
/// Every message names the offending place and what was expected.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence that names the offending place and what was expected.
    public let message: String
    /// An error carrying `message`.
    public init(_ message: String) { self.message = message }
    /// The message, as the CLI prints it on standard error.
    public var description: String { message }
}
