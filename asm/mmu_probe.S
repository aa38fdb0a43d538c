// MMU leg: a bare-metal probe for `qemu-system-aarch64 -M virt,virtualization=on
// -cpu max`. It starts at EL2, reads one probe input through semihosting
// (paths in the semihosting command line: "INPUT OUTPUT"), copies the table
// memory to its physical address, programs the EL1&0 regime (MAIR, TCR,
// TTBR0, TTBR1, SCTLR_EL1.M=1) and, for every virtual address:
//
//   pass 1: AT S1E1R, AT S1E1W, AT S1E0R, AT S1E0W, recording PAR_EL1;
//   pass 2: from the tables as given again, real instruction fetches, loads
//           and stores at EL1 and then at EL0, recording ESR_EL1 and FAR_EL1
//           (execute permission is only visible this way: AT does not check it).
//
// Real accesses need EL1 vectors that the user's tables map: Conformance
// grafts a mapping of the stub page (VMSA_MMU_STUB_PA) into a free slot of a
// start-level table (the header's patches, stored before translation is
// enabled) and tells the probe where (stub_va). The EL1 vectors only do
// `hvc #n`, so every EL1/EL0 event comes back to EL2, which reads ESR_EL1 and
// FAR_EL1. A completed access ends in `svc #0` (ESR_EL1.EC = SVC64).
//
// Where a real access would touch memory, it must not change it:
//   - output addresses at or above VMSA_MMU_RAM_END are unassigned: the
//     access ends in a synchronous External abort, with no side effect;
//   - output addresses in RAM outside the probe and the tables: the store
//     writes back the word EL2 read there, and the fetch runs an `svc #0`
//     that EL2 puts there and takes away again;
//   - device memory (below RAM) and the probe's own memory are skipped.
//
// Built with -mstrict-align: EL2 runs with its MMU off (Device memory).

#include "CShims.h"
#include "arm_arch.h"

#define HCR_EL2_RW (1 << 31)                      /* EL1 is AArch64 */
#define SCTLR_EL1_M (1 << 0)
#define SCTLR_EL1_C (1 << 2)
#define SCTLR_EL1_I (1 << 12)
/// SCTLR_EL1 bits that are RES1 in Armv8.0 (EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE):
/// exception entry and return are context synchronising and leave PAN clear.
#define SCTLR_EL1_RES1 ((3 << 28) | (3 << 22) | (1 << 20) | (1 << 11))
#define SPSR_DAIF_MASKED (0xf << 6)
#define SPSR_EL1H 0x5
#define SPSR_EL0T 0x0
#define INSN_SVC0 0xd4000001                        /* svc #0 */
#define WORD_ALIGN_MASK 7
#define INSN_ALIGN_MASK 3
#define PAGE_OFFSET_MASK 0xfff                      /* PAR_EL1 gives PA[51:12] */
/// Marks an ESR value that EL2 itself took (not an EL1 exception).
#define ESR_FROM_EL2 (1 << 63)

// Category of a VA's output address for real accesses (register x26).
#define TARGET_NONE 0           /* no AT succeeded: every access must fault */
#define TARGET_UNASSIGNED 1     /* beyond RAM: External abort on success */
#define TARGET_RAM 2            /* RAM not used by the probe or the tables */
#define TARGET_SKIP 3           /* device or probe memory: not touched */

// ---------------------------------------------------------------------------
// The stub page: EL1 vectors and the code EL1 and EL0 run. Grafted into the
// user's tables at stub_va, so everything here is position independent.
    .section .stub, "ax"
    .balign 2048
el1_vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    hvc #\n
    .endr
    .org VMSA_MMU_STUB_LOAD
    ldr x2, [x1]
    svc #0
    .org VMSA_MMU_STUB_STORE
    str x2, [x1]
    svc #0
    .org VMSA_MMU_STUB_PING
    svc #0

// ---------------------------------------------------------------------------
    .text
    .global _start, write_result_header
_start:
    ldr x0, =VMSA_MMU_STACK_TOP
    mov sp, x0
    adr x0, el2_vectors
    msr vbar_el2, x0
    isb

    // "INPUT OUTPUT" from the semihosting command line.
    bl open_io

    // Header.
    adr x19, header
    mov x0, x19
    mov x1, #VMSA_HDR_SIZE
    bl read_input
    mov x0, x19
    mov x1, #VMSA_LEG_MMU
    bl check_input_header

    // Table memory goes to its own physical address, which must be RAM below the probe.
    ldr x0, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x1, [x19, #VMSA_HDR_TABLES_SIZE]
    ldr x2, =VMSA_MMU_RAM_BASE
    cmp x0, x2
    b.lo fail_too_large
    adds x2, x0, x1
    b.cs fail_too_large
    ldr x3, =VMSA_MMU_PROBE_BASE
    cmp x2, x3
    b.hi fail_too_large
    ldr x20, [x19, #VMSA_HDR_PATCH_COUNT]
    lsl x1, x20, #4
    ldr x2, =((VMSA_MMU_BUFFER_END - VMSA_MMU_BUFFER_BASE) / 2)
    cmp x1, x2
    b.hi fail_too_large
    bl load_tables
    // Virtual addresses (after the patches), then room for their results.
    ldr x20, [x19, #VMSA_HDR_RECORD_COUNT]
    ldr x21, [x19, #VMSA_HDR_PATCH_COUNT]
    ldr x0, =VMSA_MMU_BUFFER_BASE
    add x21, x0, x21, lsl #4
    add x22, x21, x20, lsl #3                   // results follow the addresses
    mov x0, #VMSA_MMU_RECORD_SIZE
    umulh x1, x20, x0
    cbnz x1, fail_too_large
    mul x1, x20, x0
    adds x1, x1, x22
    b.cs fail_too_large
    ldr x2, =VMSA_MMU_BUFFER_END
    cmp x1, x2
    b.hi fail_too_large
    mov x0, x21
    lsl x1, x20, #3
    bl read_input

    // Result header: known up front; a failure later rewrites it.
    mov x0, #VMSA_RUN_OK
    mov x1, #0
    bl write_result_header

    // The EL1&0 regime.
    ldr x0, [x19, #VMSA_HDR_MAIR]
    msr mair_el1, x0
    ldr x0, [x19, #VMSA_HDR_TCR]
    msr tcr_el1, x0
    ldr x0, [x19, #VMSA_HDR_TTBR0]
    msr ttbr0_el1, x0
    ldr x0, [x19, #VMSA_HDR_TTBR1]
    msr ttbr1_el1, x0
    ldr x0, [x19, #VMSA_HDR_STUB_VA]
    add x0, x0, #VMSA_MMU_STUB_VECTORS
    msr vbar_el1, x0
    mov x0, #HCR_EL2_RW
    msr hcr_el2, x0
    ldr x0, =(SCTLR_EL1_RES1 | SCTLR_EL1_I | SCTLR_EL1_C | SCTLR_EL1_M)
    msr sctlr_el1, x0
    dsb sy
    tlbi vmalle1
    dsb sy
    isb

    // Pass 1: address translation instructions.
    mov x24, #0
4:  cmp x24, x20
    b.hs 5f
    ldr x25, [x21, x24, lsl #3]
    mov x0, #VMSA_MMU_RECORD_SIZE
    madd x26, x24, x0, x22
    str x25, [x26, #VMSA_MMU_VA]
    at s1e1r, x25
    isb
    mrs x0, par_el1
    str x0, [x26, #(VMSA_MMU_PAR + 8 * VMSA_AT_S1E1R)]
    at s1e1w, x25
    isb
    mrs x0, par_el1
    str x0, [x26, #(VMSA_MMU_PAR + 8 * VMSA_AT_S1E1W)]
    at s1e0r, x25
    isb
    mrs x0, par_el1
    str x0, [x26, #(VMSA_MMU_PAR + 8 * VMSA_AT_S1E0R)]
    at s1e0w, x25
    isb
    mrs x0, par_el1
    str x0, [x26, #(VMSA_MMU_PAR + 8 * VMSA_AT_S1E0W)]
    add x24, x24, #1
    b 4b
5:
    // Table memory as AT left it: hardware Access flag and dirty updates show here.
    ldr x0, [x19, #VMSA_HDR_FLAGS]
    tbz x0, #0, 6f
    ldr x0, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x1, [x19, #VMSA_HDR_TABLES_SIZE]
    bl write_output
6:
    // Pass 2 starts from the tables as given again: the AT pass may have set
    // AF or dirty state (TCR_EL1.HA/HD), and real accesses are compared with
    // the tables as vmsa built them (plus the hardware updates of pass 2 itself).
    bl load_tables
    dsb sy
    tlbi vmalle1
    dsb sy
    isb
    // Pass 2: real accesses, when a stub page is grafted.
    ldr x23, [x19, #VMSA_HDR_STUB_VA]
    mov x24, #0
7:  cmp x24, x20
    b.hs 8f
    mov x0, #VMSA_MMU_RECORD_SIZE
    madd x0, x24, x0, x22
    cbz x23, 9f
    bl real_accesses
    b 10f
9:  bl skip_accesses
10: add x24, x24, #1
    b 7b
8:
    mov x0, x22
    mov x1, #VMSA_MMU_RECORD_SIZE
    mul x1, x20, x1
    bl write_output
    mov x0, #VMSA_RUN_OK
    b exit_probe

// ---------------------------------------------------------------------------
// real_accesses(x0 = result record). x23 = stub VA. Uses x0-x18, x25-x27.
real_accesses:
    stp x29, x30, [sp, #-16]!
    mov x29, x0
    ldr x25, [x29, #VMSA_MMU_VA]

    // The output address from the first AT that succeeded.
    mov x26, #TARGET_NONE
    mov x27, #0
    mov x0, #0
1:  add x1, x29, #VMSA_MMU_PAR
    ldr x1, [x1, x0, lsl #3]
    tbz x1, #PAR_F_BIT, 2f
    add x0, x0, #1
    cmp x0, #VMSA_AT_COUNT
    b.lo 1b
    b 5f
2:  ubfx x1, x1, #PAR_PA_LSB, #PAR_PA_WIDTH
    lsl x1, x1, #PAR_PA_LSB
    and x2, x25, #PAGE_OFFSET_MASK
    orr x15, x1, x2                             // the PA the VA translates to
    ldr x2, =VMSA_MMU_RAM_END
    mov x26, #TARGET_UNASSIGNED
    cmp x15, x2
    b.hs 5f
    mov x26, #TARGET_SKIP
    ldr x2, =VMSA_MMU_PROBE_BASE
    cmp x15, x2
    b.hs 3f
    ldr x2, =VMSA_MMU_RAM_BASE
    cmp x15, x2
    b.lo 3f
    ldr x2, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x3, [x19, #VMSA_HDR_TABLES_SIZE]
    subs x4, x15, x2
    b.lo 4f
    cmp x4, x3
    b.lo 3f
4:  mov x26, #TARGET_RAM
    bic x2, x15, #WORD_ALIGN_MASK
    ldr x27, [x2]                               // what a store must write back
    b 5f
3:  mov x0, x29
    bl skip_accesses
    ldp x29, x30, [sp], #16
    ret
5:
    // EL1 then EL0: load, store, fetch.
    mov x4, #(SPSR_DAIF_MASKED | SPSR_EL1H)
    mov x5, #VMSA_ACCESS_EL1_READ
    bl accesses_at_el
    mov x4, #(SPSR_DAIF_MASKED | SPSR_EL0T)
    mov x5, #VMSA_ACCESS_EL0_READ
    bl accesses_at_el
    ldp x29, x30, [sp], #16
    ret

// accesses_at_el(x4 = SPSR, x5 = index of the EL's read access): one fetch,
// load and store at x25 (in that order: a store may set dirty state with
// TCR_EL1.HD, which changes what may be fetched), results into record x29.
// x26 category, x27 the word to store, x15 the PA.
#define READ_TO_WRITE (VMSA_ACCESS_EL1_WRITE - VMSA_ACCESS_EL1_READ)
#define READ_TO_EXECUTE (VMSA_ACCESS_EL1_EXECUTE - VMSA_ACCESS_EL1_READ)
accesses_at_el:
    stp x4, x30, [sp, #-16]!
    stp x5, x15, [sp, #-16]!
    // Fetch: in RAM, an `svc #0` stands at the target while EL1/EL0 fetches it.
    cmp x26, #TARGET_RAM
    b.ne 1f
    bic x15, x15, #INSN_ALIGN_MASK
    ldr w14, [x15]
    ldr w13, =INSN_SVC0
    str w13, [x15]
    dsb sy
    ic iallu
    dsb sy
    isb
1:  bic x3, x25, #INSN_ALIGN_MASK
    stp x14, x15, [sp, #-16]!
    bl lower_el
    ldp x14, x15, [sp], #16
    cmp x26, #TARGET_RAM
    b.ne 2f
    str w14, [x15]
    dsb sy
    ic iallu
    dsb sy
    isb
2:  ldr x5, [sp]
    add x5, x5, #READ_TO_EXECUTE
    bl store_access_result
    ldp x5, x15, [sp]
    ldr x4, [sp, #16]
    bic x1, x25, #WORD_ALIGN_MASK
    add x3, x23, #VMSA_MMU_STUB_LOAD
    bl lower_el
    ldr x5, [sp]
    bl store_access_result
    ldp x5, x15, [sp]
    ldr x4, [sp, #16]
    bic x1, x25, #WORD_ALIGN_MASK
    mov x2, x27
    add x3, x23, #VMSA_MMU_STUB_STORE
    bl lower_el
    ldr x5, [sp]
    add x5, x5, #READ_TO_WRITE
    bl store_access_result
    add sp, sp, #16
    ldp x4, x30, [sp], #16
    ret

// store_access_result(x0 = ESR, x1 = FAR, x5 = access index) into record x29.
store_access_result:
    add x2, x29, #VMSA_MMU_ESR
    str x0, [x2, x5, lsl #3]
    add x2, x29, #VMSA_MMU_FAR
    str x1, [x2, x5, lsl #3]
    ret

// skip_accesses(x0 = result record): marks all real accesses as not attempted.
skip_accesses:
    ldr x1, =VMSA_ESR_SKIPPED
    mov x2, #0
1:  add x3, x0, #VMSA_MMU_ESR
    str x1, [x3, x2, lsl #3]
    add x3, x0, #VMSA_MMU_FAR
    str xzr, [x3, x2, lsl #3]
    add x2, x2, #1
    cmp x2, #VMSA_ACCESS_COUNT
    b.lo 1b
    ret

// lower_el(x3 = ELR, x4 = SPSR; x1, x2 for the stub): runs at EL1 or EL0
// until the EL1 vectors send it back with `hvc`. Returns x0 = ESR_EL1 (or
// ESR_EL2 | ESR_FROM_EL2 if something else reached EL2), x1 = FAR_EL1.
// Lower ELs share x0-x30 with EL2: the stubs touch only x1 and x2, and EL2
// keeps its own stack, so x30 is saved there.
lower_el:
    str x30, [sp, #-16]!
    msr elr_el2, x3
    msr spsr_el2, x4
    adr x28, 1f
    isb
    eret
1:  // Back from a lower EL (el2_lower_sync): x9 = ESR_EL2.
    ubfx x0, x9, #ESR_EC_LSB, #ESR_EC_WIDTH
    cmp x0, #EC_HVC64
    b.ne 2f
    mrs x0, esr_el1
    mrs x1, far_el1
    ldr x30, [sp], #16
    ret
2:  orr x0, x9, #ESR_FROM_EL2
    mrs x1, far_el2
    ldr x30, [sp], #16
    ret

// load_tables: reads table memory from the input (just after the header) to
// its physical address and stores the graft patches. Uses x0-x8.
load_tables:
    str x30, [sp, #-16]!
    mov x0, #VMSA_HDR_SIZE
    bl seek_input
    ldr x0, [x19, #VMSA_HDR_TABLES_BASE]
    ldr x1, [x19, #VMSA_HDR_TABLES_SIZE]
    bl read_input
    ldr x6, [x19, #VMSA_HDR_PATCH_COUNT]
    ldr x7, =VMSA_MMU_BUFFER_BASE
    mov x0, x7
    lsl x1, x6, #4
    bl read_input
1:  cbz x6, 2f
    ldp x0, x1, [x7], #VMSA_PATCH_SIZE
    str x1, [x0]
    sub x6, x6, #1
    b 1b
2:  ldr x30, [sp], #16
    ret

// ---------------------------------------------------------------------------
// Output (the semihosting plumbing is in probe_io.S).

// write_result_header(x0 = status, x1 = detail), for probe_io.S: the
// records asked for, and the table snapshot's size when there is one.
write_result_header:
    ldr x3, [x19, #VMSA_HDR_RECORD_COUNT]
    ldr x5, [x19, #VMSA_HDR_FLAGS]
    ldr x4, [x19, #VMSA_HDR_TABLES_SIZE]
    tst x5, #VMSA_FLAG_SNAPSHOT_TABLES
    csel x4, x4, xzr, ne
    mov x2, #VMSA_LEG_MMU
    b write_result

// ---------------------------------------------------------------------------
// EL2 vectors. Exceptions from EL1/EL0 (the hvc of the EL1 vectors) resume
// at x28 with x9 = ESR_EL2; anything taken at EL2 itself ends the run.
    .balign 2048
el2_vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7
    .balign 0x80
    mrs x1, esr_el2
    mov x0, #VMSA_RUN_UNEXPECTED_EXCEPTION
    b fail
    .endr
    .irp n, 8, 9, 10, 11
    .balign 0x80
    mrs x9, esr_el2
    br x28
    .endr
    .irp n, 12, 13, 14, 15
    .balign 0x80
    mrs x1, esr_el2
    mov x0, #VMSA_RUN_UNEXPECTED_EXCEPTION
    b fail
    .endr

    .data
    .balign 8
header: .skip VMSA_HDR_SIZE
