// SQLite's C API for ProvokeLedger. SQLITE_TRANSIENT is a macro casting -1 to a function
// pointer, which Swift cannot import; the shim names it.
#include <sqlite3.h>

static inline sqlite3_destructor_type provoke_sqlite_transient(void) { return SQLITE_TRANSIENT; }
