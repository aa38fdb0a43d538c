/* Linker script of the bare-metal MMU probe, run through the C preprocessor
   so that its addresses come from the probe ABI (CShims.h). */
#include "CShims.h"

/* The stub page is grafted into the user's tables with one page of any
   granule: the EL2 code starts after the largest (64 KiB) page. */
#define STUB_PAGE_SIZE 0x10000

ENTRY(_start)
SECTIONS
{
    . = VMSA_MMU_STUB_PA;
    .stub : { KEEP(*(.stub)) }
    ASSERT(SIZEOF(.stub) <= 0x1000, "the stub page must fit one 4 KiB page")
    . = VMSA_MMU_STUB_PA + STUB_PAGE_SIZE;
    .text : { *(.text*) }
    .rodata : { *(.rodata*) }
    .data : { *(.data*) }
    .bss : { *(.bss*) *(COMMON) }
    ASSERT(. <= VMSA_MMU_STACK_TOP - STUB_PAGE_SIZE, "the probe overlaps its stack")
    /DISCARD/ : { *(.note*) *(.comment) }
}
