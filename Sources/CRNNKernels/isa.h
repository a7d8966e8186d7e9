// Private to CRNNKernels: the instruction set the vectorised kernels use (pointwise.c owns the
// choice; rnnkit_pointwise_force overrides it for tests).
#ifndef RNNKIT_ISA_H
#define RNNKIT_ISA_H
enum { RNNKIT_ISA_AUTO = 0, RNNKIT_ISA_PORTABLE = 1, RNNKIT_ISA_AVX2 = 2, RNNKIT_ISA_AVX512 = 3 };
int rnnkit_selected_isa(void);
#endif
