// __tsan_memcpy, __tsan_memmove, __tsan_memset: what LLVM's ThreadSanitizer pass (rustc's)
// calls for the memory intrinsics, and what gcc 12's libtsan (Debian's libtsan2, the runtime
// scripts/sanitizers/tsan.sh preloads into node) predates. Its interceptors of memcpy, memmove
// and memset check the ranges they touch, so each shim forwards to the libc function, which
// the preloaded runtime intercepts. Built with -fno-builtin: the calls must stay calls.
#include <stddef.h>
#include <string.h>

void *__tsan_memcpy(void *dst, const void *src, size_t n) { return memcpy(dst, src, n); }
void *__tsan_memmove(void *dst, const void *src, size_t n) { return memmove(dst, src, n); }
void *__tsan_memset(void *dst, int c, size_t n) { return memset(dst, c, n); }
