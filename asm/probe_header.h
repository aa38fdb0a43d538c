// The identity check every probe makes of its input header (CShims.h
// struct vmsa_probe_header; the regime probe's header starts alike):
// magic, then version and leg. Shared by user_io.S and probe_io.S.
#ifndef VMSA_ASM_PROBE_HEADER_H
#define VMSA_ASM_PROBE_HEADER_H

#include "CShims.h"

// check_probe_identity HEADER, LEG, T0, T1, FAIL: branches to FAIL unless the
// header at x-register HEADER has the probe magic, version and the leg in
// LEG (an x-register holding a VMSA_LEG_*); T0 and T1 are scratch.
.macro check_probe_identity header, leg, t0, t1, fail
    ldr \t0, [\header, #VMSA_HDR_MAGIC]
    ldr \t1, =VMSA_PROBE_MAGIC
    cmp \t0, \t1
    b.ne \fail
    // The 32-bit version and leg fields make one little-endian word.
    .if VMSA_HDR_LEG != VMSA_HDR_VERSION + 4
    .error "version and leg are not adjacent"
    .endif
    ldr \t0, [\header, #VMSA_HDR_VERSION]
    mov \t1, #VMSA_PROBE_VERSION
    orr \t1, \t1, \leg, lsl #32
    cmp \t0, \t1
    b.ne \fail
.endm

// store_result_identity HEADER, LEG, T: the result magic, version and the leg
// in x-register LEG into the result header at x-register HEADER; T is scratch.
.macro store_result_identity header, leg, t
    ldr \t, =VMSA_RESULT_MAGIC
    str \t, [\header, #VMSA_RES_MAGIC]
    // The 32-bit version and leg fields make one little-endian word.
    .if VMSA_RES_LEG != VMSA_RES_VERSION + 4
    .error "version and leg are not adjacent"
    .endif
    mov \t, #VMSA_PROBE_VERSION
    orr \t, \t, \leg, lsl #32
    str \t, [\header, #VMSA_RES_VERSION]
.endm

#endif
