// The probe ABI shared by Swift and the AArch64 probes in asm/ (issue 4).
#ifndef VMSA_CSHIMS_H
#define VMSA_CSHIMS_H
#endif
