import CShims
import VMSA
import VMSATables

/// A fault status code (ESR_ELx.{I,D}FSC, PAR_EL1.FST) read back into what it
/// says, for messages.
enum FaultStatus {
    /// "translation fault at level 2 (FSC 0x06)".
    static func describe(_ fsc: UInt8) -> String {
        let code = fsc & UInt8(VMSA_STATUS_FSC_MASK)
        let hex = "FSC " + Hex.format(UInt64(code), digits: 2)
        if let fault = TranslationFault(statusCode: code) { return "\(fault) (\(hex))" }
        switch code {
        case UInt8(VMSA_FSC_EXTERNAL_WALK_LM1): return "external abort on the walk at level -1 (\(hex))"
        case UInt8(VMSA_FSC_EXTERNAL): return "synchronous external abort (\(hex))"
        default: break
        }
        guard code & ~0b11 == UInt8(VMSA_FSC_EXTERNAL_WALK) else { return "fault (\(hex))" }
        return "external abort on the walk at level \(code & 0b11) (\(hex))"
    }
}

extension TranslationFault {
    /// The fault a status code names, the inverse of `statusCode` for
    /// address size, translation, access flag and permission faults; nil for
    /// any other code (external aborts, TLB conflicts, reserved values).
    init?(statusCode code: UInt8) {
        switch code {
        case UInt8(VMSA_FSC_ADDRESS_SIZE_LM1): self.init(kind: .addressSize, level: .minus1); return
        case UInt8(VMSA_FSC_TRANSLATION_LM1): self.init(kind: .translation, level: .minus1); return
        default: break
        }
        let kind: FaultKind
        switch code & ~0b11 {
        case UInt8(VMSA_FSC_ADDRESS_SIZE): kind = .addressSize
        case UInt8(VMSA_FSC_TRANSLATION): kind = .translation
        case UInt8(VMSA_FSC_ACCESS_FLAG): kind = .accessFlag
        case UInt8(VMSA_FSC_PERMISSION): kind = .permission
        default: return nil
        }
        self.init(kind: kind, level: Level(uncheckedRawValue: Int(code & 0b11)))
    }
}

extension Result where Success == Translation, Failure == TranslationFault {
    /// vmsa's answer, as mismatch messages print it.
    var answerText: String {
        switch self {
        case .success(let t):
            return "PA \(t.pa) level \(t.level.rawValue) ATTR \(t.mairAttr) SH \(t.sh.rawValue) AP \(t.ap.rawValue) PXN \(t.pxn ? 1 : 0) UXN \(t.uxn ? 1 : 0) descriptor \(t.descriptor)"
        case .failure(let f):
            return FaultStatus.describe(f.statusCode)
        }
    }
}
