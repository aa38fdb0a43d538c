// Plain-C reference for descriptor encode/decode, the yardstick `vmsa bench`
// measures the Swift codec against. Same fields, same format parameters.
#ifndef VMSA_CODEC_REFERENCE_H
#define VMSA_CODEC_REFERENCE_H
#include <stdint.h>
#include <stddef.h>

typedef struct {
    uint8_t kind;          // 0 invalid, 1 table, 2 block, 3 page, 4 reserved
    uint64_t output_address, next_table, ignored, res0;
    uint8_t attr_indx, ap, sh, software, pbha, ap_table;
    uint8_t ns, af, ng, nt, gp, dbm, contiguous, pxn, uxn;
    uint8_t pxn_table, uxn_table, ns_table;
} ref_descriptor_fields;

typedef struct {
    int page_shift;   // 12, 14, 16
    int ds;           // TCR_EL1.DS
} ref_descriptor_format;

void ref_decode(uint64_t raw, int level, const ref_descriptor_format *fmt, ref_descriptor_fields *out);
uint64_t ref_encode(const ref_descriptor_fields *f, const ref_descriptor_format *fmt);

// Decode `count` words (levels[i & mask] gives each word's level) and fold
// every field into a checksum; the Swift loop folds the same way.
uint64_t ref_decode_loop(const uint64_t *raw, size_t n, const int *levels, size_t mask,
                         const ref_descriptor_format *fmt, size_t count);
// Encode fields[i % n] `count` times; returns the XOR of every word.
uint64_t ref_encode_loop(const ref_descriptor_fields *fields, size_t n,
                         const ref_descriptor_format *fmt, size_t count);
#endif
