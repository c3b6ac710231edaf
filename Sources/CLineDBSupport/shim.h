// What the engine needs from C that Swift does not offer: glibc's malloc.h (mallopt, which Swift's Glibc module
// does not include) and a prefetch hint (no Swift equivalent).
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif

// Asks the CPU to start loading the cache line at `p` for a coming write; never faults, returns at once.
static inline void ldb_prefetch_for_write(const void *p) { __builtin_prefetch(p, 1, 3); }
