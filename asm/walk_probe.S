// Walk leg: an AArch64 stage-1 table walker for the EL1&0 regime, written
// from the Arm ARM (DDI 0487: AArch64.S1Translate, AArch64.S1Walk,
// AArch64.S1DirectBasePermissions) and run under qemu-aarch64. It reads one
// probe input (CShims.h: header, table memory, virtual addresses) on standard
// input and writes one vmsa_walk_result per address on standard output.
//
// It models the CPU QEMU's -cpu max presents: PARange 52 bits (FEAT_LPA,
// FEAT_LPA2), FEAT_HPDS, FEAT_HAFDBS, FEAT_E0PD; PSTATE.PAN=0, SCTLR.WXN=0.
// Table memory outside the image reads as zero, like QEMU's zeroed RAM.
//
// A static, -nostdlib Linux program: svc #0 for read, write, mmap and exit.

#include "CShims.h"
#include "arm_arch.h"
#include "probe_header.h"

// Descriptor formats of the half being walked (register x8 in `walk`).
#define FORMAT_PLAIN 0          /* 4K/16K, OA[47:page shift] */
#define FORMAT_DS 1             /* 4K/16K with DS=1, OA[51:50] in [9:8] */
#define FORMAT_64K 2            /* 64K, OA[51:48] in [15:12] */

#define LAST_LEVEL 3
#define LEVEL_COUNT_BASE 4      /* start level = 4 - number of levels */
#define BYTE_SHIFT 3            /* log2(bits per byte): MAIR Attr<n> is 8 bits */

    .text
    .global _start
_start:
    adr x19, header
    mov x0, x19
    mov x1, #VMSA_LEG_WALK
    bl read_header

    // Table memory, copied whole into our own buffer.
    ldr x21, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x22, [x19, #VMSA_HDR_TABLES_SIZE]
    add x0, x22, #8
    bl map_anonymous
    mov x20, x0
    mov x1, x22
    bl read_exact

    // The virtual addresses.
    ldr x23, [x19, #VMSA_HDR_RECORD_COUNT]
    lsl x0, x23, #3
    add x0, x0, #8
    bl map_anonymous
    mov x24, x0
    lsl x1, x23, #3
    bl read_exact

    // Results: a header, then one record per address.
    mov x0, #VMSA_WALK_RECORD_SIZE
    mul x27, x23, x0
    add x27, x27, #VMSA_RES_SIZE
    mov x0, x27
    bl map_anonymous
    mov x25, x0
    mov x1, #VMSA_LEG_WALK
    store_result_identity x25, x1, x0
    str x23, [x25, #VMSA_RES_RECORD_COUNT]

    mov x26, #0
1:  cmp x26, x23
    b.hs 2f
    ldr x0, [x24, x26, lsl #3]
    mov x1, #VMSA_WALK_RECORD_SIZE
    madd x1, x26, x1, x25
    add x1, x1, #VMSA_RES_SIZE
    bl walk
    add x26, x26, #1
    b 1b
2:  mov x0, x25
    mov x1, x27
    bl write_all
    mov x0, #VMSA_RUN_OK
    b exit

// oa_of: x3 = the output (or next-table) address held in descriptor x12,
// for page shift x5 and format x8. Uses x17.
oa_of:
    lsr x3, x12, x5
    lsl x3, x3, x5                              // [63:page shift]
    cmp x8, #FORMAT_DS
    b.eq 1f
    and x3, x3, #((1 << (DESC_OA_LOW_MSB + 1)) - 1)
    cmp x8, #FORMAT_64K
    b.ne 2f
    ubfx x17, x12, #DESC_OA_HIGH_64K_LSB, #DESC_OA_HIGH_64K_WIDTH
    orr x3, x3, x17, lsl #DESC_OA_HIGH_64K_SHIFT
    ret
1:  and x3, x3, #((1 << (DESC_OA_LOW_MSB_DS + 1)) - 1)
    ubfx x17, x12, #DESC_OA_HIGH_DS_LSB, #DESC_OA_HIGH_DS_WIDTH
    orr x3, x3, x17, lsl #DESC_OA_HIGH_DS_SHIFT
2:  ret

// walk(x0 = VA, x1 = result record). Globals: x19 header, x20 table memory,
// x21 its PA, x22 its size. Uses x0-x18 and x28.
//
// Registers during the walk:
//   x4 input size (64 - TxSZ)    x5 page shift      x6 index bits per level
//   x7 output size (PA bits)     x8 descriptor format
//   x9 HPDx                      x10 level          x11 table PA
//   x12 descriptor               x13 table descriptors OR-ed (hierarchical bits)
//   x14 TCR_EL1.SHx              x15 E0PDx          x16 shift of the level
//   x18 start level              x3, x17 scratch
walk:
    mov x28, x30
    str x0, [x1, #VMSA_WALK_VA]
    stp xzr, xzr, [x1, #VMSA_WALK_PA]
    stp xzr, xzr, [x1, #VMSA_WALK_LEVEL]
    str xzr, [x1, #VMSA_WALK_RECORD_SIZE - 8]
    ldr x2, [x19, #VMSA_HDR_TCR]

    // VA[55] selects the half (AArch64.GetVARange).
    ubfx x3, x0, #VA_RANGE_SELECT_BIT, #1
    cbnz x3, 1f
    ubfx x4, x2, #TCR_T0SZ_LSB, #TCR_TXSZ_WIDTH
    ubfx x16, x2, #TCR_EPD0_BIT, #1
    ubfx x6, x2, #TCR_TG0_LSB, #TCR_TG_WIDTH
    mov x5, #PAGE_SHIFT_4K
    mov x17, #PAGE_SHIFT_64K
    cmp x6, #TG0_64K
    csel x5, x17, x5, eq
    mov x17, #PAGE_SHIFT_16K
    cmp x6, #TG0_16K
    csel x5, x17, x5, eq
    ubfx x17, x2, #TCR_TBI0_BIT, #1
    ubfx x9, x2, #TCR_HPD0_BIT, #1
    ubfx x14, x2, #TCR_SH0_LSB, #TCR_SH_WIDTH
    ubfx x15, x2, #TCR_E0PD0_BIT, #1
    ldr x11, [x19, #VMSA_HDR_TTBR0]
    b 2f
1:  ubfx x4, x2, #TCR_T1SZ_LSB, #TCR_TXSZ_WIDTH
    ubfx x16, x2, #TCR_EPD1_BIT, #1
    ubfx x6, x2, #TCR_TG1_LSB, #TCR_TG_WIDTH
    mov x5, #PAGE_SHIFT_4K
    mov x17, #PAGE_SHIFT_64K
    cmp x6, #TG1_64K
    csel x5, x17, x5, eq
    mov x17, #PAGE_SHIFT_16K
    cmp x6, #TG1_16K
    csel x5, x17, x5, eq
    ubfx x17, x2, #TCR_TBI1_BIT, #1
    ubfx x9, x2, #TCR_HPD1_BIT, #1
    ubfx x14, x2, #TCR_SH1_LSB, #TCR_SH_WIDTH
    ubfx x15, x2, #TCR_E0PD1_BIT, #1
    ldr x11, [x19, #VMSA_HDR_TTBR1]
2:
    // Every VA bit from the top (63, or 55 with TBI) down to the input size
    // must equal VA[55]; otherwise, or with EPDx=1: translation fault, level 0.
    mov x6, #64
    sub x4, x6, x4
    mov x6, #VA_TOP_BIT
    mov x18, #VA_RANGE_SELECT_BIT
    cmp x17, #0
    csel x6, x18, x6, ne
    add x6, x6, #1
    sub x6, x6, x4                              // width of the checked bits
    lsr x17, x0, x4
    mov x18, #1
    lsl x18, x18, x6
    sub x18, x18, #1
    and x17, x17, x18
    cmp x3, #0
    csel x18, x18, xzr, ne
    cmp x17, x18
    b.ne fault_translation_l0
    cbnz x16, fault_translation_l0

    // Descriptor format and output size. DS applies to 4K and 16K only; their
    // output is 48 bits without it (AArch64.PAMax, S1TTWParams.ps).
    ubfx x8, x2, #TCR_DS_BIT, #1
    cmp x5, #PAGE_SHIFT_64K
    mov x17, #FORMAT_64K
    csel x8, x17, x8, eq
    ubfx x6, x2, #TCR_IPS_LSB, #TCR_IPS_WIDTH
    adr x17, ips_bits
    ldrb w7, [x17, x6]
    cmp x8, #FORMAT_PLAIN
    b.ne 3f
    cmp x7, #OA_BITS_WITHOUT_LPA
    mov x17, #OA_BITS_WITHOUT_LPA
    csel x7, x17, x7, hi
3:
    // Start level: the fewest levels whose index bits cover the input above the page offset.
    sub x6, x5, #DESCRIPTOR_SHIFT
    sub x10, x4, x5
    add x10, x10, x6
    sub x10, x10, #1
    udiv x10, x10, x6
    mov x17, #LEVEL_COUNT_BASE
    sub x10, x17, x10
    mov x18, x10

    // The start table's base (AArch64.TTBaseAddress): BADDR, with BADDR[51:48]
    // in TTBR[5:2] when the output size is 52 bits, aligned to the table size
    // (at least 64 bytes in the 52-bit form).
    cmp x7, #PAMAX_BITS
    b.ne 4f
    ubfx x17, x11, #TTBR_BADDR_HIGH_LSB, #TTBR_BADDR_HIGH_WIDTH
    and x11, x11, #((1 << (TTBR_BADDR_MSB + 1)) - (1 << TTBR_BADDR52_LSB))
    orr x11, x11, x17, lsl #TTBR_BADDR_HIGH_SHIFT
    b 5f
4:  and x11, x11, #((1 << (TTBR_BADDR_MSB + 1)) - (1 << TTBR_BADDR_LSB))
5:  lsr x17, x11, x7
    cbnz x17, fault_address_size_l0
    // log2 of the start table's size: its index bits + 3.
    mov x17, #LAST_LEVEL
    sub x17, x17, x10
    madd x16, x17, x6, x5                       // shift of the start level
    sub x17, x4, x16
    add x17, x17, #DESCRIPTOR_SHIFT
    cmp x7, #PAMAX_BITS
    b.ne 6f
    cmp x17, #TTBR_ALIGN52_SHIFT
    mov x3, #TTBR_ALIGN52_SHIFT
    csel x17, x3, x17, lo
6:  lsr x11, x11, x17
    lsl x11, x11, x17

    mov x13, #0
walk_level:
    // Index of this level: VA[shift + bits - 1 : shift]; the start level
    // takes whatever input bits are left above the lower levels.
    mov x17, #LAST_LEVEL
    sub x17, x17, x10
    madd x16, x17, x6, x5
    sub x17, x4, x16
    cmp x10, x18
    csel x17, x17, x6, eq
    lsr x12, x0, x16
    mov x3, #1
    lsl x3, x3, x17
    sub x3, x3, #1
    and x12, x12, x3
    add x12, x11, x12, lsl #DESCRIPTOR_SHIFT    // the entry's PA
    subs x3, x12, x21
    b.lo 7f
    cmp x3, x22
    b.hs 7f
    ldr x12, [x20, x3]
    b 8f
7:  mov x12, #0
8:  str x12, [x1, #VMSA_WALK_DESCRIPTOR]
    str w10, [x1, #VMSA_WALK_LEVEL]
    tbz x12, #DESC_VALID_BIT, fault_translation
    cmp x10, #LAST_LEVEL
    b.eq 9f
    tbz x12, #DESC_TYPE_BIT, block

    // Table descriptor: the next table must be inside the output size (an
    // address size fault is reported at this level).
    bl oa_of
    lsr x17, x3, x7
    cbnz x17, fault_address_size
    orr x13, x13, x12
    mov x11, x3
    add x10, x10, #1
    b walk_level

9:  tbz x12, #DESC_TYPE_BIT, fault_translation  // 0b01 is reserved at level 3
    b leaf

    // Block descriptor (AArch64.BlockDescSupported): level 2 always; level 1
    // for 4K, for 16K with DS, for 64K with a 52-bit PAMax; level 0 for 4K with DS.
block:
    cmp x10, #2
    b.eq leaf
    cmp x10, #1
    b.ne 10f
    cmp x5, #PAGE_SHIFT_16K
    b.ne leaf
    cmp x8, #FORMAT_DS
    b.eq leaf
    b fault_translation
10: cbnz x10, fault_translation
    cmp x5, #PAGE_SHIFT_4K
    b.ne fault_translation
    cmp x8, #FORMAT_DS
    b.eq leaf
    b fault_translation

leaf:
    // Output address: the descriptor's address above the leaf size, the VA below.
    bl oa_of
    lsr x3, x3, x16
    lsl x3, x3, x16
    lsr x17, x3, x7
    cbnz x17, fault_address_size
    mov x17, #1
    lsl x17, x17, x16
    sub x17, x17, #1
    and x17, x0, x17
    orr x3, x3, x17
    str x3, [x1, #VMSA_WALK_PA]

    // Permissions after the hierarchical bits (unless HPDx=1).
    ubfx x3, x12, #DESC_AP_LSB, #DESC_AP_WIDTH
    ubfx x16, x12, #DESC_PXN_BIT, #1
    ubfx x17, x12, #DESC_UXN_BIT, #1
    orr x17, x16, x17, lsl #1                   // bit 0 PXN, bit 1 UXN
    cbnz x9, 11f
    tbz x13, #(DESC_APTABLE_LSB + APTABLE_NO_EL0_BIT), 12f
    bic x3, x3, #(1 << AP_EL0_BIT)
12: tbz x13, #(DESC_APTABLE_LSB + APTABLE_RO_BIT), 13f
    orr x3, x3, #(1 << AP_RO_BIT)
13: ubfx x16, x13, #DESC_PXNTABLE_BIT, #1
    orr x17, x17, x16
    ubfx x16, x13, #DESC_UXNTABLE_BIT, #1
    orr x17, x17, x16, lsl #1
11: // Memory EL0 can write is never executable at EL1.
    cmp x3, #(1 << AP_EL0_BIT)
    b.ne 14f
    orr x17, x17, #VMSA_WALK_XN_PXN
14: strb w3, [x1, #VMSA_WALK_AP]
    strb w17, [x1, #VMSA_WALK_XN]
    // MAIR_EL1 Attr<AttrIndx>.
    ubfx x16, x12, #DESC_ATTRINDX_LSB, #DESC_ATTRINDX_WIDTH
    lsl x16, x16, #BYTE_SHIFT
    ldr x2, [x19, #VMSA_HDR_MAIR]
    lsr x2, x2, x16
    strb w2, [x1, #VMSA_WALK_ATTR]
    // Shareability: the descriptor's SH, or TCR_EL1.SHx when [9:8] hold OA bits.
    ubfx x16, x12, #DESC_SH_LSB, #DESC_SH_WIDTH
    cmp x8, #FORMAT_DS
    csel x16, x14, x16, eq
    // Device memory (Attr[7:4] = 0) and Normal Inner and Outer Non-cacheable
    // memory are always Outer Shareable.
    and w2, w2, #MAIR_ATTR_MASK
    mov x18, #SH_OUTER_SHAREABLE                // (the start level is no longer needed)
    cmp w2, #MAIR_NORMAL_NC
    csel x16, x18, x16, eq
    lsr w2, w2, #MAIR_OUTER_LSB
    cmp w2, #MAIR_DEVICE_OUTER
    csel x16, x18, x16, eq
    strb w16, [x1, #VMSA_WALK_SH]

    // AF=0 faults unless hardware manages the Access flag.
    ldr x2, [x19, #VMSA_HDR_TCR]
    tbnz x12, #DESC_AF_BIT, 15f
    tbz x2, #TCR_HA_BIT, fault_access_flag
15:
    // With HA and HD, a DBM=1 page is writable: hardware clears AP[2] on the
    // first write. APTable's write restriction still applies.
    mov x16, x3
    tbz x2, #TCR_HA_BIT, 16f
    tbz x2, #TCR_HD_BIT, 16f
    tbz x12, #DESC_DBM_BIT, 16f
    cbnz x9, 17f
    tbnz x13, #(DESC_APTABLE_LSB + APTABLE_RO_BIT), 16f
17: bic x16, x16, #(1 << AP_RO_BIT)
16: // x3 = AP for reads and execute, x16 = AP for writes, x17 = XN bits.
    mov w2, #VMSA_FSC_PERMISSION
    add w2, w2, w10
    orr w2, w2, #VMSA_STATUS_FAULT
    strb wzr, [x1, #VMSA_WALK_STATUS]
    strb wzr, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_READ)]
    tst x16, #(1 << AP_RO_BIT)
    csel w12, w2, wzr, ne
    strb w12, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_WRITE)]
    tst x17, #VMSA_WALK_XN_PXN
    csel w12, w2, wzr, ne
    strb w12, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_EXECUTE)]
    tst x3, #(1 << AP_EL0_BIT)
    csel w12, w2, wzr, eq
    strb w12, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_READ)]
    cmp x16, #(1 << AP_EL0_BIT)
    csel w12, w2, wzr, ne
    strb w12, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_WRITE)]
    tst x17, #VMSA_WALK_XN_UXN
    csel w12, w2, wzr, ne
    strb w12, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_EXECUTE)]
    b el0_disabled

fault_translation_l0:
    mov x10, #0
fault_translation:
    mov w2, #VMSA_FSC_TRANSLATION
    mov w3, #VMSA_FSC_TRANSLATION_LM1
    b fault
fault_address_size_l0:
    mov x10, #0
fault_address_size:
    mov w2, #VMSA_FSC_ADDRESS_SIZE
    mov w3, #VMSA_FSC_ADDRESS_SIZE_LM1
    b fault
fault_access_flag:
    mov w2, #VMSA_FSC_ACCESS_FLAG
    mov w3, #VMSA_FSC_ACCESS_FLAG
    // (no leaf exists at level -1, so w3 is never used for an access flag fault)
fault:
    // w2 = fault group at levels 0-3, w3 = its level -1 code.
    add w2, w2, w10
    cmn x10, #1
    csel w2, w3, w2, eq
    orr w2, w2, #VMSA_STATUS_FAULT
    str w10, [x1, #VMSA_WALK_LEVEL]
    strb w2, [x1, #VMSA_WALK_STATUS]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_READ)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_WRITE)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL1_EXECUTE)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_READ)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_WRITE)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_EXECUTE)]

el0_disabled:
    // E0PDx=1 (FEAT_E0PD): every EL0 access to the half is a level 0
    // translation fault, whatever the tables say.
    cbz x15, 1f
    mov w2, #(VMSA_STATUS_FAULT | VMSA_FSC_TRANSLATION)
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_READ)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_WRITE)]
    strb w2, [x1, #(VMSA_WALK_ACCESS + VMSA_ACCESS_EL0_EXECUTE)]
1:  mov x30, x28
    ret

    .bss
    .balign 8
header:
    .skip VMSA_HDR_SIZE
