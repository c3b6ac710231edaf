// libpq, PostgreSQL's C client, as the system provides it (`libpq-dev` on Debian/Ubuntu:
// /usr/include/postgresql/libpq-fe.h). It includes "postgres_ext.h" from its own directory.
#include <postgresql/libpq-fe.h>
