// Run-time SIMD dispatch for the native kernels' inner loops: a function
// marked TPN_SIMD is compiled for baseline x86-64 and the x86-64-v3
// (AVX2+FMA) and x86-64-v4 (AVX-512) levels, and the loader picks the widest
// the CPU has (GNU ifunc, as glibc does for memcpy). The binary itself
// assumes nothing beyond x86-64.
//
// The clones are chosen by ISA level, that is by CPU features: clones named
// after a CPU (`arch=haswell`, `arch=skylake-avx512`) are chosen with
// __builtin_cpu_is, a model check that no AMD CPU passes, so on an AMD EPYC
// with AVX-512 every loop ran its scalar default clone (seen in a profile of
// the CNN step: relu_grad as branches and movss).
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define TPN_SIMD \
  __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define TPN_SIMD
#endif
