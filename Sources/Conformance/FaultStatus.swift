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
