/*
 * probe: the user process a real guest runs so that a host-side test can
 * compare the kernel's page tables (read through QEMU's gdbstub/QMP) with
 * what Linux itself reports in /proc/self/pagemap.
 *
 * It maps one region of each kind (each its own VMA, unmapped gaps between
 * them), touches them, prints machine-readable lines to stdout and then
 * spins forever in spin(), whose address it prints so that a hardware
 * breakpoint there stops the CPU at EL0 with this process's TTBR0 live.
 *
 * Output (every line prefixed VMSA-, hex numbers with 0x):
 *   VMSA-MAP <start> <end> <perms> <name>      one per test region
 *   VMSA-PAGEMAP <va> <entry, 16 hex digits>    every page of every region
 *   VMSA-MAPS <line of /proc/self/maps>
 *   VMSA-READY pid=<pid> pagesize=<bytes> spin=<address>
 *
 * Sizes are in units of the runtime page size, so the one binary works on
 * 4K and 16K kernels. Build: aarch64-linux-gnu-gcc -static -O2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Region sizes, in pages. */
#define ANON_PAGES     64
#define SPARSE_PAGES   64   /* only every other page written */
#define READONLY_PAGES 16
#define PROTNONE_PAGES 16
#define FILE_PAGES     16
#define SHARED_PAGES   16
/* THP region: this many PMD blocks, aligned to the PMD block size. */
#define THP_BLOCKS     2
/* Unmapped pages between regions, so no two VMAs touch or merge. */
#define GAP_PAGES      8
/* A pagemap entry is one 64-bit word per page. */
#define PAGEMAP_ENTRY_BYTES 8
/* A translation table entry is 8 bytes: a PMD block maps page_size/8 pages. */
#define DESCRIPTOR_BYTES 8

#define FILE_PATH "/tmp/probe.dat"

static long page_size;

struct region {
    const char *name;
    const char *perms;   /* as /proc/self/maps shows them */
    uintptr_t start, end;
};

enum { R_ANON, R_SPARSE, R_THP, R_READONLY, R_PROTNONE, R_FILE, R_SHARED, R_COUNT };
static struct region regions[R_COUNT];

static void die(const char *what)
{
    fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
    printf("VMSA-ERROR %s: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static uintptr_t align_up(uintptr_t v, uintptr_t a) { return (v + a - 1) & ~(a - 1); }

/* Maps exactly at addr (never over anything), or dies. */
static void *map_at(uintptr_t addr, size_t len, int prot, int flags, int fd)
{
    void *p = mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);
    if (p == MAP_FAILED)
        die("mmap");
    if ((uintptr_t)p != addr) {
        /* A kernel without MAP_FIXED_NOREPLACE treats it as a hint. */
        errno = EEXIST;
        die("mmap: not placed at the requested address");
    }
    return p;
}

static void write_pages(uintptr_t start, size_t pages, size_t stride, unsigned char tag)
{
    for (size_t i = 0; i < pages; i += stride)
        *(volatile unsigned char *)(start + i * page_size) = (unsigned char)(tag + i);
}

/* The loop a hardware breakpoint targets: vmsa_spin_insn is executed on
 * every iteration (the loop is the two instructions nop; b). */
extern const char vmsa_spin_insn[];
static void __attribute__((noinline, noreturn)) spin(void)
{
    __asm__ volatile(
        ".global vmsa_spin_insn\n"
        "vmsa_spin_insn:\n"
        "    nop\n"
        "    b vmsa_spin_insn\n");
    __builtin_unreachable();
}

int main(void)
{
    page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0)
        die("sysconf(_SC_PAGESIZE)");
    const uintptr_t pmd_size = (uintptr_t)page_size * (page_size / DESCRIPTOR_BYTES);
    const size_t thp_bytes = THP_BLOCKS * pmd_size;
    const size_t gap = GAP_PAGES * page_size;

    size_t sizes[R_COUNT] = {
        [R_ANON] = ANON_PAGES * page_size,
        [R_SPARSE] = SPARSE_PAGES * page_size,
        [R_THP] = thp_bytes,
        [R_READONLY] = READONLY_PAGES * page_size,
        [R_PROTNONE] = PROTNONE_PAGES * page_size,
        [R_FILE] = FILE_PAGES * page_size,
        [R_SHARED] = SHARED_PAGES * page_size,
    };

    /* Find a free range for the whole layout (THP alignment included),
     * then give it back and place each region at a fixed address in it. */
    size_t total = pmd_size; /* slack to align the THP region */
    for (int r = 0; r < R_COUNT; r++)
        total += sizes[r] + gap;
    total += gap;
    void *res = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (res == MAP_FAILED)
        die("mmap reservation");
    if (munmap(res, total) != 0)
        die("munmap reservation");

    uintptr_t cursor = (uintptr_t)res + gap;
    for (int r = 0; r < R_COUNT; r++) {
        if (r == R_THP)
            cursor = align_up(cursor, pmd_size);
        regions[r].start = cursor;
        regions[r].end = cursor + sizes[r];
        cursor = regions[r].end + gap;
    }

    const int rw = PROT_READ | PROT_WRITE;
    const int priv = MAP_PRIVATE | MAP_ANONYMOUS;
    struct region *g;

    /* anon: private RW, every page written. */
    g = &regions[R_ANON];
    g->name = "anon"; g->perms = "rw-p";
    map_at(g->start, sizes[R_ANON], rw, priv, -1);
    write_pages(g->start, ANON_PAGES, 1, 0x10);

    /* sparse: every other page written, the rest stay holes in the VMA. */
    g = &regions[R_SPARSE];
    g->name = "sparse"; g->perms = "rw-p";
    map_at(g->start, sizes[R_SPARSE], rw, priv, -1);
    write_pages(g->start, SPARSE_PAGES, 2, 0x20);

    /* thp: PMD-aligned, madvised, fully written so the fault path can
     * allocate PMD blocks (init sets THP "enabled" to always). */
    g = &regions[R_THP];
    g->name = "thp"; g->perms = "rw-p";
    map_at(g->start, thp_bytes, rw, priv, -1);
    if (madvise((void *)g->start, thp_bytes, MADV_HUGEPAGE) != 0)
        die("madvise(MADV_HUGEPAGE)");
    memset((void *)g->start, 0x5a, thp_bytes);

    /* readonly: written while RW, then PROT_READ (present, read-only). */
    g = &regions[R_READONLY];
    g->name = "readonly"; g->perms = "r--p";
    map_at(g->start, sizes[R_READONLY], rw, priv, -1);
    write_pages(g->start, READONLY_PAGES, 1, 0x30);
    if (mprotect((void *)g->start, sizes[R_READONLY], PROT_READ) != 0)
        die("mprotect(PROT_READ)");

    /* protnone: written, then PROT_NONE: present in pagemap, invalid in
     * hardware. */
    g = &regions[R_PROTNONE];
    g->name = "protnone"; g->perms = "---p";
    map_at(g->start, sizes[R_PROTNONE], rw, priv, -1);
    write_pages(g->start, PROTNONE_PAGES, 1, 0x40);
    if (mprotect((void *)g->start, sizes[R_PROTNONE], PROT_NONE) != 0)
        die("mprotect(PROT_NONE)");

    /* file: a file in /tmp (tmpfs) mapped private read-only, every page read. */
    g = &regions[R_FILE];
    g->name = "file"; g->perms = "r--p";
    {
        int fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            die("open " FILE_PATH);
        unsigned char *buf = malloc(page_size);
        if (!buf)
            die("malloc");
        for (int i = 0; i < FILE_PAGES; i++) {
            memset(buf, 0x60 + i, page_size);
            if (write(fd, buf, page_size) != page_size)
                die("write " FILE_PATH);
        }
        free(buf);
        map_at(g->start, sizes[R_FILE], PROT_READ, MAP_PRIVATE, fd);
        close(fd);
        volatile unsigned sum = 0;
        for (int i = 0; i < FILE_PAGES; i++)
            sum += *(volatile unsigned char *)(g->start + i * page_size);
        (void)sum;
    }

    /* shared: MAP_SHARED anonymous (shmem), every page written. */
    g = &regions[R_SHARED];
    g->name = "shared"; g->perms = "rw-s";
    map_at(g->start, sizes[R_SHARED], rw, MAP_SHARED | MAP_ANONYMOUS, -1);
    write_pages(g->start, SHARED_PAGES, 1, 0x70);

    /* One big buffer: the console is slow with many small writes. */
    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    for (int r = 0; r < R_COUNT; r++)
        printf("VMSA-MAP 0x%lx 0x%lx %s %s\n", (unsigned long)regions[r].start,
               (unsigned long)regions[r].end, regions[r].perms, regions[r].name);

    int pm = open("/proc/self/pagemap", O_RDONLY);
    if (pm < 0)
        die("open /proc/self/pagemap");
    for (int r = 0; r < R_COUNT; r++) {
        for (uintptr_t va = regions[r].start; va < regions[r].end; va += page_size) {
            uint64_t entry;
            off_t off = (off_t)(va / page_size) * PAGEMAP_ENTRY_BYTES;
            if (pread(pm, &entry, sizeof entry, off) != sizeof entry)
                die("pread /proc/self/pagemap");
            printf("VMSA-PAGEMAP 0x%lx 0x%016llx\n", (unsigned long)va, (unsigned long long)entry);
        }
    }
    close(pm);

    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        die("fopen /proc/self/maps");
    char line[512];
    while (fgets(line, sizeof line, maps)) {
        size_t n = strlen(line);
        printf("VMSA-MAPS %s%s", line, (n && line[n - 1] == '\n') ? "" : "\n");
    }
    fclose(maps);

    printf("VMSA-READY pid=%d pagesize=%ld spin=0x%lx\n", (int)getpid(), page_size,
           (unsigned long)(uintptr_t)vmsa_spin_insn);
    fflush(stdout);
    spin();
}
