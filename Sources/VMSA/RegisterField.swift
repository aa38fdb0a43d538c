/// One named field of a system register: its Arm ARM name, position, the
/// key used in JSON and on the command line, and how its value reads.
public struct RegisterField: Hashable, Sendable {
    /// How a field's value is presented.
    public enum Presentation: Hashable, Sendable {
        /// `number`: a decimal field value; `flag`: one bit, printed as true or false; `hex`: an address-like field, printed as `0x…`.
        case number, flag, hex
    }

    /// JSON key and option name (lower camel case of the Arm ARM name).
    public let key: String
    /// The Arm ARM spelling, e.g. `T0SZ`.
    public let armName: String
    /// The field's position in the register, `[msb:lsb]`.
    public let bits: BitField
    /// How `decode` prints the value and `encode` parses it.
    public let presentation: Presentation
    /// One line on what the field does.
    public let summary: String

    /// A field from its JSON key, Arm ARM spelling, position, presentation and summary.
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
    /// The Arm ARM register name, e.g. `TCR_EL1`.
    static var name: String { get }
    /// Every named field of the register, lowest bit first.
    static var fields: [RegisterField] { get }
    /// Bits that are RES1 (reset and written as one); none by default.
    static var res1Mask: UInt64 { get }
    /// Whether the bits no field names are RES0 (true) or fields of the
    /// register that this model leaves unnamed (HCR_EL2's traps).
    static var unnamedBitsAreRES0: Bool { get }
}

extension SystemRegister {
    /// No RES1 bits unless a register says so.
    public static var res1Mask: UInt64 { 0 }
    /// Unnamed bits are RES0 unless a register says otherwise.
    public static var unnamedBitsAreRES0: Bool { true }

    /// Bits that no named field covers and that are not RES1.
    public static var unnamedMask: UInt64 { ~fields.reduce(res1Mask) { $0 | $1.bits.mask } }

    /// RES1 bits that are clear in this value.
    public var res1Clear: UInt64 { ~rawValue & Self.res1Mask }

    /// The value of `field`, right-aligned; setting it replaces only that field's bits.
    // Inlinable: composing a register (TCR_EL1 in every TableBuilder.init)
    // otherwise goes through the unspecialised protocol witnesses per field.
    @inlinable
    public subscript(field: RegisterField) -> UInt64 {
        get { field.bits.extract(rawValue) }
        set { self = Self(rawValue: field.bits.inserting(newValue, into: rawValue))! }
    }

    /// The field whose JSON key or Arm ARM name (case-insensitive) is `key`.
    public static func field(named key: String) -> RegisterField? {
        fields.first { $0.key == key || $0.armName.lowercased() == key.lowercased() }
    }
}
