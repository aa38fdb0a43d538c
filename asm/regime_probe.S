// Regime probe: a bare-metal program for `qemu-system-aarch64 -M
// virt,secure=on,virtualization=on -cpu max`, which starts it at EL3. It
// stays at EL3 with its own MMU off and asks QEMU's MMU, through AT
// instructions, about every regime other than EL1&0 stage 1 (CShims.h,
// struct vmsa_regime_header): SCR_EL3.NS=1, so the EL2 and EL1 regimes it
// addresses are the Non-secure ones.
//
//   el2:  AT S1E2R, S1E2W                       (HCR_EL2.E2H=0)
//   el20: AT S1E2R, S1E2W, S1E0R, S1E0W, S1E1R  (HCR_EL2.{E2H,TGE}={1,1})
//   el3:  AT S1E3R, S1E3W, from the EL3 window with SCTLR_EL3.M=1
//   s12:  AT S12E1R, S12E1W, S12E0R, S12E0W, and S1E1R (the IPA)
//
// Each AT is followed by an isb and a read of PAR_EL1. The input holds one
// or more runs; each copies its segments to their physical addresses first
// and zeroes them again afterwards.
//
// Built with -mstrict-align: the probe runs with its MMU off (Device memory).

#include "CShims.h"
#include "arm_arch.h"

    .arch armv8.4-a

#define SCR_EL3_NS (1 << 0)
#define SCR_EL3_RES1 (3 << 4)
#define SCR_EL3_HCE (1 << 8)                       /* hvc enabled (EL2 exists) */
#define SCR_EL3_RW (1 << 10)                       /* EL2 is AArch64 */
#define HCR_EL2_VM (1 << 0)
#define HCR_EL2_TGE (1 << 27)
#define HCR_EL2_RW (1 << 31)                       /* EL1 is AArch64 */
#define HCR_EL2_E2H (1 << 34)
#define SCTLR_M (1 << 0)
#define WORD_ALIGN_MASK 7
#define WORD_SHIFT 3                               /* a VA is one 8-byte word */
/// log2 of VMSA_SEG_RECORD_SIZE, to index the segment list.
#define SEGMENT_SHIFT 4
    .if (1 << SEGMENT_SHIFT) != VMSA_SEG_RECORD_SIZE
    .error "SEGMENT_SHIFT does not match VMSA_SEG_RECORD_SIZE"
    .endif
#define CURRENT_EL_EL3 (3 << 2)                    /* CurrentEL.EL [3:2] */
/// Each PAR_EL1 slot of a struct vmsa_regime_result.
#define PAR_SLOT(at) (VMSA_REGIME_PAR + 8 * (at))

// at_into OP, SLOT: PAR_EL1 after `AT OP` of x25, into record x26.
.macro at_into op, slot
    at \op, x25
    isb
    mrs x0, par_el1
    str x0, [x26, #PAR_SLOT(\slot)]
.endm

// stage1_registers EL: TCR_<EL>, MAIR_<EL> and TTBR0_<EL> from header x19.
.macro stage1_registers el
    ldr x0, [x19, #VMSA_RHDR_TCR]
    msr tcr_\el, x0
    ldr x0, [x19, #VMSA_RHDR_MAIR]
    msr mair_\el, x0
    ldr x0, [x19, #VMSA_RHDR_TTBR0]
    msr ttbr0_\el, x0
.endm

// ---------------------------------------------------------------------------
// The EL3 window: runs with SCTLR_EL3.M=1, so it is fetched through the
// input's EL3 tables (which must map it to itself) and touches no memory.
    .section .window, "ax"
// el3_window(x0 = SCTLR_EL3 with M, x1 = SCTLR_EL3 as booted, x2 = VA)
//   -> x3, x4 = PAR_EL1 after AT S1E3R, AT S1E3W.
el3_window:
    msr sctlr_el3, x0
    isb
    at s1e3r, x2
    isb
    mrs x3, par_el1
    at s1e3w, x2
    isb
    mrs x4, par_el1
    msr sctlr_el3, x1
    isb
    ret

// ---------------------------------------------------------------------------
// Registers kept across a run: x19 run header, x20 record count, x21 the VA
// list, x22 results, x23 records over all runs, x27 segment count, x28
// SCTLR_EL3 at boot, x17 SCTLR_EL3 for an el3 run, x18 the run's AT routine.
    .text
    .global _start, write_result_header
_start:
    ldr x0, =VMSA_MMU_STACK_TOP
    mov sp, x0
    adr x0, el3_vectors
    msr vbar_el3, x0
    isb
    mov x23, #0
    bl open_io
    // Room for the result header, rewritten when the run ends.
    mov x0, #VMSA_RUN_OK
    mov x1, #0
    bl write_result_header
    mrs x1, CurrentEL
    cmp x1, #CURRENT_EL_EL3
    mov x0, #VMSA_RUN_NOT_EL3
    b.ne fail
    mrs x28, sctlr_el3
    ldr x0, =(SCR_EL3_RES1 | SCR_EL3_NS | SCR_EL3_HCE | SCR_EL3_RW)
    msr scr_el3, x0
    isb
    bl reset_state

next_run:
    adr x19, header
    mov x0, x19
    mov x1, #VMSA_RHDR_SIZE
    bl read_some
    cmp x0, #VMSA_RHDR_SIZE
    b.eq all_runs_done                          // end of input: nothing read
    cbnz x0, fail_input
    mov x0, x19
    mov x1, #VMSA_LEG_REGIME
    bl check_input_header
    bl load_segments

    // Addresses after the segment list, then room for their results.
    ldr x20, [x19, #VMSA_RHDR_RECORD_COUNT]
    ldr x0, =VMSA_MMU_BUFFER_BASE
    add x21, x0, x27, lsl #SEGMENT_SHIFT
    mov x0, #((1 << WORD_SHIFT) + VMSA_REGIME_RECORD_SIZE)
    umulh x1, x20, x0
    cbnz x1, fail_too_large
    mul x1, x20, x0
    adds x1, x1, x21
    b.cs fail_too_large
    ldr x2, =VMSA_MMU_BUFFER_END
    cmp x1, x2
    b.hi fail_too_large
    add x22, x21, x20, lsl #WORD_SHIFT
    mov x0, x21
    lsl x1, x20, #WORD_SHIFT
    bl read_input

    // The regime's registers; x18 = its AT routine.
    ldr w0, [x19, #VMSA_RHDR_REGIME]
    cmp w0, #VMSA_REGIME_EL2
    b.eq 1f
    cmp w0, #VMSA_REGIME_EL20
    b.eq 2f
    cmp w0, #VMSA_REGIME_EL3
    b.eq 3f
    cmp w0, #VMSA_REGIME_S12
    b.eq 4f
    mov x1, x0
    mov x0, #VMSA_RUN_BAD_REGIME
    b fail
1:  bl setup_el2
    b 5f
2:  bl setup_el20
    b 5f
3:  bl setup_el3
    b 5f
4:  bl setup_s12
5:  bl sync_translation

    // Every address: a zeroed record with its VA, then the regime's ATs.
    mov x24, #0
6:  cmp x24, x20
    b.hs 8f
    ldr x25, [x21, x24, lsl #WORD_SHIFT]
    mov x0, #VMSA_REGIME_RECORD_SIZE
    madd x26, x24, x0, x22
    str x25, [x26, #VMSA_REGIME_VA]
    mov x0, #0
7:  add x1, x26, #VMSA_REGIME_PAR
    str xzr, [x1, x0, lsl #WORD_SHIFT]
    add x0, x0, #1
    cmp x0, #VMSA_RAT_COUNT
    b.lo 7b
    blr x18
    add x24, x24, #1
    b 6b
8:  mov x0, x22
    mov x1, #VMSA_REGIME_RECORD_SIZE
    mul x1, x20, x1
    bl write_output
    add x23, x23, x20
    bl zero_segments
    bl reset_state
    b next_run

all_runs_done:
    mov x0, #VMSA_RUN_OK
    mov x1, #0
    bl write_result_header
    mov x0, #VMSA_RUN_OK
    b exit_probe

// ---------------------------------------------------------------------------
// Regimes. A setup routine programs the registers from header x19 and sets
// x18 to the routine that runs the regime's ATs on x25 into record x26.

// el2_stage1: TCR_EL2, MAIR_EL2 and TTBR0_EL2 from the header, SCTLR_EL2 with M.
el2_stage1:
    stage1_registers el2
    ldr x0, [x19, #VMSA_RHDR_SCTLR]
    orr x0, x0, #SCTLR_M
    msr sctlr_el2, x0
    ret

setup_el2:
    ldr x0, [x19, #VMSA_RHDR_HCR]
    bic x0, x0, #HCR_EL2_E2H
    orr x0, x0, #HCR_EL2_RW
    msr hcr_el2, x0
    isb
    adr x18, ats_el2
    b el2_stage1

ats_el2:
    at_into s1e2r, VMSA_RAT_S1E2R
    at_into s1e2w, VMSA_RAT_S1E2W
    ret

setup_el20:
    ldr x0, [x19, #VMSA_RHDR_HCR]
    orr x0, x0, #HCR_EL2_E2H
    orr x0, x0, #HCR_EL2_TGE
    orr x0, x0, #HCR_EL2_RW
    msr hcr_el2, x0
    isb
    ldr x0, [x19, #VMSA_RHDR_TTBR1]
    msr ttbr1_el2, x0
    adr x18, ats_el20
    b el2_stage1

ats_el20:
    at_into s1e2r, VMSA_RAT_S1E2R
    at_into s1e2w, VMSA_RAT_S1E2W
    at_into s1e0r, VMSA_RAT_S1E0R
    at_into s1e0w, VMSA_RAT_S1E0W
    at_into s1e1r, VMSA_RAT_S1E1R
    ret

// el3: first the window check. TCR_EL2 (E2H=0) has TCR_EL3's layout and both
// regimes use the one-Exception-level descriptor format, so AT S1E2R with
// the EL3 values in the EL2 registers answers whether the window is mapped.
setup_el3:
    str x30, [sp, #-16]!
    mov x0, #HCR_EL2_RW
    msr hcr_el2, x0
    isb
    bl el2_stage1
    bl sync_translation
    ldr x1, =VMSA_REGIME_WINDOW_PA
    at s1e2r, x1
    isb
    mrs x1, par_el1
    tbnz x1, #PAR_F_BIT, 1f
    ubfx x2, x1, #PAR_PA_LSB, #PAR_PA_WIDTH
    ldr x3, =(VMSA_REGIME_WINDOW_PA >> PAR_PA_LSB)
    cmp x2, x3
    b.ne 1f
    bl reset_state
    stage1_registers el3
    ldr x17, [x19, #VMSA_RHDR_SCTLR]
    orr x17, x17, #SCTLR_M
    adr x18, ats_el3
    ldr x30, [sp], #16
    ret
1:  mov x0, #VMSA_RUN_WINDOW_UNMAPPED
    b fail

ats_el3:
    str x30, [sp, #-16]!
    mov x0, x17
    mov x1, x28
    mov x2, x25
    bl el3_window
    str x3, [x26, #PAR_SLOT(VMSA_RAT_S1E3R)]
    str x4, [x26, #PAR_SLOT(VMSA_RAT_S1E3W)]
    ldr x30, [sp], #16
    ret

setup_s12:
    ldr x0, [x19, #VMSA_RHDR_HCR]
    bic x0, x0, #HCR_EL2_E2H
    bic x0, x0, #HCR_EL2_TGE
    orr x0, x0, #HCR_EL2_VM
    orr x0, x0, #HCR_EL2_RW
    msr hcr_el2, x0
    isb
    ldr x0, [x19, #VMSA_RHDR_VTCR]
    msr vtcr_el2, x0
    ldr x0, [x19, #VMSA_RHDR_VTTBR]
    msr vttbr_el2, x0
    stage1_registers el1
    ldr x0, [x19, #VMSA_RHDR_TTBR1]
    msr ttbr1_el1, x0
    ldr x0, [x19, #VMSA_RHDR_SCTLR]
    msr sctlr_el1, x0
    adr x18, ats_s12
    ret

ats_s12:
    at_into s12e1r, VMSA_RAT_S12E1R
    at_into s12e1w, VMSA_RAT_S12E1W
    at_into s12e0r, VMSA_RAT_S12E0R
    at_into s12e0w, VMSA_RAT_S12E0W
    at_into s1e1r, VMSA_RAT_S1E1R
    ret

// reset_state: every translation register a run sets back to 0 (HCR_EL2 to
// RW only, SCTLR_EL3 as booted), then the TLBs invalidated.
reset_state:
    msr sctlr_el3, x28
    msr sctlr_el2, xzr
    msr sctlr_el1, xzr
    mov x0, #HCR_EL2_RW
    msr hcr_el2, x0
    msr vtcr_el2, xzr
    msr vttbr_el2, xzr
    msr tcr_el2, xzr
    msr mair_el2, xzr
    msr ttbr0_el2, xzr
    msr ttbr1_el2, xzr
    msr tcr_el1, xzr
    msr mair_el1, xzr
    msr ttbr0_el1, xzr
    msr ttbr1_el1, xzr
    msr mair_el3, xzr
    msr ttbr0_el3, xzr
    // Fall through.
// sync_translation: register writes visible, no stale TLB entries.
sync_translation:
    dsb sy
    tlbi alle3
    tlbi alle2
    tlbi alle1
    dsb sy
    isb
    ret

// ---------------------------------------------------------------------------
// Segments. Their descriptors sit at VMSA_MMU_BUFFER_BASE during a run.

// load_segments: reads and checks the run's segment list (x27 = its
// length), then copies each segment to its physical address.
load_segments:
    str x30, [sp, #-16]!
    ldr x27, [x19, #VMSA_RHDR_SEGMENT_COUNT]
    // The list may fill at most half the buffer (the rest is for addresses).
    ldr x0, =((VMSA_MMU_BUFFER_END - VMSA_MMU_BUFFER_BASE) / (2 * VMSA_SEG_RECORD_SIZE))
    cmp x27, x0
    b.hi fail_too_large
    ldr x0, =VMSA_MMU_BUFFER_BASE
    lsl x1, x27, #4
    bl read_input
    mov x9, #0
1:  cmp x9, x27
    b.hs 3f
    ldr x0, =VMSA_MMU_BUFFER_BASE
    add x0, x0, x9, lsl #SEGMENT_SHIFT
    ldp x2, x3, [x0]                            // base, size
    orr x4, x2, x3
    tst x4, #WORD_ALIGN_MASK
    b.ne 2f
    ldr x4, =VMSA_MMU_RAM_BASE
    cmp x2, x4
    b.lo 2f
    adds x4, x2, x3
    b.cs 2f
    ldr x5, =VMSA_MMU_PROBE_BASE
    cmp x4, x5
    b.hi 2f
    add x9, x9, #1
    b 1b
2:  mov x0, #VMSA_RUN_BAD_SEGMENT
    mov x1, x9
    b fail
3:  mov x9, #0
4:  cmp x9, x27
    b.hs 5f
    ldr x0, =VMSA_MMU_BUFFER_BASE
    add x0, x0, x9, lsl #SEGMENT_SHIFT
    ldp x0, x1, [x0]
    bl read_input
    add x9, x9, #1
    b 4b
5:  ldr x30, [sp], #16
    ret

// zero_segments: clears the memory of the run's x27 segments.
zero_segments:
    mov x9, #0
1:  cmp x9, x27
    b.hs 3f
    ldr x0, =VMSA_MMU_BUFFER_BASE
    add x0, x0, x9, lsl #SEGMENT_SHIFT
    ldp x2, x3, [x0]
    add x3, x2, x3
2:  cmp x2, x3
    b.hs 4f
    str xzr, [x2], #(1 << WORD_SHIFT)
    b 2b
4:  add x9, x9, #1
    b 1b
3:  ret


// ---------------------------------------------------------------------------
// Results (the failure paths are in probe_io.S).

// write_result_header(x0 = status, x1 = detail), for probe_io.S: x23
// records so far.
write_result_header:
    mov x2, #VMSA_LEG_REGIME
    mov x3, x23
    mov x4, #0
    b write_result

// Anything taken at EL3 ends the run with ESR_EL3 as the detail.
    .balign 2048
el3_vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    mrs x1, esr_el3
    mov x0, #VMSA_RUN_UNEXPECTED_EXCEPTION
    b fail
    .endr

    .data
    .balign 8
header: .skip VMSA_RHDR_SIZE
