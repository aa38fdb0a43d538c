// Layout leg: an AArch64 table builder run under qemu-aarch64. It reads one
// probe input (CShims.h: header, then vmsa_map_request records) on standard
// input, populates translation tables in a pool that starts at the header's
// tables_base, and writes a result header (with the TTBRs it chose) followed
// by the pool bytes it used on standard output. vmsa's TableBuilder must
// produce the same bytes for the same requests.
//
// It follows the Arm ARM for descriptor formats and block/page/table
// encodings, and vmsa's documented placement policy (TableBuilder.swift):
// every table is one page of its half's granule at the next offset aligned
// to it; TTBR1's start table first, then TTBR0's; requests in order, and
// within a request in ascending VA, a table allocated the first time an
// invalid entry must become one. Leaves are chosen one at a time, walking
// the request's range in VA order: the largest entry that starts at the
// current VA, lies within the request, is a legal block level (or a page),
// and whose VA and PA agree modulo its size. A leaf gets the Contiguous bit
// when the whole aligned run of entries around it belongs to the same
// request, at the same level, with a PA aligned to the run.
//
// A static, -nostdlib Linux program: svc #0 for read, write, mmap and exit.

#include "CShims.h"
#include "arm_arch.h"
#include "probe_header.h"

// Per-half parameters, kept in memory (struct half_params, 8 bytes a field).
#define HP_PRESENT 0
#define HP_PAGE_SHIFT 8
#define HP_STRIDE 16            /* index bits per level: page shift - 3 */
#define HP_INPUT_BITS 24
#define HP_START 32             /* start level, signed */
#define HP_ROOT_ENTRIES 40
#define HP_FORMAT 48
#define HP_OUTPUT_BITS 56
#define HP_ROOT 64              /* PA of the start-level table */
#define HP_SIZE 72

#define FORMAT_PLAIN 0
#define FORMAT_DS 1
#define FORMAT_64K 2

#define LAST_LEVEL 3
#define LEVEL_COUNT_BASE 4
#define HALF_TTBR0 0
#define HALF_TTBR1 1

// Contiguous run lengths (Arm ARM, "The Contiguous bit"): 4K: 16 at levels 2
// and 3; 16K: 128 at level 3, 32 at level 2; 64K: 32 at levels 2 and 3.
#define CONT_4K 16
#define CONT_16K_L3 128
#define CONT_16K_L2 32
#define CONT_64K 32

#define TTBR_ASID_LSB 48
#define TABLE_ATTRIBUTE_LSB 59  /* [63:59]: PXNTable, UXNTable, APTable, NSTable */
#define TABLE_ATTRIBUTE_WIDTH 5
#define DESC_NS_BIT 5
#define DESC_GP_BIT 50
#define DESC_NSTABLE_BIT 63

    .text
    .global _start
_start:
    adr x19, header
    mov x0, x19
    mov x1, #VMSA_LEG_LAYOUT
    bl read_header

    // The requests.
    ldr x25, [x19, #VMSA_HDR_RECORD_COUNT]
    mov x0, #VMSA_REQ_RECORD_SIZE
    mul x0, x25, x0
    mov x27, x0
    add x0, x0, #8
    bl map_anonymous
    mov x24, x0
    mov x1, x27
    bl read_exact

    // The pool, preceded by room for the result header.
    ldr x21, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x22, [x19, #VMSA_HDR_TABLES_SIZE]
    add x0, x22, #VMSA_RES_SIZE
    bl map_anonymous
    add x20, x0, #VMSA_RES_SIZE
    mov x23, #0

    mov x0, #HALF_TTBR0
    bl setup_half
    mov x0, #HALF_TTBR1
    bl setup_half
    // Start-level tables: TTBR1's first.
    mov x0, #HALF_TTBR1
    bl allocate_root
    mov x0, #HALF_TTBR0
    bl allocate_root

    mov x26, #0
1:  cmp x26, x25
    b.hs 2f
    mov x0, #VMSA_REQ_RECORD_SIZE
    madd x0, x26, x0, x24
    ldrb w1, [x0, #VMSA_REQ_OP]
    cmp w1, #VMSA_OP_MAP
    b.eq 3f
    cmp w1, #VMSA_OP_TABLE_ATTRIBUTES
    b.ne bad_request
    bl table_attributes
    b 4f
3:  bl map_request
4:  add x26, x26, #1
    b 1b

2:  // Result header, then the pool bytes used.
    sub x0, x20, #VMSA_RES_SIZE
    mov x2, #VMSA_LEG_LAYOUT
    store_result_identity x0, x2, x1
    str x25, [x0, #VMSA_RES_RECORD_COUNT]
    str x23, [x0, #VMSA_RES_TABLE_BYTES]
    str xzr, [x0, #VMSA_RES_STATUS]
    str xzr, [x0, #VMSA_RES_DETAIL]
    mov x1, #HALF_TTBR0
    bl ttbr_of
    sub x1, x20, #VMSA_RES_SIZE
    str x0, [x1, #VMSA_RES_TTBR0]
    mov x1, #HALF_TTBR1
    bl ttbr_of
    sub x1, x20, #VMSA_RES_SIZE
    str x0, [x1, #VMSA_RES_TTBR1]
    sub x0, x20, #VMSA_RES_SIZE
    add x1, x23, #VMSA_RES_SIZE
    bl write_all
    mov x0, #VMSA_RUN_OK
    b exit

bad_request:
    mov x0, #VMSA_RUN_BAD_REQUEST
    b exit
pool_exhausted:
    mov x0, #VMSA_RUN_POOL_EXHAUSTED
    b exit

// ---------------------------------------------------------------------------
// half_params(x0 = half) -> x9 = its parameter block.
.macro half_params half
    adr x9, halves
    mov x10, #HP_SIZE
    madd x9, \half, x10, x9
.endm

// setup_half(x0 = half): reads TCR_EL1 for one half.
setup_half:
    half_params x0
    ldr x2, [x19, #VMSA_HDR_TCR]
    cbnz x0, 1f
    ubfx x3, x2, #TCR_EPD0_BIT, #1
    ubfx x4, x2, #TCR_T0SZ_LSB, #TCR_TXSZ_WIDTH
    ubfx x6, x2, #TCR_TG0_LSB, #TCR_TG_WIDTH
    mov x5, #PAGE_SHIFT_4K
    mov x7, #PAGE_SHIFT_64K
    cmp x6, #TG0_64K
    csel x5, x7, x5, eq
    mov x7, #PAGE_SHIFT_16K
    cmp x6, #TG0_16K
    csel x5, x7, x5, eq
    b 2f
1:  ubfx x3, x2, #TCR_EPD1_BIT, #1
    ubfx x4, x2, #TCR_T1SZ_LSB, #TCR_TXSZ_WIDTH
    ubfx x6, x2, #TCR_TG1_LSB, #TCR_TG_WIDTH
    mov x5, #PAGE_SHIFT_4K
    mov x7, #PAGE_SHIFT_64K
    cmp x6, #TG1_64K
    csel x5, x7, x5, eq
    mov x7, #PAGE_SHIFT_16K
    cmp x6, #TG1_16K
    csel x5, x7, x5, eq
2:  eor x3, x3, #1
    str x3, [x9, #HP_PRESENT]
    str x5, [x9, #HP_PAGE_SHIFT]
    sub x6, x5, #DESCRIPTOR_SHIFT
    str x6, [x9, #HP_STRIDE]
    mov x7, #64
    sub x4, x7, x4
    str x4, [x9, #HP_INPUT_BITS]
    // Start level: the fewest levels whose index bits cover the input.
    sub x7, x4, x5
    add x7, x7, x6
    sub x7, x7, #1
    udiv x7, x7, x6
    mov x3, #LEVEL_COUNT_BASE
    sub x7, x3, x7
    str x7, [x9, #HP_START]
    // Start-level entries: 2^(input bits - shift of the start level).
    mov x3, #LAST_LEVEL
    sub x3, x3, x7
    madd x3, x3, x6, x5
    sub x3, x4, x3
    mov x7, #1
    lsl x7, x7, x3
    str x7, [x9, #HP_ROOT_ENTRIES]
    // Descriptor format and output size (48 bits for 4K/16K without DS).
    ubfx x3, x2, #TCR_DS_BIT, #1
    cmp x5, #PAGE_SHIFT_64K
    mov x7, #FORMAT_64K
    csel x3, x7, x3, eq
    str x3, [x9, #HP_FORMAT]
    ubfx x6, x2, #TCR_IPS_LSB, #TCR_IPS_WIDTH
    adr x7, ips_bits
    ldrb w7, [x7, x6]
    cmp x3, #FORMAT_PLAIN
    b.ne 3f
    cmp x7, #OA_BITS_WITHOUT_LPA
    mov x6, #OA_BITS_WITHOUT_LPA
    csel x7, x6, x7, hi
3:  str x7, [x9, #HP_OUTPUT_BITS]
    ret

// allocate(x0 = half) -> x0 = PA of a new zeroed table: one page of the
// half's granule at the next offset aligned to it. Uses x1-x3, x9, x10.
allocate:
    half_params x0
    ldr x1, [x9, #HP_PAGE_SHIFT]
    mov x2, #1
    lsl x2, x2, x1                              // page size
    sub x3, x2, #1
    add x0, x23, x3
    bic x0, x0, x3                              // aligned offset
    add x1, x0, x2
    cmp x1, x22
    b.hi pool_exhausted
    mov x23, x1
    add x0, x0, x21
    ret

// allocate_root(x0 = half): the start-level table of a present half.
allocate_root:
    half_params x0
    ldr x1, [x9, #HP_PRESENT]
    cbz x1, 1f
    mov x11, x30
    mov x12, x9
    bl allocate
    str x0, [x12, #HP_ROOT]
    mov x30, x11
1:  ret

// ttbr_of(x1 = half) -> x0 = TTBRn_EL1: the start table's base (BADDR[51:48]
// in [5:2] with a 52-bit output) and the ASID given in the header; 0 for an
// absent half.
ttbr_of:
    half_params x1
    mov x0, #0
    ldr x2, [x9, #HP_PRESENT]
    cbz x2, 2f
    ldr x2, [x9, #HP_ROOT]
    ldr x3, [x9, #HP_OUTPUT_BITS]
    cmp x3, #PAMAX_BITS
    b.ne 1f
    ubfx x4, x2, #TTBR_BADDR_HIGH_SHIFT, #TTBR_BADDR_HIGH_WIDTH
    and x0, x2, #((1 << (TTBR_BADDR_MSB + 1)) - (1 << TTBR_BADDR52_LSB))
    orr x0, x0, x4, lsl #TTBR_BADDR_HIGH_LSB
    b 3f
1:  and x0, x2, #((1 << (TTBR_BADDR_MSB + 1)) - (1 << TTBR_BADDR_LSB))
3:  add x4, x19, #VMSA_HDR_TTBR0
    ldr x4, [x4, x1, lsl #3]
    lsr x4, x4, #TTBR_ASID_LSB
    orr x0, x0, x4, lsl #TTBR_ASID_LSB
2:  ret

// ---------------------------------------------------------------------------
// Descriptor helpers. x9 = half parameters throughout.

// with_address(x3 = descriptor without address, x2 = page-aligned address)
// -> x3 with the address in the half's format. Uses x4.
with_address:
    ldr x4, [x9, #HP_FORMAT]
    cmp x4, #FORMAT_DS
    b.eq 1f
    and x4, x2, #((1 << (DESC_OA_LOW_MSB + 1)) - 1)
    orr x3, x3, x4
    ldr x4, [x9, #HP_FORMAT]
    cmp x4, #FORMAT_64K
    b.ne 2f
    ubfx x4, x2, #DESC_OA_HIGH_64K_SHIFT, #DESC_OA_HIGH_64K_WIDTH
    orr x3, x3, x4, lsl #DESC_OA_HIGH_64K_LSB
    ret
1:  and x4, x2, #((1 << (DESC_OA_LOW_MSB_DS + 1)) - 1)
    orr x3, x3, x4
    ubfx x4, x2, #DESC_OA_HIGH_DS_SHIFT, #DESC_OA_HIGH_DS_WIDTH
    orr x3, x3, x4, lsl #DESC_OA_HIGH_DS_LSB
2:  ret

// address_of(x3 = descriptor) -> x2 = its next-table or output address. Uses x4, x5.
address_of:
    ldr x5, [x9, #HP_PAGE_SHIFT]
    lsr x2, x3, x5
    lsl x2, x2, x5
    ldr x4, [x9, #HP_FORMAT]
    cmp x4, #FORMAT_DS
    b.eq 1f
    and x2, x2, #((1 << (DESC_OA_LOW_MSB + 1)) - 1)
    cmp x4, #FORMAT_64K
    b.ne 2f
    ubfx x4, x3, #DESC_OA_HIGH_64K_LSB, #DESC_OA_HIGH_64K_WIDTH
    orr x2, x2, x4, lsl #DESC_OA_HIGH_64K_SHIFT
    ret
1:  and x2, x2, #((1 << (DESC_OA_LOW_MSB_DS + 1)) - 1)
    ubfx x4, x3, #DESC_OA_HIGH_DS_LSB, #DESC_OA_HIGH_DS_WIDTH
    orr x2, x2, x4, lsl #DESC_OA_HIGH_DS_SHIFT
2:  ret

// entry_of(x1 = table PA, x2 = VA, x6 = level) -> x7 = host address of the
// entry that indexes VA at that level. Uses x4, x5.
entry_of:
    ldr x4, [x9, #HP_STRIDE]
    ldr x5, [x9, #HP_PAGE_SHIFT]
    mov x7, #LAST_LEVEL
    sub x7, x7, x6
    madd x5, x7, x4, x5                         // shift of the level
    lsr x7, x2, x5
    ldr x4, [x9, #HP_START]
    cmp x6, x4
    ldr x4, [x9, #HP_STRIDE]
    mov x5, #1
    lsl x4, x5, x4
    b.ne 1f
    ldr x4, [x9, #HP_ROOT_ENTRIES]
1:  sub x4, x4, #1
    and x7, x7, x4
    sub x4, x1, x21
    add x4, x4, x7, lsl #DESCRIPTOR_SHIFT
    cmp x4, x23
    b.hs bad_request                            // outside the tables built
    add x7, x20, x4
    ret

// level_shift(x6 = level) -> x5 = lowest VA bit the level indexes.
level_shift:
    ldr x4, [x9, #HP_STRIDE]
    ldr x5, [x9, #HP_PAGE_SHIFT]
    mov x8, #LAST_LEVEL
    sub x8, x8, x6
    madd x5, x8, x4, x5
    ret

// block_allowed(x6 = level) -> x4 = 1 where vmsa's builder may put a block:
// level 2 always; level 1 for 4K, for 16K with DS, and for 64K with a 52-bit
// output; level 0 for 4K with DS. Otherwise 0. Uses x5.
block_allowed:
    ldr x4, [x9, #HP_PAGE_SHIFT]
    ldr x5, [x9, #HP_FORMAT]
    cmp x6, #2
    b.eq 9f
    cmp x6, #1
    b.ne 3f
    cmp x4, #PAGE_SHIFT_4K
    b.eq 9f
    cmp x4, #PAGE_SHIFT_16K
    b.ne 1f
    cmp x5, #FORMAT_DS
    b.eq 9f
    b 8f
1:  ldr x5, [x9, #HP_OUTPUT_BITS]
    cmp x5, #PAMAX_BITS
    b.eq 9f
    b 8f
3:  cbnz x6, 8f
    cmp x4, #PAGE_SHIFT_4K
    b.ne 8f
    cmp x5, #FORMAT_DS
    b.eq 9f
8:  mov x4, #0
    ret
9:  mov x4, #1
    ret

// contiguous_count(x6 = level) -> x8 = entries in a run there, or 0.
contiguous_count:
    ldr x4, [x9, #HP_PAGE_SHIFT]
    mov x8, #0
    cmp x6, #2
    b.lt 9f
    mov x8, #CONT_4K
    cmp x4, #PAGE_SHIFT_4K
    b.eq 9f
    mov x8, #CONT_64K
    cmp x4, #PAGE_SHIFT_64K
    b.eq 9f
    mov x8, #CONT_16K_L2
    cmp x6, #LAST_LEVEL
    b.ne 9f
    mov x8, #CONT_16K_L3
9:  ret

// ---------------------------------------------------------------------------
// map_request(x0 = request). Frame: x19-x28 are the program's; the request's
// state lives on the stack.
#define MR_VA 0             /* first VA of the request */
#define MR_LAST 8           /* last VA of the request */
#define MR_DELTA 16         /* PA - VA */
#define MR_TEMPLATE 24      /* leaf fields */
#define MR_LEAF 32          /* VMSA_LEAF_* */
#define MR_CUR 40           /* current VA */
#define MR_HALF 48
#define MR_LR 56
#define MR_LEVEL 64         /* level of the current leaf */
#define MR_FRAME 80
map_request:
    sub sp, sp, #MR_FRAME
    str x30, [sp, #MR_LR]
    ldr x1, [x0, #VMSA_REQ_VA]
    ldr x2, [x0, #VMSA_REQ_PA]
    ldr x3, [x0, #VMSA_REQ_SIZE_BYTES]
    cbz x3, bad_request
    str x1, [sp, #MR_VA]
    str x1, [sp, #MR_CUR]
    add x4, x1, x3
    sub x4, x4, #1
    str x4, [sp, #MR_LAST]
    sub x4, x2, x1
    str x4, [sp, #MR_DELTA]
    ldrb w4, [x0, #VMSA_REQ_LEAF]
    str x4, [sp, #MR_LEAF]
    ubfx x4, x1, #VA_RANGE_SELECT_BIT, #1
    str x4, [sp, #MR_HALF]
    half_params x4
    ldr x5, [x9, #HP_PRESENT]
    cbz x5, bad_request

    // The leaf fields, by their Arm ARM positions.
    ldrb w5, [x0, #VMSA_REQ_ATTR_INDX]
    lsl x3, x5, #DESC_ATTRINDX_LSB
    ldrb w5, [x0, #VMSA_REQ_NS]
    orr x3, x3, x5, lsl #DESC_NS_BIT
    ldrb w5, [x0, #VMSA_REQ_AP]
    orr x3, x3, x5, lsl #DESC_AP_LSB
    ldr x6, [x9, #HP_FORMAT]
    cmp x6, #FORMAT_DS
    b.eq 1f                                     // with DS, [9:8] hold OA[51:50]
    ldrb w5, [x0, #VMSA_REQ_SH]
    orr x3, x3, x5, lsl #DESC_SH_LSB
1:  ldrb w5, [x0, #VMSA_REQ_AF]
    orr x3, x3, x5, lsl #DESC_AF_BIT
    ldrb w5, [x0, #VMSA_REQ_NG]
    orr x3, x3, x5, lsl #DESC_NG_BIT
    ldrb w5, [x0, #VMSA_REQ_GP]
    orr x3, x3, x5, lsl #DESC_GP_BIT
    ldrb w5, [x0, #VMSA_REQ_DBM]
    orr x3, x3, x5, lsl #DESC_DBM_BIT
    ldrb w5, [x0, #VMSA_REQ_PXN]
    orr x3, x3, x5, lsl #DESC_PXN_BIT
    ldrb w5, [x0, #VMSA_REQ_UXN]
    orr x3, x3, x5, lsl #DESC_UXN_BIT
    str x3, [sp, #MR_TEMPLATE]

next_leaf:
    ldr x4, [sp, #MR_HALF]
    half_params x4
    ldr x2, [sp, #MR_CUR]
    // The largest leaf that fits at the current VA.
    ldr x6, [x9, #HP_START]
1:  cmp x6, #LAST_LEVEL
    b.eq 2f
    ldr x7, [sp, #MR_LEAF]
    cmp x7, #VMSA_LEAF_PAGES
    b.eq 3f
    bl block_allowed
    cbz x4, 3f
    bl level_shift
    mov x7, #1
    lsl x7, x7, x5
    sub x7, x7, #1                              // entry size - 1
    ldr x8, [sp, #MR_DELTA]
    tst x8, x7
    b.ne 3f
    tst x2, x7
    b.ne 3f
    ldr x8, [sp, #MR_LAST]
    sub x8, x8, x2
    cmp x8, x7
    b.hs 2f
3:  add x6, x6, #1
    b 1b
2:  str x6, [sp, #MR_LEVEL]

    // Down to that level, making tables where entries are invalid.
    ldr x1, [x9, #HP_ROOT]
    ldr x6, [x9, #HP_START]
4:  ldr x8, [sp, #MR_LEVEL]
    cmp x6, x8
    b.eq 5f
    bl entry_of
    ldr x3, [x7]
    tbnz x3, #DESC_VALID_BIT, 6f
    stp x7, x6, [sp, #-16]!
    ldr x0, [sp, #(16 + MR_HALF)]
    bl allocate
    ldp x7, x6, [sp], #16
    ldr x4, [sp, #MR_HALF]
    half_params x4
    mov x2, x0
    mov x3, #DESC_TYPE_TABLE
    bl with_address
    str x3, [x7]
    ldr x2, [sp, #MR_CUR]
    mov x1, x0
    add x6, x6, #1
    b 4b
6:  tbz x3, #DESC_TYPE_BIT, bad_request         // a block is in the way: overlapping requests
    bl address_of
    mov x1, x2
    ldr x2, [sp, #MR_CUR]
    add x6, x6, #1
    b 4b

5:  // The leaf: x1 = its table, x6 = its level.
    bl entry_of                                 // x7 = entry
    ldr x3, [x7]
    tbnz x3, #DESC_VALID_BIT, bad_request
    bl level_shift                              // x5 = shift
    ldr x8, [sp, #MR_DELTA]
    add x2, x2, x8                              // PA of the leaf
    ldr x3, [sp, #MR_TEMPLATE]
    cmp x6, #LAST_LEVEL
    mov x4, #DESC_TYPE_BLOCK
    mov x8, #DESC_TYPE_PAGE
    csel x4, x8, x4, eq
    orr x3, x3, x4
    stp x5, x7, [sp, #-16]!
    bl with_address
    ldp x5, x7, [sp], #16
    // Contiguous: the aligned run of n entries around this one lies in the
    // request and in this table, and its first PA is aligned to the run.
    ldr x4, [sp, #MR_LEAF]
    cmp x4, #VMSA_LEAF_AUTO
    b.ne 7f
    stp x3, x7, [sp, #-16]!
    bl contiguous_count                         // x8 = n
    ldp x3, x7, [sp], #16
    cbz x8, 7f
    sub x10, x7, x20                            // byte offset of the entry
    sub x11, x1, x21                            // byte offset of its table
    sub x10, x10, x11
    lsr x10, x10, #DESCRIPTOR_SHIFT             // k: index in the table
    sub x11, x8, #1
    and x11, x10, x11                           // k - k0
    sub x12, x10, x11                           // k0
    add x12, x12, x8                            // k0 + n
    ldr x4, [x9, #HP_START]
    cmp x6, x4
    ldr x4, [x9, #HP_STRIDE]
    mov x13, #1
    lsl x4, x13, x4
    b.ne 8f
    ldr x4, [x9, #HP_ROOT_ENTRIES]
8:  cmp x12, x4
    b.hi 7f                                     // the run leaves the table
    ldr x13, [sp, #MR_CUR]
    ldr x14, [sp, #MR_VA]
    sub x14, x13, x14                           // VA offset into the request
    lsl x15, x11, x5                            // (k - k0) * entry size
    cmp x14, x15
    b.lo 7f                                     // the run starts before the request
    sub x12, x8, x11                            // entries from here to the run's end
    lsl x12, x12, x5
    sub x12, x12, #1
    ldr x14, [sp, #MR_LAST]
    sub x14, x14, x13
    cmp x14, x12
    b.lo 7f                                     // the run ends after the request
    sub x12, x2, x15                            // PA of the run's first entry
    lsl x13, x8, x5
    sub x13, x13, #1
    tst x12, x13
    b.ne 7f
    orr x3, x3, #(1 << DESC_CONTIGUOUS_BIT)
7:  str x3, [x7]

    // Next leaf, unless this one reached the request's end.
    mov x4, #1
    lsl x4, x4, x5
    ldr x13, [sp, #MR_CUR]
    ldr x14, [sp, #MR_LAST]
    sub x14, x14, x13
    sub x12, x4, #1
    cmp x14, x12
    b.ls 9f
    add x13, x13, x4
    str x13, [sp, #MR_CUR]
    b next_leaf
9:  ldr x30, [sp, #MR_LR]
    add sp, sp, #MR_FRAME
    ret

// table_attributes(x0 = request): sets [63:59] of the table descriptor at
// the request's level on the walk of its VA.
table_attributes:
    mov x12, x30
    ldr x2, [x0, #VMSA_REQ_VA]
    ubfx x4, x2, #VA_RANGE_SELECT_BIT, #1
    half_params x4
    ldr x5, [x9, #HP_PRESENT]
    cbz x5, bad_request
    ldrsb x13, [x0, #VMSA_REQ_LEVEL]
    ldrb w3, [x0, #VMSA_REQ_PXN_TABLE]
    lsl x14, x3, #DESC_PXNTABLE_BIT
    ldrb w3, [x0, #VMSA_REQ_UXN_TABLE]
    orr x14, x14, x3, lsl #DESC_UXNTABLE_BIT
    ldrb w3, [x0, #VMSA_REQ_AP_TABLE]
    orr x14, x14, x3, lsl #DESC_APTABLE_LSB
    ldrb w3, [x0, #VMSA_REQ_NS_TABLE]
    orr x14, x14, x3, lsl #DESC_NSTABLE_BIT
    ldr x1, [x9, #HP_ROOT]
    ldr x6, [x9, #HP_START]
1:  cmp x6, x13
    b.gt bad_request
    cmp x6, #LAST_LEVEL
    b.eq bad_request
    bl entry_of
    ldr x3, [x7]
    and x4, x3, #DESC_TYPE_TABLE
    cmp x4, #DESC_TYPE_TABLE
    b.ne bad_request
    cmp x6, x13
    b.eq 2f
    bl address_of
    mov x1, x2
    ldr x2, [x0, #VMSA_REQ_VA]
    add x6, x6, #1
    b 1b
2:  ubfx x4, x3, #0, #TABLE_ATTRIBUTE_LSB
    orr x3, x4, x14
    str x3, [x7]
    mov x30, x12
    ret

    .bss
    .balign 8
header:
    .skip VMSA_HDR_SIZE
halves:
    .skip 2 * HP_SIZE
