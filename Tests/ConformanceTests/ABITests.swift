import CShims
import Testing
import VMSA
import VMSATables

/// The C records Swift imports have exactly the layout the assembly uses
/// (CShims.h also checks each offset with _Static_assert on the C side).
@Suite struct ABITests {
    @Test func recordSizesMatchTheOffsetsTheProbesUse() {
        #expect(MemoryLayout<vmsa_probe_header>.size == Int(VMSA_HDR_SIZE))
        #expect(MemoryLayout<vmsa_probe_header>.size == 128)
        #expect(MemoryLayout<vmsa_probe_patch>.size == 16)
        #expect(MemoryLayout<vmsa_map_request>.size == Int(VMSA_REQ_RECORD_SIZE))
        #expect(MemoryLayout<vmsa_map_request>.size == 48)
        #expect(MemoryLayout<vmsa_walk_result>.size == Int(VMSA_WALK_RECORD_SIZE))
        #expect(MemoryLayout<vmsa_walk_result>.size == 48)
        #expect(MemoryLayout<vmsa_mmu_result>.size == Int(VMSA_MMU_RECORD_SIZE))
        #expect(MemoryLayout<vmsa_mmu_result>.size == 136)
        #expect(MemoryLayout<vmsa_result_header>.size == Int(VMSA_RES_SIZE))
        #expect(MemoryLayout<vmsa_result_header>.size == 64)
        #expect(MemoryLayout<vmsa_regime_header>.size == Int(VMSA_RHDR_SIZE))
        #expect(MemoryLayout<vmsa_regime_header>.size == 128)
        #expect(MemoryLayout<vmsa_regime_segment>.size == Int(VMSA_SEG_RECORD_SIZE))
        #expect(MemoryLayout<vmsa_regime_result>.size == Int(VMSA_REGIME_RECORD_SIZE))
        #expect(MemoryLayout<vmsa_regime_result>.size == 8 + 8 * Int(VMSA_RAT_COUNT))
    }

    @Test func fieldOffsetsMatch() {
        #expect(MemoryLayout<vmsa_probe_header>.offset(of: \.tcr) == Int(VMSA_HDR_TCR))
        #expect(MemoryLayout<vmsa_probe_header>.offset(of: \.stub_va) == Int(VMSA_HDR_STUB_VA))
        #expect(MemoryLayout<vmsa_map_request>.offset(of: \.level) == Int(VMSA_REQ_LEVEL))
        #expect(MemoryLayout<vmsa_map_request>.offset(of: \.ns_table) == Int(VMSA_REQ_NS_TABLE))
        #expect(MemoryLayout<vmsa_walk_result>.offset(of: \.access) == Int(VMSA_WALK_ACCESS))
        #expect(MemoryLayout<vmsa_mmu_result>.offset(of: \.esr) == Int(VMSA_MMU_ESR))
        #expect(MemoryLayout<vmsa_mmu_result>.offset(of: \.far) == Int(VMSA_MMU_FAR))
        #expect(MemoryLayout<vmsa_result_header>.offset(of: \.ttbr1) == Int(VMSA_RES_TTBR1))
        #expect(MemoryLayout<vmsa_regime_header>.offset(of: \.vttbr) == Int(VMSA_RHDR_VTTBR))
        #expect(MemoryLayout<vmsa_regime_header>.offset(of: \.record_count) == Int(VMSA_RHDR_RECORD_COUNT))
        #expect(MemoryLayout<vmsa_regime_result>.offset(of: \.par) == Int(VMSA_REGIME_PAR))
    }

    @Test func magicsSpellTheirNames() {
        let probe = withUnsafeBytes(of: UInt64(VMSA_PROBE_MAGIC).littleEndian) { Array($0) }
        let result = withUnsafeBytes(of: UInt64(VMSA_RESULT_MAGIC).littleEndian) { Array($0) }
        #expect(String(decoding: probe, as: UTF8.self) == "VMSAPRB1")
        #expect(String(decoding: result, as: UTF8.self) == "VMSARES1")
    }

    @Test func faultStatusCodesAreTheArmEncodings() {
        // ESR_ELx.DFSC: 0b0001LL translation, 0b0010LL access flag, 0b0011LL permission.
        #expect(VMSA_FSC_TRANSLATION + 2 == 0b000110)
        #expect(VMSA_FSC_ACCESS_FLAG + 3 == 0b001011)
        #expect(VMSA_FSC_PERMISSION + 1 == 0b001101)
        #expect(VMSA_FSC_TRANSLATION_LM1 == 0b101011)
        #expect(VMSA_FSC_ADDRESS_SIZE_LM1 == 0b101001)
        #expect(VMSA_FSC_EXTERNAL == 0b010000)
    }

    /// vmsa's status codes are the probe ABI's, and read back to the same fault.
    @Test func statusCodesMatchTheABIAndReadBack() {
        let groups: [(FaultKind, Int32)] = [(.addressSize, VMSA_FSC_ADDRESS_SIZE), (.translation, VMSA_FSC_TRANSLATION),
                                            (.accessFlag, VMSA_FSC_ACCESS_FLAG), (.permission, VMSA_FSC_PERMISSION)]
        for (kind, base) in groups {
            for l in 0...3 {
                let f = TranslationFault(kind: kind, level: Level(rawValue: l)!)
                #expect(Int32(f.statusCode) == base + Int32(l))
                #expect(TranslationFault(statusCode: f.statusCode) == f)
            }
        }
        #expect(Int32(TranslationFault(kind: .translation, level: .minus1).statusCode) == VMSA_FSC_TRANSLATION_LM1)
        #expect(TranslationFault(statusCode: UInt8(VMSA_FSC_ADDRESS_SIZE_LM1)) == TranslationFault(kind: .addressSize, level: .minus1))
        #expect(Int32(TranslationFault(kind: .notCaptured, level: .two).statusCode) == VMSA_FSC_EXTERNAL_WALK + 2)
        #expect(TranslationFault(statusCode: UInt8(VMSA_FSC_EXTERNAL_WALK + 2)) == nil)
        #expect(TranslationFault(statusCode: UInt8(VMSA_FSC_EXTERNAL)) == nil)
    }
}
