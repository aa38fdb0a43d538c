/* Linker script of the regime probe, run through the C preprocessor so that
   its addresses come from the probe ABI (CShims.h). */
#include "CShims.h"

ENTRY(_start)
SECTIONS
{
    . = VMSA_REGIME_WINDOW_PA;
    .window : { KEEP(*(.window)) }
    ASSERT(SIZEOF(.window) <= VMSA_REGIME_WINDOW_CODE_SIZE, "the EL3 window must fit its code size")
    . = VMSA_REGIME_WINDOW_PA + VMSA_REGIME_WINDOW_SIZE;
    .text : { *(.text*) }
    .rodata : { *(.rodata*) }
    .data : { *(.data*) }
    .bss : { *(.bss*) *(COMMON) }
    ASSERT(. <= VMSA_MMU_STACK_TOP - VMSA_REGIME_WINDOW_SIZE, "the probe overlaps its stack")
    /DISCARD/ : { *(.note*) *(.comment) }
}
