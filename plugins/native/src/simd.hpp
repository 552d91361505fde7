// Run-time SIMD dispatch for the native kernels' inner loops: a function
// marked TPN_SIMD is compiled for baseline x86-64, AVX2+FMA and AVX-512,
// and the loader picks the widest the CPU has (GNU ifunc, as glibc does for
// memcpy). The binary itself assumes nothing beyond x86-64.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define TPN_SIMD  \
  __attribute__(( \
      target_clones("default", "arch=haswell", "arch=skylake-avx512")))
#else
#define TPN_SIMD
#endif
