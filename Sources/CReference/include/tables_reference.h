// Plain-C reference for table images, the yardstick `vmsa bench` measures
// the Swift builder, range walk and translator against: the same flat
// arena of little-endian words, the same allocation order, the same checks.
#ifndef VMSA_TABLES_REFERENCE_H
#define VMSA_TABLES_REFERENCE_H
#include <stdint.h>
#include <stddef.h>

// Table memory: one growing buffer of words.
typedef struct {
    uint64_t *words;
    size_t count;
    size_t capacity;
} ref_arena;

// One half's geometry and one mapping's leaf choice.
typedef struct {
    int page_shift;        // 12, 14 or 16
    int input_bits;        // 64 - TxSZ
    int start_level;       // from granule and input_bits
    uint64_t tables_base;  // PA of word 0
    int leaf_level;        // leaves are written at this level only (3: pages, 2: blocks)
    uint64_t leaf_bits;    // attribute bits of every leaf (no type, no address)
} ref_map_params;

void ref_arena_free(ref_arena *arena);

// Allocates the root table (the first table of an empty arena).
void ref_map_begin(ref_arena *arena, const ref_map_params *p);

// Maps [va, va + size) to pa with leaves at p->leaf_level under the root at
// word 0, allocating tables in the order first needed, each at the next
// free granule-aligned offset (zeroed).
void ref_map_range(ref_arena *arena, const ref_map_params *p, uint64_t va, uint64_t pa, uint64_t size);

// A checksum sampled from the table words (every 61st word and the count).
uint64_t ref_arena_checksum(const ref_arena *arena);

// The walk and translate references have a fixed geometry (4K granule,
// 48-bit VA, four levels), as a C programmer writes them for one table
// layout: nothing is read at run time but the tables.

// Visits every valid level-3 page under the root at `root_pa`, folding each
// page's VA and output address into a checksum; `leaves` gets the count.
uint64_t ref_walk(const uint64_t *words, uint64_t tables_base, uint64_t root_pa, size_t *leaves);

// Looks vas[0..n) up for an EL1 read (range check, four indexed loads,
// blocks at levels 1 and 2, AF) and folds the PAs or fault codes.
uint64_t ref_translate_loop(const uint64_t *words, uint64_t tables_base, uint64_t root_pa, const uint64_t *vas, size_t n);

// One run of held memory: `count` words at physical address `base`.
typedef struct {
    uint64_t base;
    uint64_t count;
    const uint64_t *words;
} ref_segment;

// ref_translate_loop over sparse memory: segs[0..nsegs) sorted by base,
// each table found by a binary search for the segment holding it (a table
// no segment holds is a fault of kind 4, not captured).
uint64_t ref_translate_sparse_loop(const ref_segment *segs, size_t nsegs, uint64_t root_pa, const uint64_t *vas, size_t n);
#endif
