/// One named field of a system register: its Arm ARM name, position, the
/// key used in JSON and on the command line, and how its value reads.
public struct RegisterField: Hashable, Sendable {
    /// How a field's value is presented.
    public enum Presentation: Hashable, Sendable {
        case number, flag, hex
    }

    /// JSON key and option name (lower camel case of the Arm ARM name).
    public let key: String
    /// The Arm ARM spelling, e.g. `T0SZ`.
    public let armName: String
    public let bits: BitField
    public let presentation: Presentation
    /// One line on what the field does.
    public let summary: String

    public init(_ key: String, _ armName: String, _ bits: BitField, _ presentation: Presentation, _ summary: String) {
        self.key = key
        self.armName = armName
        self.bits = bits
        self.presentation = presentation
        self.summary = summary
    }
}

/// A system register as a raw value with a table of named fields.
public protocol SystemRegister: RawRepresentable, Hashable, Sendable where RawValue == UInt64 {
    static var name: String { get }
    static var fields: [RegisterField] { get }
}

extension SystemRegister {
    /// Bits that no named field covers.
    public static var unnamedMask: UInt64 { ~fields.reduce(0) { $0 | $1.bits.mask } }

    public subscript(field: RegisterField) -> UInt64 {
        get { field.bits.extract(rawValue) }
        set { self = Self(rawValue: field.bits.inserting(newValue, into: rawValue))! }
    }

    public static func field(named key: String) -> RegisterField? {
        fields.first { $0.key == key || $0.armName.lowercased() == key.lowercased() }
    }
}
