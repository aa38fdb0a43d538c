#include "codec_reference.h"

// Field positions from the Arm ARM (stage-1 VMSAv8-64 descriptors).
#define BIT(n) (1ULL << (n))
#define FIELD(raw, msb, lsb) (((raw) >> (lsb)) & ((1ULL << ((msb) - (lsb) + 1)) - 1))
#define MASK(msb, lsb) ((((1ULL << ((msb) - (lsb) + 1)) - 1)) << (lsb))

static inline uint64_t oa_of(uint64_t raw, const ref_descriptor_format *f) {
    uint64_t oa = raw & MASK(f->ds ? 49 : 47, f->page_shift);
    if (f->page_shift == 16) oa |= FIELD(raw, 15, 12) << 48;
    else if (f->ds) oa |= FIELD(raw, 9, 8) << 50;
    return oa;
}

static inline uint64_t res0_mask(const ref_descriptor_format *f) {
    uint64_t m = 0;
    if (f->page_shift == 14) m |= MASK(13, 12);
    if (!f->ds) m |= MASK(49, 48);
    return m;
}

void ref_decode(uint64_t raw, int level, const ref_descriptor_format *fmt, ref_descriptor_fields *o) {
    *o = (ref_descriptor_fields){0};
    if (!(raw & 1)) { o->kind = 0; o->ignored = raw & ~1ULL; return; }
    int last = level == 3;
    if (raw & 2) o->kind = last ? 3 : 1; else o->kind = last ? 4 : 2;
    switch (o->kind) {
    case 4:
        o->ignored = raw & ~3ULL;
        return;
    case 1: {
        o->next_table = oa_of(raw, fmt);
        o->pxn_table = FIELD(raw, 59, 59); o->uxn_table = FIELD(raw, 60, 60);
        o->ap_table = FIELD(raw, 62, 61); o->ns_table = FIELD(raw, 63, 63);
        uint64_t ign = MASK(11, 2) | MASK(58, 52);
        if (fmt->ds) ign &= ~MASK(9, 8);
        o->ignored = raw & ign;
        uint64_t r0 = res0_mask(fmt) | MASK(51, 50);
        if (fmt->page_shift == 16) r0 |= MASK(49, 48);
        o->res0 = raw & r0;
        return;
    }
    default: {
        uint64_t oa = oa_of(raw, fmt);
        o->output_address = last ? oa : oa & ~BIT(16);
        o->attr_indx = FIELD(raw, 4, 2); o->ns = FIELD(raw, 5, 5); o->ap = FIELD(raw, 7, 6);
        if (!fmt->ds) o->sh = FIELD(raw, 9, 8);
        o->af = FIELD(raw, 10, 10); o->ng = FIELD(raw, 11, 11);
        if (o->kind == 2) o->nt = FIELD(raw, 16, 16);
        o->gp = FIELD(raw, 50, 50); o->dbm = FIELD(raw, 51, 51); o->contiguous = FIELD(raw, 52, 52);
        o->pxn = FIELD(raw, 53, 53); o->uxn = FIELD(raw, 54, 54);
        o->software = FIELD(raw, 58, 55); o->pbha = FIELD(raw, 62, 59);
        o->ignored = raw & BIT(63);
        o->res0 = raw & res0_mask(fmt);
    }
    }
}

static inline uint64_t put_oa(uint64_t raw, uint64_t a, const ref_descriptor_format *f) {
    uint64_t m = MASK(f->ds ? 49 : 47, f->page_shift);
    raw = (raw & ~m) | (a & m);
    if (f->page_shift == 16) raw = (raw & ~MASK(15, 12)) | (((a >> 48) & 0xf) << 12);
    else if (f->ds) raw = (raw & ~MASK(9, 8)) | (((a >> 50) & 0x3) << 8);
    return raw;
}

uint64_t ref_encode(const ref_descriptor_fields *f, const ref_descriptor_format *fmt) {
    uint64_t raw;
    switch (f->kind) {
    case 0: return f->ignored & ~1ULL;
    case 4: return (f->ignored & ~3ULL) | 1;
    case 1:
        raw = put_oa(3, f->next_table, fmt);
        raw |= (uint64_t)f->pxn_table << 59 | (uint64_t)f->uxn_table << 60
             | (uint64_t)(f->ap_table & 3) << 61 | (uint64_t)f->ns_table << 63;
        break;
    default:
        raw = put_oa(f->kind == 3 ? 3 : 1, f->output_address, fmt);
        raw |= (uint64_t)(f->attr_indx & 7) << 2 | (uint64_t)f->ns << 5 | (uint64_t)(f->ap & 3) << 6;
        if (!fmt->ds) raw |= (uint64_t)(f->sh & 3) << 8;
        raw |= (uint64_t)f->af << 10 | (uint64_t)f->ng << 11;
        if (f->kind == 2 && f->nt) raw |= BIT(16);
        raw |= (uint64_t)f->gp << 50 | (uint64_t)f->dbm << 51 | (uint64_t)f->contiguous << 52
             | (uint64_t)f->pxn << 53 | (uint64_t)f->uxn << 54
             | (uint64_t)(f->software & 15) << 55 | (uint64_t)(f->pbha & 15) << 59;
    }
    return raw | f->ignored | f->res0;
}

// The checksum both languages fold each decoded descriptor into.
static inline uint64_t fold(uint64_t acc, const ref_descriptor_fields *f) {
    uint64_t small = (uint64_t)f->kind | (uint64_t)f->attr_indx << 3 | (uint64_t)f->ap << 6
        | (uint64_t)f->sh << 8 | (uint64_t)f->software << 10 | (uint64_t)f->pbha << 14
        | (uint64_t)f->ap_table << 18 | (uint64_t)f->ns << 20 | (uint64_t)f->af << 21
        | (uint64_t)f->ng << 22 | (uint64_t)f->nt << 23 | (uint64_t)f->gp << 24
        | (uint64_t)f->dbm << 25 | (uint64_t)f->contiguous << 26 | (uint64_t)f->pxn << 27
        | (uint64_t)f->uxn << 28 | (uint64_t)f->pxn_table << 29 | (uint64_t)f->uxn_table << 30
        | (uint64_t)f->ns_table << 31;
    return acc * 31 + (f->output_address ^ f->next_table ^ f->ignored ^ f->res0 ^ small);
}

uint64_t ref_decode_loop(const uint64_t *raw, size_t n, const int *levels, size_t mask,
                         const ref_descriptor_format *fmt, size_t count) {
    uint64_t acc = 0;
    ref_descriptor_fields f;
    for (size_t i = 0, j = 0; i < count; i++) {
        ref_decode(raw[j], levels[i & mask], fmt, &f);
        acc = fold(acc, &f);
        if (++j == n) j = 0;
    }
    return acc;
}

uint64_t ref_encode_loop(const ref_descriptor_fields *fields, size_t n,
                         const ref_descriptor_format *fmt, size_t count) {
    uint64_t acc = 0;
    for (size_t i = 0, j = 0; i < count; i++) {
        acc ^= ref_encode(&fields[j], fmt) + i;
        if (++j == n) j = 0;
    }
    return acc;
}
