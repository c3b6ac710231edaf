#include <sqlite3.h>
// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// Virtual tables (LineDBSQL): SQLite hands these structs back to every callback; the first member is what SQLite
// knows, `owner` an unretained pointer to the Swift object behind it.
typedef struct csqlite_vtab {
    sqlite3_vtab base;
    void *owner;
} csqlite_vtab;

typedef struct csqlite_vtab_cursor {
    sqlite3_vtab_cursor base;
    void *owner;
} csqlite_vtab_cursor;

// sqlite3_vtab_config is variadic, which Swift cannot call.
static inline int csqlite_vtab_constraint_support(sqlite3 *db) {
    return sqlite3_vtab_config(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
}
