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

// The fixed geometry of the walk and translate references: 4K granule,
// 48-bit VA, four levels (0 to 3) of 512 entries, 48-bit output addresses.
#define LEVEL_BITS 9
#define LEVEL_MASK ((1ull << LEVEL_BITS) - 1)
#define L0_SHIFT 39
#define L1_SHIFT 30
#define L2_SHIFT 21
#define L3_SHIFT 12
#define VA_BITS 48
#define ENTRIES (1u << LEVEL_BITS)

static inline const uint64_t *table_at(const uint64_t *words, uint64_t tables_base, uint64_t raw) {
    return words + (((raw & ADDRESS_MASK_48) - tables_base) >> 3);
}

// Every valid level-3 page under the root: the loop a C programmer writes
// to visit the leaves of tables they built (no checks beyond the type bits).
uint64_t ref_walk(const uint64_t *words, uint64_t tables_base, uint64_t root_pa, size_t *leaves) {
    uint64_t sum = 0;
    size_t n = 0;
    const uint64_t *l0 = words + ((root_pa - tables_base) >> 3);
    for (unsigned i0 = 0; i0 < ENTRIES; i0++) {
        uint64_t d0 = l0[i0];
        if ((d0 & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) continue;
        const uint64_t *l1 = table_at(words, tables_base, d0);
        for (unsigned i1 = 0; i1 < ENTRIES; i1++) {
            uint64_t d1 = l1[i1];
            if ((d1 & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) continue;
            const uint64_t *l2 = table_at(words, tables_base, d1);
            for (unsigned i2 = 0; i2 < ENTRIES; i2++) {
                uint64_t d2 = l2[i2];
                if ((d2 & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) continue;
                const uint64_t *l3 = table_at(words, tables_base, d2);
                uint64_t va2 = (uint64_t)i0 << L0_SHIFT | (uint64_t)i1 << L1_SHIFT | (uint64_t)i2 << L2_SHIFT;
                for (unsigned i3 = 0; i3 < ENTRIES; i3++) {
                    uint64_t d3 = l3[i3];
                    if ((d3 & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) continue;
                    sum = sum * 31 + ((va2 | (uint64_t)i3 << L3_SHIFT) ^ (d3 & ADDRESS_MASK_48));
                    n++;
                }
            }
        }
    }
    *leaves = n;
    return sum;
}

// Fault codes folded into the checksum: kind * 8 + level + 1 (kinds as in
// VMSATables.FaultKind: translation 0, access flag 1).
#define FAULT(kind, level) ((uint64_t)((kind) * 8 + (level) + 1))

// The memory a translate reference reads: flat (one arena at tables_base)
// or sparse (sorted segments). `table` returns the table holding `pa`, or
// NULL where the memory does not hold it.
typedef struct {
    const uint64_t *words;
    uint64_t tables_base;
    const ref_segment *segs;
    size_t nsegs;
} memory;

static inline const uint64_t *flat_table(const memory *m, uint64_t pa) {
    return m->words + ((pa - m->tables_base) >> 3);
}

static inline const uint64_t *sparse_table(const memory *m, uint64_t pa) {
    size_t lo = 0, hi = m->nsegs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->segs[mid].base <= pa) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return NULL;
    const ref_segment *s = &m->segs[lo - 1];
    uint64_t index = (pa - s->base) >> 3;
    return index + ENTRIES <= s->count ? s->words + index : NULL;
}

// Looks one VA up for an EL1 read in a fixed-geometry table: the range
// check, four indexed loads, blocks at levels 1 and 2, the AF check (an EL1
// read is allowed by every AP value); returns the PA or the fault code.
// Always inlined with a constant `table`, so each loop has its own copy.
static inline __attribute__((always_inline)) uint64_t translate_one(
    const memory *m, const uint64_t *root, uint64_t va,
    const uint64_t *(*table)(const memory *, uint64_t)) {
    uint64_t d, size;
    const uint64_t *t;
    int level;
    if (va >> VA_BITS) return FAULT(0, 0);
    d = root[(va >> L0_SHIFT) & LEVEL_MASK];
    if ((d & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) return FAULT(0, 0);
    if (!(t = table(m, d & ADDRESS_MASK_48))) return FAULT(4, 1);
    d = t[(va >> L1_SHIFT) & LEVEL_MASK];
    level = 1;
    size = 1ull << L1_SHIFT;
    if (!(d & DESC_VALID)) return FAULT(0, 1);
    if (d & DESC_TABLE) {
        if (!(t = table(m, d & ADDRESS_MASK_48))) return FAULT(4, 2);
        d = t[(va >> L2_SHIFT) & LEVEL_MASK];
        level = 2;
        size = 1ull << L2_SHIFT;
        if (!(d & DESC_VALID)) return FAULT(0, 2);
        if (d & DESC_TABLE) {
            if (!(t = table(m, d & ADDRESS_MASK_48))) return FAULT(4, 3);
            d = t[(va >> L3_SHIFT) & LEVEL_MASK];
            level = 3;
            size = 1ull << L3_SHIFT;
            if ((d & (DESC_VALID | DESC_TABLE)) != (DESC_VALID | DESC_TABLE)) return FAULT(0, 3);
        }
    }
    if (!(d & DESC_AF)) return FAULT(1, level);
    return (d & ADDRESS_MASK_48 & ~(size - 1)) | (va & (size - 1));
}

uint64_t ref_translate_loop(const uint64_t *words, uint64_t tables_base, uint64_t root_pa, const uint64_t *vas, size_t n) {
    memory m = { words, tables_base, NULL, 0 };
    const uint64_t *root = flat_table(&m, root_pa);
    uint64_t sum = 0;
    for (size_t k = 0; k < n; k++) sum += translate_one(&m, root, vas[k], flat_table);
    return sum;
}

uint64_t ref_translate_sparse_loop(const ref_segment *segs, size_t nsegs, uint64_t root_pa, const uint64_t *vas, size_t n) {
    memory m = { NULL, 0, segs, nsegs };
    const uint64_t *root = sparse_table(&m, root_pa);
    if (!root) return FAULT(4, 0) * n;
    uint64_t sum = 0;
    for (size_t k = 0; k < n; k++) sum += translate_one(&m, root, vas[k], sparse_table);
    return sum;
}
