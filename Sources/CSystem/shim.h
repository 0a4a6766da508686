// glibc and Linux calls that Swift's Glibc module does not import: malloc.h's tuning functions, and prctl,
// which is variadic in C. Each is wrapped in a plain function with fixed arguments; elsewhere they do nothing.
#if defined(__linux__)
#include <sys/prctl.h>  // also defines __GLIBC__ when the C library is glibc
static inline int provoke_disable_transparent_huge_pages(void) { return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); }
#else
static inline int provoke_disable_transparent_huge_pages(void) { return -1; }
#endif

#if defined(__GLIBC__)
#include <malloc.h>
static inline int provoke_malloc_trim(void) { return malloc_trim(0); }
static inline int provoke_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
#else
static inline int provoke_malloc_trim(void) { return 0; }
static inline int provoke_set_trim_threshold(int bytes) { (void)bytes; return 0; }
#endif
