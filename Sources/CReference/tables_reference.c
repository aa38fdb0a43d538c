#include "tables_reference.h"
#include <stdlib.h>
#include <string.h>

// Bit positions (Arm ARM stage-1 descriptors).
#define DESC_VALID        (1ull << 0)
#define DESC_TABLE        (1ull << 1)
#define DESC_AP_SHIFT     6
#define DESC_AF           (1ull << 10)
#define DESC_PXN          (1ull << 53)
#define DESC_UXN          (1ull << 54)
#define DESC_PXN_TABLE    (1ull << 59)
#define DESC_UXN_TABLE    (1ull << 60)
#define DESC_APTABLE_SHIFT 61
#define ADDRESS_MASK_48   0x0000fffffffff000ull

static int bits_per_level(const ref_map_params *p) { return p->page_shift - 3; }
static int level_shift(const ref_map_params *p, int level) { return p->page_shift + (3 - level) * bits_per_level(p); }
static size_t level_entries(const ref_map_params *p, int level) {
    int bits = level == p->start_level ? p->input_bits - level_shift(p, level) : bits_per_level(p);
    return (size_t)1 << bits;
}
static uint64_t address_mask(const ref_map_params *p) { return ADDRESS_MASK_48 & ~((1ull << p->page_shift) - 1); }

void ref_arena_free(ref_arena *arena) {
    free(arena->words);
    arena->words = NULL;
    arena->count = arena->capacity = 0;
}

static size_t alloc_table(ref_arena *a, const ref_map_params *p) {
    size_t entries = (size_t)1 << bits_per_level(p);
    size_t start = (a->count + entries - 1) & ~(entries - 1);
    size_t end = start + entries;
    if (end > a->capacity) {
        size_t target = a->capacity + a->capacity / 2;
        if (target < end) target = end;
        a->words = realloc(a->words, target * sizeof(uint64_t));
        if (!a->words) abort();
        a->capacity = target;
    }
    memset(a->words + a->count, 0, (end - a->count) * sizeof(uint64_t));
    a->count = end;
    return start;
}

static void map_level(ref_arena *a, const ref_map_params *p, size_t table, int level,
                      uint64_t va, uint64_t last, uint64_t pa) {
    int shift = level_shift(p, level);
    uint64_t entry_size = 1ull << shift;
    uint64_t index_mask = level_entries(p, level) - 1;
    size_t first = (va >> shift) & index_mask, last_index = (last >> shift) & index_mask;
    uint64_t base = va & ~(entry_size - 1);
    if (level == p->leaf_level) {
        uint64_t type = level == 3 ? 3 : 1;
        uint64_t *w = a->words + table;
        uint64_t oa = pa, bits = p->leaf_bits | type;
        for (size_t i = first; i <= last_index; i++, oa += entry_size) w[i] = bits | oa;
        return;
    }
    for (size_t i = first; i <= last_index; i++) {
        uint64_t entry_va = base + ((uint64_t)(i - first) << shift);
        uint64_t entry_last = entry_va + entry_size - 1;
        uint64_t raw = a->words[table + i];
        size_t child;
        if (!(raw & DESC_VALID)) {
            child = alloc_table(a, p);
            raw = (p->tables_base + child * 8) | DESC_VALID | DESC_TABLE;
            a->words[table + i] = raw;
        } else {
            child = (size_t)(((raw & address_mask(p)) - p->tables_base) >> 3);
        }
        uint64_t from = va > entry_va ? va : entry_va, to = last < entry_last ? last : entry_last;
        map_level(a, p, child, level + 1, from, to, pa + (from - va));
    }
}

void ref_map_begin(ref_arena *arena, const ref_map_params *p) {
    alloc_table(arena, p);
}

void ref_map_range(ref_arena *arena, const ref_map_params *p, uint64_t va, uint64_t pa, uint64_t size) {
    map_level(arena, p, 0, p->start_level, va, va + size - 1, pa);
}

uint64_t ref_arena_checksum(const ref_arena *arena) {
    uint64_t sum = arena->count;
    for (size_t i = 0; i < arena->count; i += 61) sum = sum * 31 + arena->words[i];
    return sum;
}

typedef struct {
    const uint64_t *words;
    size_t count;
    const ref_map_params *p;
    uint64_t output_limit;
    uint64_t sum;
    size_t leaves;
} walk_state;

// 4K blocks are legal at levels 1 and 2; 16K and 64K at level 2 (no DS, 48-bit PA).
static int block_legal(const ref_map_params *p, int level) {
    return level == 2 || (level == 1 && p->page_shift == 12);
}

static void walk_table(walk_state *s, uint64_t table_pa, int level, uint64_t va_base, uint64_t table_bits) {
    const ref_map_params *p = s->p;
    uint64_t offset = (table_pa - p->tables_base) >> 3;
    size_t entries = level_entries(p, level);
    if (table_pa < p->tables_base || offset + entries > s->count) return;
    const uint64_t *w = s->words + offset;
    int shift = level_shift(p, level);
    uint64_t entry_size = 1ull << shift;
    uint64_t mask = address_mask(p);
    for (size_t i = 0; i < entries; i++) {
        uint64_t raw = w[i];
        if (!(raw & DESC_VALID)) continue;
        uint64_t va = va_base + ((uint64_t)i << shift);
        if (level < 3 && (raw & DESC_TABLE)) {
            walk_table(s, raw & mask, level + 1, va, table_bits | raw);
            continue;
        }
        // Classify as a translation would: reserved at level 3, blocks only
        // where the granule has them, output address inside the PA size.
        if (level == 3 ? !(raw & DESC_TABLE) : !block_legal(p, level)) continue;
        uint64_t oa = raw & mask & ~(entry_size - 1);
        if (oa >= s->output_limit) continue;
        uint64_t ap = (raw >> DESC_AP_SHIFT) & 3;
        uint64_t ap_table = (table_bits >> DESC_APTABLE_SHIFT) & 3;
        if (ap_table & 1) ap &= ~1ull;
        if (ap_table & 2) ap |= 2;
        uint64_t pxn = (table_bits & DESC_PXN_TABLE) || (raw & DESC_PXN) || ap == 1;
        uint64_t uxn = (table_bits & DESC_UXN_TABLE) || (raw & DESC_UXN);
        s->sum = s->sum * 31 + (va ^ oa ^ (ap << 1) ^ (pxn << 3) ^ (uxn << 4));
        s->leaves++;
    }
}

uint64_t ref_walk(const uint64_t *words, size_t count, const ref_map_params *p, uint64_t root_pa, size_t *leaves) {
    walk_state s = { words, count, p, 1ull << 48, 0, 0 };
    walk_table(&s, root_pa, p->start_level, 0, 0);
    *leaves = s.leaves;
    return s.sum;
}

// Fault codes folded into the checksum: kind * 8 + level + 1 (kinds as in
// VMSATables.FaultKind: translation 0, access flag 1, permission 2, address size 3).
#define FAULT(kind, level) ((uint64_t)((kind) * 8 + (level) + 1))

uint64_t ref_translate_loop(const uint64_t *words, size_t count, const ref_map_params *p, uint64_t root_pa,
                            int output_bits, const uint64_t *vas, size_t n) {
    uint64_t sum = 0;
    uint64_t mask = address_mask(p);
    uint64_t limit = 1ull << output_bits;
    int bpl = bits_per_level(p);
    for (size_t k = 0; k < n; k++) {
        uint64_t va = vas[k];
        if (va >> p->input_bits) { sum += FAULT(0, 0); continue; }
        uint64_t table = root_pa;
        int level = p->start_level;
        int shift = level_shift(p, level);
        uint64_t index_mask = level_entries(p, level) - 1;
        uint64_t raw, result;
        for (;;) {
            uint64_t entry = table + ((va >> shift) & index_mask) * 8;
            uint64_t off = (entry - p->tables_base) >> 3;
            raw = entry >= p->tables_base && off < count ? words[off] : 0;
            if (!(raw & DESC_VALID)) { result = FAULT(0, level); goto done; }
            if (level == 3) {
                if (!(raw & DESC_TABLE)) { result = FAULT(0, level); goto done; }
                break;
            }
            if (!(raw & DESC_TABLE)) {
                if (!block_legal(p, level)) { result = FAULT(0, level); goto done; }
                break;
            }
            uint64_t next = raw & mask;
            if (next >= limit) { result = FAULT(3, level); goto done; }
            table = next;
            level++;
            shift -= bpl;
            index_mask = ((uint64_t)1 << bpl) - 1;
        }
        {
            uint64_t size = 1ull << shift;
            uint64_t oa = raw & mask & ~(size - 1);
            if (oa >= limit) { result = FAULT(3, level); goto done; }
            if (!(raw & DESC_AF)) { result = FAULT(1, level); goto done; }
            // An EL1 read is allowed by every AP value.
            result = oa | (va & (size - 1));
        }
    done:
        sum += result;
    }
    return sum;
}
