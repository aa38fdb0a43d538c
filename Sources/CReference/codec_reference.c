#include "codec_reference.h"

// Field positions from the Arm ARM (stage-1 VMSAv8-64 page descriptor).
#define FIELD(raw, msb, lsb) (((raw) >> (lsb)) & ((1ull << ((msb) - (lsb) + 1)) - 1))
#define PAGE_TYPE      0x3ull
#define OA_MASK        0x0000fffffffff000ull  // [47:12]
#define RES0_MASK      0x0003000000000000ull  // [49:48]
#define IGNORED_MASK   0x8000000000000000ull  // [63]

void ref_decode_page(uint64_t raw, ref_page_fields *o) {
    o->output_address = raw & OA_MASK;
    o->ignored = raw & IGNORED_MASK;
    o->res0 = raw & RES0_MASK;
    o->attr_indx = FIELD(raw, 4, 2);
    o->ns = FIELD(raw, 5, 5);
    o->ap = FIELD(raw, 7, 6);
    o->sh = FIELD(raw, 9, 8);
    o->af = FIELD(raw, 10, 10);
    o->ng = FIELD(raw, 11, 11);
    o->gp = FIELD(raw, 50, 50);
    o->dbm = FIELD(raw, 51, 51);
    o->contiguous = FIELD(raw, 52, 52);
    o->pxn = FIELD(raw, 53, 53);
    o->uxn = FIELD(raw, 54, 54);
    o->software = FIELD(raw, 58, 55);
    o->pbha = FIELD(raw, 62, 59);
}

uint64_t ref_encode_page(const ref_page_fields *f) {
    return PAGE_TYPE | (f->output_address & OA_MASK)
        | (uint64_t)(f->attr_indx & 7) << 2 | (uint64_t)f->ns << 5 | (uint64_t)(f->ap & 3) << 6
        | (uint64_t)(f->sh & 3) << 8 | (uint64_t)f->af << 10 | (uint64_t)f->ng << 11
        | (uint64_t)f->gp << 50 | (uint64_t)f->dbm << 51 | (uint64_t)f->contiguous << 52
        | (uint64_t)f->pxn << 53 | (uint64_t)f->uxn << 54
        | (uint64_t)(f->software & 15) << 55 | (uint64_t)(f->pbha & 15) << 59
        | f->ignored | f->res0;
}

// The checksum both languages fold each decoded descriptor into: the kind
// (3, a page) and every field, packed, mixed with the wide fields.
static inline uint64_t fold(uint64_t acc, const ref_page_fields *f) {
    uint64_t small = 3 | (uint64_t)f->attr_indx << 3 | (uint64_t)f->ap << 6
        | (uint64_t)f->sh << 8 | (uint64_t)f->software << 10 | (uint64_t)f->pbha << 14
        | (uint64_t)f->ns << 20 | (uint64_t)f->af << 21 | (uint64_t)f->ng << 22
        | (uint64_t)f->gp << 24 | (uint64_t)f->dbm << 25 | (uint64_t)f->contiguous << 26
        | (uint64_t)f->pxn << 27 | (uint64_t)f->uxn << 28;
    return acc * 31 + (f->output_address ^ f->ignored ^ f->res0 ^ small);
}

uint64_t ref_decode_loop(const uint64_t *raw, size_t n, size_t count) {
    uint64_t acc = 0;
    ref_page_fields f;
    for (size_t i = 0, j = 0; i < count; i++) {
        ref_decode_page(raw[j], &f);
        acc = fold(acc, &f);
        if (++j == n) j = 0;
    }
    return acc;
}

uint64_t ref_encode_loop(const ref_page_fields *fields, size_t n, size_t count) {
    uint64_t acc = 0;
    for (size_t i = 0, j = 0; i < count; i++) {
        acc ^= ref_encode_page(&fields[j]) + i;
        if (++j == n) j = 0;
    }
    return acc;
}
