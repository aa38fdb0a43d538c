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
        switch code {
        case UInt8(VMSA_FSC_ADDRESS_SIZE_LM1): return "address size fault at level -1 (\(hex))"
        case UInt8(VMSA_FSC_TRANSLATION_LM1): return "translation fault at level -1 (\(hex))"
        case UInt8(VMSA_FSC_EXTERNAL_WALK_LM1): return "external abort on the walk at level -1 (\(hex))"
        case UInt8(VMSA_FSC_EXTERNAL): return "synchronous external abort (\(hex))"
        default: break
        }
        let level = code & 0b11
        let name: String
        switch code & ~0b11 {
        case UInt8(VMSA_FSC_ADDRESS_SIZE): name = "address size fault"
        case UInt8(VMSA_FSC_TRANSLATION): name = "translation fault"
        case UInt8(VMSA_FSC_ACCESS_FLAG): name = "access flag fault"
        case UInt8(VMSA_FSC_PERMISSION): name = "permission fault"
        case UInt8(VMSA_FSC_EXTERNAL_WALK): name = "external abort on the walk"
        default: return "fault (\(hex))"
        }
        return "\(name) at level \(level) (\(hex))"
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
