// Linux user-mode plumbing shared by the qemu-aarch64 probes (walk and
// layout legs): whole reads and writes on standard input/output, anonymous
// memory, and the exit paths. The table logic of each probe stays its own.
//
// A static, -nostdlib Linux program: svc #0 for read, write, mmap and exit.

#include "CShims.h"
#include "arm_arch.h"
#include "probe_header.h"

    .text

// bad_input / io_error / exit(x0 = status): end the probe with a
// vmsa_run_status the Swift side reads.
    .global bad_input, io_error, exit
bad_input:
    mov x0, #VMSA_RUN_BAD_INPUT
    b exit
io_error:
    mov x0, #VMSA_RUN_IO
exit:
    mov x8, #NR_EXIT
    svc #0

// read_exact(x0 = buffer, x1 = length): reads exactly `length` bytes of
// standard input (a pipe may deliver them in pieces).
    .global read_exact
read_exact:
    mov x3, x0
    mov x4, x1
1:  cbz x4, 2f
    mov x0, #FD_STDIN
    mov x1, x3
    mov x2, x4
    mov x8, #NR_READ
    svc #0
    cmp x0, #0
    b.le io_error
    add x3, x3, x0
    sub x4, x4, x0
    b 1b
2:  ret

// write_all(x0 = buffer, x1 = length) to standard output.
    .global write_all
write_all:
    mov x3, x0
    mov x4, x1
1:  cbz x4, 2f
    mov x0, #FD_STDOUT
    mov x1, x3
    mov x2, x4
    mov x8, #NR_WRITE
    svc #0
    cmp x0, #0
    b.le io_error
    add x3, x3, x0
    sub x4, x4, x0
    b 1b
2:  ret

// map_anonymous(x0 = length) -> x0 = zeroed memory.
    .global map_anonymous
map_anonymous:
    mov x1, x0
    mov x0, #0
    mov x2, #PROT_READ_WRITE
    mov x3, #MAP_PRIVATE_ANONYMOUS
    mov x4, #-1
    mov x5, #0
    mov x8, #NR_MMAP
    svc #0
    cmn x0, #4095               // -4095..-1 are errno values
    b.hs io_error
    ret

// read_header(x0 = header buffer, x1 = expected leg): reads the probe
// header from standard input and checks its magic, version and leg.
    .global read_header
read_header:
    mov x15, x30
    mov x13, x0
    mov x14, x1
    mov x1, #VMSA_HDR_SIZE
    bl read_exact
    check_probe_identity x13, x14, x0, x1, bad_input
    ret x15

    .section .rodata
// TCR_EL1.IPS to bits; 0b111 is reserved and read as the largest size.
    .global ips_bits
ips_bits:
    .byte 32, 36, 40, 42, 44, 48, 52, 52
