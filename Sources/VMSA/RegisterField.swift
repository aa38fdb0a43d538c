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
    /// Bits that are RES1 (reset and written as one); none by default.
    static var res1Mask: UInt64 { get }
    /// Whether the bits no field names are RES0 (true) or fields of the
    /// register that this model leaves unnamed (HCR_EL2's traps).
    static var unnamedBitsAreRES0: Bool { get }
}

extension SystemRegister {
    public static var res1Mask: UInt64 { 0 }
    public static var unnamedBitsAreRES0: Bool { true }

    /// Bits that no named field covers and that are not RES1.
    public static var unnamedMask: UInt64 { ~fields.reduce(res1Mask) { $0 | $1.bits.mask } }

    /// RES1 bits that are clear in this value.
    public var res1Clear: UInt64 { ~rawValue & Self.res1Mask }

    public subscript(field: RegisterField) -> UInt64 {
        get { field.bits.extract(rawValue) }
        set { self = Self(rawValue: field.bits.inserting(newValue, into: rawValue))! }
    }

    public static func field(named key: String) -> RegisterField? {
        fields.first { $0.key == key || $0.armName.lowercased() == key.lowercased() }
    }
}
