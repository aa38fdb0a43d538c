// The probe ABI: the records that carry requests and results between vmsa
// (Sources/Conformance, which imports this header as the CShims module) and
// the AArch64 probes in asm/ (which include it through the C preprocessor).
// Every offset the assembly uses is a #define here, and the C structs below
// are checked against those offsets at compile time, so neither side can
// drift from the other.
//
// All records are little-endian and 8-byte aligned. One input file drives
// one probe run:
//
//   struct vmsa_probe_header
//   table memory        (walk and mmu legs: tables_size bytes, 8-byte padded)
//   graft patches       (mmu leg: patch_count x struct vmsa_probe_patch)
//   records             (layout: struct vmsa_map_request;
//                        walk and mmu: one uint64_t virtual address each)
//
// and one output file comes back:
//
//   struct vmsa_result_header
//   layout: the table memory the probe built (table_bytes; its TTBRs are in
//           the header)
//   walk:   record_count x struct vmsa_walk_result
//   mmu:    table memory as it was after the AT pass (table_bytes), then
//           record_count x struct vmsa_mmu_result
//
// The regime probe has its own input (see struct vmsa_regime_header below)
// and the same result header, then struct vmsa_regime_result records.
#ifndef VMSA_CSHIMS_H
#define VMSA_CSHIMS_H

// ---------------------------------------------------------------------------
// Identification.

/// "VMSAPRB1" read as a little-endian 64-bit word: an input file.
#define VMSA_PROBE_MAGIC 0x3142525041534d56
/// "VMSARES1" read as a little-endian 64-bit word: an output file.
#define VMSA_RESULT_MAGIC 0x3153455241534d56
#define VMSA_PROBE_VERSION 1

/// Which leg a file belongs to.
#define VMSA_LEG_LAYOUT 1
#define VMSA_LEG_WALK 2
#define VMSA_LEG_MMU 3
#define VMSA_LEG_REGIME 4

// ---------------------------------------------------------------------------
// struct vmsa_probe_header: 128 bytes.

#define VMSA_HDR_MAGIC 0
#define VMSA_HDR_VERSION 8        /* uint32_t */
#define VMSA_HDR_LEG 12           /* uint32_t */
#define VMSA_HDR_TCR 16
#define VMSA_HDR_MAIR 24
#define VMSA_HDR_TTBR0 32
#define VMSA_HDR_TTBR1 40
#define VMSA_HDR_TABLES_BASE 48   /* PA of the first table byte */
#define VMSA_HDR_TABLES_SIZE 56   /* walk, mmu: bytes that follow; layout: pool capacity */
#define VMSA_HDR_RECORD_COUNT 64
#define VMSA_HDR_PATCH_COUNT 72   /* mmu: graft words to store before probing */
#define VMSA_HDR_STUB_VA 80       /* mmu: VA of the grafted stub page; 0 = no real accesses */
#define VMSA_HDR_FLAGS 88         /* VMSA_FLAG_* */
#define VMSA_HDR_RESERVED 96      /* four words, zero */
#define VMSA_HDR_SIZE 128

/// mmu: table memory after the AT pass is written back (to detect AF/dirty updates).
#define VMSA_FLAG_SNAPSHOT_TABLES 1

// ---------------------------------------------------------------------------
// struct vmsa_probe_patch (mmu leg): a 64-bit word the bare-metal probe stores
// at a physical address before it enables translation. Conformance uses them
// to graft a mapping of the probe's EL1/EL0 stub page into a free slot of a
// start-level table, so that real accesses have vectors to return through.

#define VMSA_PATCH_PA 0
#define VMSA_PATCH_VALUE 8
#define VMSA_PATCH_SIZE 16

// ---------------------------------------------------------------------------
// struct vmsa_map_request (layout leg): one ordered request to the table
// builder, with descriptor fields as separate values so that the probe
// encodes them itself. VMSA_OP_MAP maps [va, va + size) to pa with the leaf
// fields; VMSA_OP_TABLE_ATTRIBUTES sets the hierarchical fields of the table
// descriptor at `level` on the walk of va.

#define VMSA_REQ_VA 0
#define VMSA_REQ_PA 8
#define VMSA_REQ_SIZE_BYTES 16
#define VMSA_REQ_OP 24            /* uint8_t VMSA_OP_* */
#define VMSA_REQ_LEAF 25          /* uint8_t VMSA_LEAF_* */
#define VMSA_REQ_ATTR_INDX 26     /* uint8_t AttrIndx[2:0] */
#define VMSA_REQ_AP 27            /* uint8_t AP[2:1] */
#define VMSA_REQ_SH 28            /* uint8_t SH[1:0] (not written with DS=1) */
#define VMSA_REQ_AF 29            /* uint8_t 0 or 1, as are the flags below */
#define VMSA_REQ_NG 30
#define VMSA_REQ_PXN 31
#define VMSA_REQ_UXN 32
#define VMSA_REQ_NS 33
#define VMSA_REQ_GP 34
#define VMSA_REQ_DBM 35
#define VMSA_REQ_LEVEL 36         /* int8_t: table attributes: the descriptor's level */
#define VMSA_REQ_AP_TABLE 37      /* uint8_t APTable[1:0] */
#define VMSA_REQ_PXN_TABLE 38
#define VMSA_REQ_UXN_TABLE 39
#define VMSA_REQ_NS_TABLE 40
#define VMSA_REQ_RESERVED 41      /* seven bytes, zero */
#define VMSA_REQ_RECORD_SIZE 48

#define VMSA_OP_MAP 0
#define VMSA_OP_TABLE_ATTRIBUTES 1

/// Largest legal leaf: blocks where aligned, contiguous runs where aligned.
#define VMSA_LEAF_AUTO 0
/// Last-level pages only, no Contiguous bit.
#define VMSA_LEAF_PAGES 1
/// Blocks where aligned, never the Contiguous bit.
#define VMSA_LEAF_NO_CONTIGUOUS 2

// ---------------------------------------------------------------------------
// Access kinds, in the order both result records keep them.

#define VMSA_ACCESS_EL1_READ 0
#define VMSA_ACCESS_EL1_WRITE 1
#define VMSA_ACCESS_EL1_EXECUTE 2
#define VMSA_ACCESS_EL0_READ 3
#define VMSA_ACCESS_EL0_WRITE 4
#define VMSA_ACCESS_EL0_EXECUTE 5
#define VMSA_ACCESS_COUNT 6

/// A status byte: VMSA_STATUS_OK, or VMSA_STATUS_FAULT | FSC where FSC is the
/// Arm ARM fault status code (as in PAR_EL1.FST and ESR_ELx.{I,D}FSC).
#define VMSA_STATUS_OK 0x00
#define VMSA_STATUS_FAULT 0x40
#define VMSA_STATUS_FSC_MASK 0x3f

/// Fault status codes (Arm ARM ESR_ELx ISS encoding for aborts). Level n in
/// 0..3 is added to the base; level -1 has its own codes.
#define VMSA_FSC_ADDRESS_SIZE 0x00
#define VMSA_FSC_TRANSLATION 0x04
#define VMSA_FSC_ACCESS_FLAG 0x08
#define VMSA_FSC_PERMISSION 0x0c
#define VMSA_FSC_EXTERNAL 0x10          /* synchronous External abort, not on a walk */
#define VMSA_FSC_EXTERNAL_WALK 0x14     /* synchronous External abort on a walk, + level */
#define VMSA_FSC_ADDRESS_SIZE_LM1 0x29
#define VMSA_FSC_TRANSLATION_LM1 0x2b
#define VMSA_FSC_EXTERNAL_WALK_LM1 0x13

// ---------------------------------------------------------------------------
// struct vmsa_walk_result (walk leg): 48 bytes per virtual address.

#define VMSA_WALK_VA 0
#define VMSA_WALK_PA 8            /* output address of the VA when the walk reached a leaf */
#define VMSA_WALK_DESCRIPTOR 16   /* the leaf, or the descriptor where the walk stopped */
#define VMSA_WALK_LEVEL 24        /* int32_t: level of that descriptor or of the fault */
#define VMSA_WALK_STATUS 28       /* uint8_t: the walk before permission checks */
#define VMSA_WALK_AP 29           /* uint8_t: AP[2:1] after APTable */
#define VMSA_WALK_XN 30           /* uint8_t: bit 0 PXN, bit 1 UXN, after the tables and implicit rules */
#define VMSA_WALK_SH 31           /* uint8_t: descriptor SH, or TCR_EL1.SHx with DS=1 */
#define VMSA_WALK_ATTR 32         /* uint8_t: the MAIR_EL1 byte AttrIndx selects */
#define VMSA_WALK_ACCESS 33       /* uint8_t[6]: status per VMSA_ACCESS_* */
#define VMSA_WALK_RESERVED 39     /* nine bytes, zero */
#define VMSA_WALK_RECORD_SIZE 48

#define VMSA_WALK_XN_PXN 1
#define VMSA_WALK_XN_UXN 2

// ---------------------------------------------------------------------------
// struct vmsa_mmu_result (mmu leg): 136 bytes per virtual address.

#define VMSA_MMU_VA 0
#define VMSA_MMU_PAR 8            /* uint64_t[4]: PAR_EL1 after AT S1E1R, S1E1W, S1E0R, S1E0W */
#define VMSA_MMU_ESR 40           /* uint64_t[6]: ESR_EL1 after each real access (VMSA_ACCESS_*) */
#define VMSA_MMU_FAR 88           /* uint64_t[6]: FAR_EL1 after each real access */
#define VMSA_MMU_RECORD_SIZE 136

#define VMSA_AT_S1E1R 0
#define VMSA_AT_S1E1W 1
#define VMSA_AT_S1E0R 2
#define VMSA_AT_S1E0W 3
#define VMSA_AT_COUNT 4

/// ESR value of a real access the probe did not attempt (its PA is device
/// memory, or memory the probe itself lives in).
#define VMSA_ESR_SKIPPED 0xffffffffffffffff

// ---------------------------------------------------------------------------
// struct vmsa_result_header: 64 bytes.

#define VMSA_RES_MAGIC 0
#define VMSA_RES_VERSION 8        /* uint32_t */
#define VMSA_RES_LEG 12           /* uint32_t */
#define VMSA_RES_RECORD_COUNT 16
#define VMSA_RES_TABLE_BYTES 24   /* layout: bytes built; mmu: snapshot bytes; walk: 0 */
#define VMSA_RES_STATUS 32        /* VMSA_RUN_* */
#define VMSA_RES_DETAIL 40        /* the value the status is about */
#define VMSA_RES_TTBR0 48         /* layout: TTBR0_EL1 for the tables the probe built */
#define VMSA_RES_TTBR1 56         /* layout: TTBR1_EL1 */
#define VMSA_RES_SIZE 64

/// Run status a probe reports in its result header (and as its exit code).
#define VMSA_RUN_OK 0
#define VMSA_RUN_BAD_INPUT 2          /* magic, version or leg mismatch */
#define VMSA_RUN_POOL_EXHAUSTED 3     /* layout: the table pool is too small */
#define VMSA_RUN_BAD_REQUEST 4        /* layout: a request the probe cannot map; detail = its index */
#define VMSA_RUN_IO 5                 /* reading input or writing output failed */
#define VMSA_RUN_UNEXPECTED_EXCEPTION 6 /* mmu: the probe itself took an exception; detail = ESR_EL2 */
#define VMSA_RUN_TOO_LARGE 7          /* mmu, regime: the input does not fit the probe's memory */
#define VMSA_RUN_BAD_SEGMENT 8        /* regime: a segment is unaligned or not in free RAM; detail = its index */
#define VMSA_RUN_WINDOW_UNMAPPED 9    /* regime, el3: the tables do not map the EL3 window; detail = PAR_EL1 */
#define VMSA_RUN_NOT_EL3 10           /* regime: the probe did not start at EL3; detail = CurrentEL */
#define VMSA_RUN_BAD_REGIME 11        /* regime: unknown VMSA_REGIME_*; detail = the value */

// ---------------------------------------------------------------------------
// The bare-metal probe's place in `qemu-system-aarch64 -M virt`: RAM starts at
// 1 GiB; the probe owns the top of a 2 GiB RAM, so tables may sit anywhere
// below VMSA_MMU_PROBE_BASE. Every physical address at or above VMSA_MMU_RAM_END
// is unassigned (the board runs with highmem=off), so a real access that gets
// through translation there ends in a synchronous External abort, which tells
// the probe that translation and permissions allowed it, with no side effects.

#define VMSA_MMU_RAM_BASE 0x40000000
#define VMSA_MMU_RAM_SIZE_MIB 2048
#define VMSA_MMU_RAM_END 0xc0000000
#define VMSA_MMU_PROBE_BASE 0xb0000000
/// The stub page: EL1 vectors and the EL1/EL0 access stubs, 64 KiB aligned so
/// that any granule maps it with one page.
#define VMSA_MMU_STUB_PA 0xb0000000
#define VMSA_MMU_STUB_VECTORS 0x000     /* VBAR_EL1 = stub VA + this */
#define VMSA_MMU_STUB_LOAD 0x800        /* ldr x2, [x1]; svc #0 */
#define VMSA_MMU_STUB_STORE 0x808       /* str x2, [x1]; svc #0 */
#define VMSA_MMU_STUB_PING 0x810        /* svc #0 */
/// Where Conformance puts the graft's table pages (inside the probe's memory).
#define VMSA_MMU_GRAFT_BASE 0xb0100000
#define VMSA_MMU_GRAFT_SIZE 0x00100000
/// Where the probe keeps its input records and results.
#define VMSA_MMU_BUFFER_BASE 0xb0400000
#define VMSA_MMU_BUFFER_END 0xc0000000
/// The probe's EL2 stack top (grows down below the graft area).
#define VMSA_MMU_STACK_TOP 0xb0100000

// ---------------------------------------------------------------------------
// The regime probe (asm/regime_probe.S): boots at EL3 under
// `-M virt,secure=on,virtualization=on`, stays there with its own MMU off and
// asks QEMU's MMU, through AT instructions, about the Non-secure EL2, EL2&0
// and EL1&0-with-stage-2 regimes (SCR_EL3.NS=1) and about EL3 itself.
//
// Input: one or more runs back to back, until the end of the file:
//
//   struct vmsa_regime_header
//   segment_count x struct vmsa_regime_segment
//   the segments' bytes, in that order (each `size` bytes, copied to `base`)
//   record_count x uint64_t virtual address (IPA for s12 with stage 1 off)
//
// Output: struct vmsa_result_header (leg VMSA_LEG_REGIME, record_count over
// all runs), then one struct vmsa_regime_result per address, in input order.
// Between runs the probe zeroes the segments it wrote and clears the
// translation registers and TLBs, so runs do not see each other's tables.

/// Which regime a run probes.
#define VMSA_REGIME_EL2 1       /* HCR_EL2.E2H=0: TCR_EL2, MAIR_EL2, TTBR0_EL2, SCTLR_EL2 */
#define VMSA_REGIME_EL20 2      /* HCR_EL2.{E2H,TGE}={1,1}: TCR_EL2 (TCR_EL1 layout), TTBR0/1_EL2 */
#define VMSA_REGIME_EL3 3       /* TCR_EL3, MAIR_EL3, TTBR0_EL3, SCTLR_EL3 */
#define VMSA_REGIME_S12 4       /* HCR_EL2.VM=1: VTCR_EL2, VTTBR_EL2 and the EL1&0 stage 1 */

// struct vmsa_regime_header: 128 bytes. Register values are raw; the probe
// sets only what the regime needs: SCTLR_ELx.M (not for s12, whose SCTLR_EL1
// is taken as given, so stage 1 may be off), HCR_EL2.RW always, E2H=0 for
// el2, E2H=TGE=1 for el20, VM=1 and E2H=TGE=0 for s12.
// The identity words are those of every input header (vmsa_probe_header).
#define VMSA_RHDR_MAGIC VMSA_HDR_MAGIC       /* VMSA_PROBE_MAGIC */
#define VMSA_RHDR_VERSION VMSA_HDR_VERSION   /* uint32_t VMSA_PROBE_VERSION */
#define VMSA_RHDR_LEG VMSA_HDR_LEG           /* uint32_t VMSA_LEG_REGIME */
#define VMSA_RHDR_REGIME 16        /* uint32_t VMSA_REGIME_* */
#define VMSA_RHDR_RESERVED0 20     /* uint32_t, zero */
#define VMSA_RHDR_TCR 24           /* TCR_EL2 (el2, el20), TCR_EL3 (el3), TCR_EL1 (s12) */
#define VMSA_RHDR_MAIR 32          /* MAIR_EL2, MAIR_EL3 or MAIR_EL1 likewise */
#define VMSA_RHDR_TTBR0 40         /* TTBR0_EL2, TTBR0_EL3 or TTBR0_EL1 */
#define VMSA_RHDR_TTBR1 48         /* TTBR1_EL2 (el20), TTBR1_EL1 (s12); unused otherwise */
#define VMSA_RHDR_SCTLR 56         /* SCTLR_EL2, SCTLR_EL3 or SCTLR_EL1 */
#define VMSA_RHDR_HCR 64           /* HCR_EL2 (e.g. FWB, PTW, DC) */
#define VMSA_RHDR_VTCR 72          /* VTCR_EL2 (s12) */
#define VMSA_RHDR_VTTBR 80         /* VTTBR_EL2 (s12) */
#define VMSA_RHDR_SEGMENT_COUNT 88
#define VMSA_RHDR_RECORD_COUNT 96
#define VMSA_RHDR_RESERVED 104     /* three words, zero */
#define VMSA_RHDR_SIZE 128

// struct vmsa_regime_segment: physical memory to fill before probing. Base
// and size are multiples of 8 and the segment lies in
// [VMSA_MMU_RAM_BASE, VMSA_MMU_PROBE_BASE) (else VMSA_RUN_BAD_SEGMENT).
#define VMSA_SEG_BASE 0
#define VMSA_SEG_SIZE 8
#define VMSA_SEG_RECORD_SIZE 16

// struct vmsa_regime_result: 96 bytes per address. One PAR_EL1 slot per AT
// instruction; a slot the run's regime does not use stays 0.
#define VMSA_REGIME_VA 0
#define VMSA_REGIME_PAR 8          /* uint64_t[VMSA_RAT_COUNT] */
#define VMSA_REGIME_RECORD_SIZE 96

#define VMSA_RAT_S1E2R 0           /* el2, el20 */
#define VMSA_RAT_S1E2W 1
#define VMSA_RAT_S1E0R 2           /* el20: EL2&0 from EL0 */
#define VMSA_RAT_S1E0W 3
#define VMSA_RAT_S1E3R 4           /* el3 */
#define VMSA_RAT_S1E3W 5
#define VMSA_RAT_S12E1R 6          /* s12: both stages */
#define VMSA_RAT_S12E1W 7
#define VMSA_RAT_S12E0R 8
#define VMSA_RAT_S12E0W 9
#define VMSA_RAT_S1E1R 10          /* s12: stage 1 only (the IPA); el20: EL2&0 from EL2 */
#define VMSA_RAT_COUNT 11

/// The regime probe lives where the MMU probe does (from VMSA_MMU_PROBE_BASE,
/// stack at VMSA_MMU_STACK_TOP, buffers in VMSA_MMU_BUFFER_BASE..END).
/// AT S1E3R/W need SCTLR_EL3.M=1 at EL3, so they run from the EL3 window, a
/// page of code that touches no memory: an el3 run's tables must map
/// [VMSA_REGIME_WINDOW_PA, + VMSA_REGIME_WINDOW_CODE_SIZE) to itself,
/// executable at EL3 (a 4K page will do; the window is 64 KiB aligned so one
/// page of any granule maps it). The probe checks the mapping first (AT S1E2R
/// with the EL3 values in the EL2 registers: same TCR layout and descriptor
/// format) and refuses with VMSA_RUN_WINDOW_UNMAPPED; execute-never and
/// SCTLR_EL3.WXN it cannot check: those hang until the runner's time limit.
#define VMSA_REGIME_WINDOW_PA VMSA_MMU_PROBE_BASE
#define VMSA_REGIME_WINDOW_CODE_SIZE 0x1000
#define VMSA_REGIME_WINDOW_SIZE 0x10000

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct vmsa_probe_header {
    uint64_t magic;
    uint32_t version;
    uint32_t leg;
    uint64_t tcr;
    uint64_t mair;
    uint64_t ttbr0;
    uint64_t ttbr1;
    uint64_t tables_base;
    uint64_t tables_size;
    uint64_t record_count;
    uint64_t patch_count;
    uint64_t stub_va;
    uint64_t flags;
    uint64_t reserved[4];
};

struct vmsa_probe_patch {
    uint64_t pa;
    uint64_t value;
};

struct vmsa_map_request {
    uint64_t va;
    uint64_t pa;
    uint64_t size;
    uint8_t op;
    uint8_t leaf;
    uint8_t attr_indx;
    uint8_t ap;
    uint8_t sh;
    uint8_t af;
    uint8_t ng;
    uint8_t pxn;
    uint8_t uxn;
    uint8_t ns;
    uint8_t gp;
    uint8_t dbm;
    int8_t level;
    uint8_t ap_table;
    uint8_t pxn_table;
    uint8_t uxn_table;
    uint8_t ns_table;
    uint8_t reserved[7];
};

struct vmsa_walk_result {
    uint64_t va;
    uint64_t pa;
    uint64_t descriptor;
    int32_t level;
    uint8_t status;
    uint8_t ap;
    uint8_t xn;
    uint8_t sh;
    uint8_t attr;
    uint8_t access[VMSA_ACCESS_COUNT];
    uint8_t reserved[9];
};

struct vmsa_mmu_result {
    uint64_t va;
    uint64_t par[VMSA_AT_COUNT];
    uint64_t esr[VMSA_ACCESS_COUNT];
    uint64_t far[VMSA_ACCESS_COUNT];
};

struct vmsa_result_header {
    uint64_t magic;
    uint32_t version;
    uint32_t leg;
    uint64_t record_count;
    uint64_t table_bytes;
    uint64_t status;
    uint64_t detail;
    uint64_t ttbr0;
    uint64_t ttbr1;
};

struct vmsa_regime_header {
    uint64_t magic;
    uint32_t version;
    uint32_t leg;
    uint32_t regime;
    uint32_t reserved0;
    uint64_t tcr;
    uint64_t mair;
    uint64_t ttbr0;
    uint64_t ttbr1;
    uint64_t sctlr;
    uint64_t hcr;
    uint64_t vtcr;
    uint64_t vttbr;
    uint64_t segment_count;
    uint64_t record_count;
    uint64_t reserved[3];
};

struct vmsa_regime_segment {
    uint64_t base;
    uint64_t size;
};

struct vmsa_regime_result {
    uint64_t va;
    uint64_t par[VMSA_RAT_COUNT];
};

// The assembly reads and writes these records through the offsets above.
#define VMSA_CHECK(type, field, offset) \
    _Static_assert(offsetof(struct type, field) == (offset), #type "." #field " is not at " #offset)
VMSA_CHECK(vmsa_probe_header, magic, VMSA_HDR_MAGIC);
VMSA_CHECK(vmsa_probe_header, version, VMSA_HDR_VERSION);
VMSA_CHECK(vmsa_probe_header, leg, VMSA_HDR_LEG);
VMSA_CHECK(vmsa_probe_header, tcr, VMSA_HDR_TCR);
VMSA_CHECK(vmsa_probe_header, mair, VMSA_HDR_MAIR);
VMSA_CHECK(vmsa_probe_header, ttbr0, VMSA_HDR_TTBR0);
VMSA_CHECK(vmsa_probe_header, ttbr1, VMSA_HDR_TTBR1);
VMSA_CHECK(vmsa_probe_header, tables_base, VMSA_HDR_TABLES_BASE);
VMSA_CHECK(vmsa_probe_header, tables_size, VMSA_HDR_TABLES_SIZE);
VMSA_CHECK(vmsa_probe_header, record_count, VMSA_HDR_RECORD_COUNT);
VMSA_CHECK(vmsa_probe_header, patch_count, VMSA_HDR_PATCH_COUNT);
VMSA_CHECK(vmsa_probe_header, stub_va, VMSA_HDR_STUB_VA);
VMSA_CHECK(vmsa_probe_header, flags, VMSA_HDR_FLAGS);
VMSA_CHECK(vmsa_probe_header, reserved, VMSA_HDR_RESERVED);
_Static_assert(sizeof(struct vmsa_probe_header) == VMSA_HDR_SIZE, "vmsa_probe_header size");

VMSA_CHECK(vmsa_probe_patch, pa, VMSA_PATCH_PA);
VMSA_CHECK(vmsa_probe_patch, value, VMSA_PATCH_VALUE);
_Static_assert(sizeof(struct vmsa_probe_patch) == VMSA_PATCH_SIZE, "vmsa_probe_patch size");

VMSA_CHECK(vmsa_map_request, va, VMSA_REQ_VA);
VMSA_CHECK(vmsa_map_request, pa, VMSA_REQ_PA);
VMSA_CHECK(vmsa_map_request, size, VMSA_REQ_SIZE_BYTES);
VMSA_CHECK(vmsa_map_request, op, VMSA_REQ_OP);
VMSA_CHECK(vmsa_map_request, leaf, VMSA_REQ_LEAF);
VMSA_CHECK(vmsa_map_request, attr_indx, VMSA_REQ_ATTR_INDX);
VMSA_CHECK(vmsa_map_request, ap, VMSA_REQ_AP);
VMSA_CHECK(vmsa_map_request, sh, VMSA_REQ_SH);
VMSA_CHECK(vmsa_map_request, af, VMSA_REQ_AF);
VMSA_CHECK(vmsa_map_request, ng, VMSA_REQ_NG);
VMSA_CHECK(vmsa_map_request, pxn, VMSA_REQ_PXN);
VMSA_CHECK(vmsa_map_request, uxn, VMSA_REQ_UXN);
VMSA_CHECK(vmsa_map_request, ns, VMSA_REQ_NS);
VMSA_CHECK(vmsa_map_request, gp, VMSA_REQ_GP);
VMSA_CHECK(vmsa_map_request, dbm, VMSA_REQ_DBM);
VMSA_CHECK(vmsa_map_request, level, VMSA_REQ_LEVEL);
VMSA_CHECK(vmsa_map_request, ap_table, VMSA_REQ_AP_TABLE);
VMSA_CHECK(vmsa_map_request, pxn_table, VMSA_REQ_PXN_TABLE);
VMSA_CHECK(vmsa_map_request, uxn_table, VMSA_REQ_UXN_TABLE);
VMSA_CHECK(vmsa_map_request, ns_table, VMSA_REQ_NS_TABLE);
VMSA_CHECK(vmsa_map_request, reserved, VMSA_REQ_RESERVED);
_Static_assert(sizeof(struct vmsa_map_request) == VMSA_REQ_RECORD_SIZE, "vmsa_map_request size");

VMSA_CHECK(vmsa_walk_result, va, VMSA_WALK_VA);
VMSA_CHECK(vmsa_walk_result, pa, VMSA_WALK_PA);
VMSA_CHECK(vmsa_walk_result, descriptor, VMSA_WALK_DESCRIPTOR);
VMSA_CHECK(vmsa_walk_result, level, VMSA_WALK_LEVEL);
VMSA_CHECK(vmsa_walk_result, status, VMSA_WALK_STATUS);
VMSA_CHECK(vmsa_walk_result, ap, VMSA_WALK_AP);
VMSA_CHECK(vmsa_walk_result, xn, VMSA_WALK_XN);
VMSA_CHECK(vmsa_walk_result, sh, VMSA_WALK_SH);
VMSA_CHECK(vmsa_walk_result, attr, VMSA_WALK_ATTR);
VMSA_CHECK(vmsa_walk_result, access, VMSA_WALK_ACCESS);
VMSA_CHECK(vmsa_walk_result, reserved, VMSA_WALK_RESERVED);
_Static_assert(sizeof(struct vmsa_walk_result) == VMSA_WALK_RECORD_SIZE, "vmsa_walk_result size");

VMSA_CHECK(vmsa_mmu_result, va, VMSA_MMU_VA);
VMSA_CHECK(vmsa_mmu_result, par, VMSA_MMU_PAR);
VMSA_CHECK(vmsa_mmu_result, esr, VMSA_MMU_ESR);
VMSA_CHECK(vmsa_mmu_result, far, VMSA_MMU_FAR);
_Static_assert(sizeof(struct vmsa_mmu_result) == VMSA_MMU_RECORD_SIZE, "vmsa_mmu_result size");

VMSA_CHECK(vmsa_result_header, magic, VMSA_RES_MAGIC);
VMSA_CHECK(vmsa_result_header, version, VMSA_RES_VERSION);
VMSA_CHECK(vmsa_result_header, leg, VMSA_RES_LEG);
VMSA_CHECK(vmsa_result_header, record_count, VMSA_RES_RECORD_COUNT);
VMSA_CHECK(vmsa_result_header, table_bytes, VMSA_RES_TABLE_BYTES);
VMSA_CHECK(vmsa_result_header, status, VMSA_RES_STATUS);
VMSA_CHECK(vmsa_result_header, detail, VMSA_RES_DETAIL);
VMSA_CHECK(vmsa_result_header, ttbr0, VMSA_RES_TTBR0);
VMSA_CHECK(vmsa_result_header, ttbr1, VMSA_RES_TTBR1);
_Static_assert(sizeof(struct vmsa_result_header) == VMSA_RES_SIZE, "vmsa_result_header size");

VMSA_CHECK(vmsa_regime_header, magic, VMSA_RHDR_MAGIC);
VMSA_CHECK(vmsa_regime_header, version, VMSA_RHDR_VERSION);
VMSA_CHECK(vmsa_regime_header, leg, VMSA_RHDR_LEG);
VMSA_CHECK(vmsa_regime_header, regime, VMSA_RHDR_REGIME);
VMSA_CHECK(vmsa_regime_header, reserved0, VMSA_RHDR_RESERVED0);
VMSA_CHECK(vmsa_regime_header, tcr, VMSA_RHDR_TCR);
VMSA_CHECK(vmsa_regime_header, mair, VMSA_RHDR_MAIR);
VMSA_CHECK(vmsa_regime_header, ttbr0, VMSA_RHDR_TTBR0);
VMSA_CHECK(vmsa_regime_header, ttbr1, VMSA_RHDR_TTBR1);
VMSA_CHECK(vmsa_regime_header, sctlr, VMSA_RHDR_SCTLR);
VMSA_CHECK(vmsa_regime_header, hcr, VMSA_RHDR_HCR);
VMSA_CHECK(vmsa_regime_header, vtcr, VMSA_RHDR_VTCR);
VMSA_CHECK(vmsa_regime_header, vttbr, VMSA_RHDR_VTTBR);
VMSA_CHECK(vmsa_regime_header, segment_count, VMSA_RHDR_SEGMENT_COUNT);
VMSA_CHECK(vmsa_regime_header, record_count, VMSA_RHDR_RECORD_COUNT);
VMSA_CHECK(vmsa_regime_header, reserved, VMSA_RHDR_RESERVED);
_Static_assert(sizeof(struct vmsa_regime_header) == VMSA_RHDR_SIZE, "vmsa_regime_header size");

VMSA_CHECK(vmsa_regime_segment, base, VMSA_SEG_BASE);
VMSA_CHECK(vmsa_regime_segment, size, VMSA_SEG_SIZE);
_Static_assert(sizeof(struct vmsa_regime_segment) == VMSA_SEG_RECORD_SIZE, "vmsa_regime_segment size");

VMSA_CHECK(vmsa_regime_result, va, VMSA_REGIME_VA);
VMSA_CHECK(vmsa_regime_result, par, VMSA_REGIME_PAR);
_Static_assert(sizeof(struct vmsa_regime_result) == VMSA_REGIME_RECORD_SIZE, "vmsa_regime_result size");
#undef VMSA_CHECK

#endif /* __ASSEMBLER__ */
#endif /* VMSA_CSHIMS_H */
