// Architecture constants the probes use, by their Arm ARM names (DDI 0487):
// TCR_EL1 fields, descriptor fields, ESR/PAR fields, semihosting and Linux
// system call numbers. Shared by every probe in asm/.
#ifndef VMSA_ASM_ARM_ARCH_H
#define VMSA_ASM_ARM_ARCH_H

// TCR_EL1 fields: [msb:lsb] given as LSB and WIDTH.
#define TCR_T0SZ_LSB 0
#define TCR_T1SZ_LSB 16
#define TCR_TXSZ_WIDTH 6
#define TCR_EPD0_BIT 7
#define TCR_EPD1_BIT 23
#define TCR_TG0_LSB 14
#define TCR_TG1_LSB 30
#define TCR_TG_WIDTH 2
#define TCR_SH0_LSB 12
#define TCR_SH1_LSB 28
#define TCR_SH_WIDTH 2
#define TCR_IPS_LSB 32
#define TCR_IPS_WIDTH 3
#define TCR_TBI0_BIT 37
#define TCR_TBI1_BIT 38
#define TCR_HA_BIT 39
#define TCR_HD_BIT 40
#define TCR_HPD0_BIT 41
#define TCR_HPD1_BIT 42
#define TCR_E0PD0_BIT 55
#define TCR_E0PD1_BIT 56
#define TCR_DS_BIT 59

// TG0 and TG1 encode the granules differently.
#define TG0_4K 0
#define TG0_64K 1
#define TG0_16K 2
#define TG1_16K 1
#define TG1_4K 2
#define TG1_64K 3

// Granule page shifts.
#define PAGE_SHIFT_4K 12
#define PAGE_SHIFT_16K 14
#define PAGE_SHIFT_64K 16
/// A table is one page of 8-byte descriptors: page shift - 3 index bits.
#define DESCRIPTOR_SHIFT 3

// The VA bit that selects TTBR1 (with or without TBI).
#define VA_RANGE_SELECT_BIT 55
#define VA_TOP_BIT 63

/// The implementation's PA size the walker models: -cpu max has FEAT_LPA and
/// FEAT_LPA2, ID_AA64MMFR0_EL1.PARange = 52 bits.
#define PAMAX_BITS 52
#define OA_BITS_WITHOUT_LPA 48

// Descriptor fields (stage 1).
#define DESC_VALID_BIT 0
#define DESC_TYPE_BIT 1                 /* with VALID: 1 table/page, 0 block */
#define DESC_ATTRINDX_LSB 2
#define DESC_ATTRINDX_WIDTH 3
#define DESC_AP_LSB 6                   /* AP[2:1] */
#define DESC_AP_WIDTH 2
#define DESC_SH_LSB 8
#define DESC_SH_WIDTH 2
#define DESC_AF_BIT 10
#define DESC_NG_BIT 11
#define DESC_DBM_BIT 51
#define DESC_CONTIGUOUS_BIT 52
#define DESC_PXN_BIT 53
#define DESC_UXN_BIT 54
#define DESC_PXNTABLE_BIT 59
#define DESC_UXNTABLE_BIT 60
#define DESC_APTABLE_LSB 61
#define DESC_APTABLE_WIDTH 2
#define DESC_OA_LOW_MSB 47              /* OA[47:page shift] */
#define DESC_OA_LOW_MSB_DS 49           /* OA[49:page shift] with DS=1 */
#define DESC_OA_HIGH_64K_LSB 12         /* OA[51:48] in [15:12] (64K, FEAT_LPA) */
#define DESC_OA_HIGH_64K_SHIFT 48
#define DESC_OA_HIGH_DS_LSB 8           /* OA[51:50] in [9:8] (4K/16K, DS=1) */
#define DESC_OA_HIGH_DS_SHIFT 50
#define DESC_OA_HIGH_64K_WIDTH 4
#define DESC_OA_HIGH_DS_WIDTH 2
#define DESC_TYPE_BLOCK 1
#define DESC_TYPE_TABLE 3
#define DESC_TYPE_PAGE 3

// MAIR_EL1 Attr<n> bytes.
#define MAIR_ATTR_MASK 0xff
#define MAIR_OUTER_LSB 4                /* Attr<n>[7:4]: 0b0000 is Device memory */
#define MAIR_DEVICE_OUTER 0
#define MAIR_NORMAL_NC 0x44             /* Normal, Inner and Outer Non-cacheable */
#define SH_OUTER_SHAREABLE 2

// AP[2:1] as a two-bit value: bit 0 is AP[1] (EL0 access), bit 1 is AP[2] (read-only).
#define AP_EL0_BIT 0
#define AP_RO_BIT 1
// APTable[1:0]: bit 0 removes EL0 access, bit 1 removes write access.
#define APTABLE_NO_EL0_BIT 0
#define APTABLE_RO_BIT 1

// TTBRn_EL1: BADDR[47:1]; with a 52-bit OA, BADDR[51:48] sit in [5:2].
#define TTBR_BADDR_LSB 1
#define TTBR_BADDR_MSB 47
#define TTBR_BADDR52_LSB 6
#define TTBR_BADDR_HIGH_LSB 2
#define TTBR_BADDR_HIGH_WIDTH 4
#define TTBR_BADDR_HIGH_SHIFT 48
/// A 52-bit base is at least 64-byte aligned.
#define TTBR_ALIGN52_SHIFT 6

// ESR_ELx.
#define ESR_EC_LSB 26
#define ESR_EC_WIDTH 6
#define EC_SVC64 0x15
#define EC_HVC64 0x16

// PAR_EL1.
#define PAR_F_BIT 0
#define PAR_PA_LSB 12
#define PAR_PA_WIDTH 40                 /* PA[51:12] */

// Linux AArch64 system calls (qemu-aarch64 probes).
#define NR_READ 63
#define NR_WRITE 64
#define NR_EXIT 93
#define NR_MMAP 222
#define PROT_READ_WRITE 3
#define MAP_PRIVATE_ANONYMOUS 0x22
#define FD_STDIN 0
#define FD_STDOUT 1

// Arm semihosting (bare-metal probe): HLT #0xF000 in AArch64.
#define SEMIHOSTING_HLT 0xf000
#define SYS_OPEN 0x01
#define SYS_WRITE 0x05
#define SYS_READ 0x06
#define SYS_SEEK 0x0a
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define OPEN_MODE_RB 1
#define OPEN_MODE_WB 5

#endif
