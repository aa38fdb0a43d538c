// Plain-C reference for descriptor decode and encode, the yardstick `vmsa
// bench` measures the Swift codec against: one common descriptor shape (a
// level-3 page of the 4K granule, 48-bit output address, TCR_EL1.DS=0),
// decoded by shifts and masks into a plain struct, as a C programmer writes
// it for the descriptors they handle.
#ifndef VMSA_CODEC_REFERENCE_H
#define VMSA_CODEC_REFERENCE_H
#include <stdint.h>
#include <stddef.h>

// Every field of a 4K page descriptor (Arm ARM D8.3, stage 1).
typedef struct {
    uint64_t output_address;  // OA [47:12]
    uint64_t ignored;         // bit 63, in place
    uint64_t res0;            // bits [49:48] (RES0 without DS), in place
    uint8_t attr_indx, ap, sh, software, pbha;
    uint8_t ns, af, ng, gp, dbm, contiguous, pxn, uxn;
} ref_page_fields;

void ref_decode_page(uint64_t raw, ref_page_fields *out);
uint64_t ref_encode_page(const ref_page_fields *f);

// Decodes raw[i % n] `count` times and folds every field into a checksum;
// the Swift loop folds `DescriptorFields` the same way.
uint64_t ref_decode_loop(const uint64_t *raw, size_t n, size_t count);
// Encodes fields[i % n] `count` times; returns the XOR of every word plus i.
uint64_t ref_encode_loop(const ref_page_fields *fields, size_t n, size_t count);
#endif
