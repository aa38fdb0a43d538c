// Input and output of the bare-metal probes, through Arm semihosting
// (qemu-system-aarch64 -semihosting-config enable=on,target=native): the
// command line "INPUT OUTPUT", exact reads and writes, seeks, exit, and the
// identity check of an input file's header. A failure branches to the
// probe's own fail_io or fail_input. Every routine uses x0-x4 and the stack
// only (open_io also x29).

#include "CShims.h"
#include "arm_arch.h"
#include "probe_header.h"

    .text
    .global open_io, read_some, read_input, write_output, seek_input, seek_output, exit_probe
    .global check_input_header, write_result, fail_io, fail_input, fail_too_large, fail

// open_io: opens the input (read) and output (write) files the semihosting
// command line names, "INPUT OUTPUT".
open_io:
    stp x29, x30, [sp, #-16]!
    adr x1, cmdline_args
    adr x0, cmdline
    mov x2, #(cmdline_end - cmdline - 1)
    stp x0, x2, [x1]
    mov w0, #SYS_GET_CMDLINE
    hlt #SEMIHOSTING_HLT
    cbnz x0, fail_io
    adr x0, cmdline
1:  ldrb w2, [x0], #1
    cbz w2, fail_io
    cmp w2, #' '
    b.ne 1b
    strb wzr, [x0, #-1]
    mov x29, x0                                 // output path
    adr x0, cmdline
    mov x1, #OPEN_MODE_RB
    bl open_file
    adr x1, in_handle
    str x0, [x1]
    mov x0, x29
    mov x1, #OPEN_MODE_WB
    bl open_file
    adr x1, out_handle
    str x0, [x1]
    ldp x29, x30, [sp], #16
    ret

// open_file(x0 = NUL-terminated path, x1 = mode) -> x0 = handle.
open_file:
    mov x2, x0
1:  ldrb w3, [x2], #1
    cbnz w3, 1b
    sub x2, x2, x0
    sub x2, x2, #1
    adr x3, sh_args
    stp x0, x1, [x3]
    str x2, [x3, #16]
    mov x1, x3
    mov w0, #SYS_OPEN
    hlt #SEMIHOSTING_HLT
    cmn x0, #1
    b.eq fail_io
    ret

// handle_call(w4 = operation, x2 = handle, x0, x1 = its next two
// arguments) -> x0 = the call's result.
handle_call:
    adr x3, sh_args
    stp x2, x0, [x3]
    str x1, [x3, #16]
    mov x1, x3
    mov w0, w4
    hlt #SEMIHOSTING_HLT
    ret

// read_some(x0 = buffer, x1 = length) -> x0 = bytes not read (SYS_READ).
read_some:
    ldr x2, in_handle
    mov w4, #SYS_READ
    b handle_call

// read_input(x0 = buffer, x1 = length): exactly that many input bytes.
read_input:
    cbz x1, 1f
    str x30, [sp, #-16]!
    bl read_some
    ldr x30, [sp], #16
    cbnz x0, fail_input                         // bytes not read
1:  ret

// write_output(x0 = buffer, x1 = length).
write_output:
    cbz x1, 1f
    str x30, [sp, #-16]!
    ldr x2, out_handle
    mov w4, #SYS_WRITE
    bl handle_call
    ldr x30, [sp], #16
    cbnz x0, fail_io                            // bytes not written
1:  ret

// seek_input(x0 = offset), seek_output(x0 = offset): from the file's start.
seek_input:
    ldr x2, in_handle
    b 1f
seek_output:
    ldr x2, out_handle
1:  str x30, [sp, #-16]!
    mov w4, #SYS_SEEK
    bl handle_call
    ldr x30, [sp], #16
    cbnz x0, fail_io
    ret

// check_input_header(x0 = header, x1 = VMSA_LEG_*): the magic, version and
// leg every probe input header starts with.
check_input_header:
    check_probe_identity x0, x1, x2, x3, fail_input
    ret

// write_result(x0 = status, x1 = detail, x2 = VMSA_LEG_*, x3 = record count,
// x4 = table bytes): the result header, at the start of the output, so that
// a failure can overwrite the one a probe writes first. Uses x5 as well.
write_result:
    str x30, [sp, #-16]!
    adr x5, result_header
    stp x0, x1, [x5, #VMSA_RES_STATUS]
    store_result_identity x5, x2, x0
    str x3, [x5, #VMSA_RES_RECORD_COUNT]
    str x4, [x5, #VMSA_RES_TABLE_BYTES]
    mov x0, #0
    bl seek_output
    adr x0, result_header
    mov x1, #VMSA_RES_SIZE
    bl write_output
    ldr x30, [sp], #16
    ret

// fail_io: the output cannot be trusted, so only the exit status says it.
fail_io:
    mov x0, #VMSA_RUN_IO
    b exit_probe
// fail_input, fail_too_large: the status says it all (detail 0).
fail_input:
    mov x0, #VMSA_RUN_BAD_INPUT
    mov x1, #0
    b fail
fail_too_large:
    mov x0, #VMSA_RUN_TOO_LARGE
    mov x1, #0
    b fail
// fail(x0 = status, x1 = detail): once the output is open, the probe's
// write_result_header(x0, x1) records the status; then the run exits with it.
fail:
    str x0, [sp, #-16]!
    ldr x2, out_handle
    cbz x2, 1f
    bl write_result_header
1:  ldr x0, [sp], #16
    b exit_probe

// exit_probe(x0 = exit code): ends the QEMU run with that status.
exit_probe:
    adr x1, exit_block
    ldr x2, =ADP_STOPPED_APPLICATION_EXIT
    stp x2, x0, [x1]
    mov w0, #SYS_EXIT
    hlt #SEMIHOSTING_HLT
    b .

    .data
    .balign 8
in_handle: .quad 0
out_handle: .quad 0
sh_args: .quad 0, 0, 0, 0
cmdline_args: .quad 0, 0
exit_block: .quad 0, 0
result_header: .skip VMSA_RES_SIZE
cmdline: .skip 4096
cmdline_end:
