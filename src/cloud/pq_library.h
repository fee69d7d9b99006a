// libpq, loaded when a PostgreSQL store is first opened (common/shared_library.h): a node on
// SQLite, and every other command, never loads it and the Kerberos and LDAP libraries it needs.
#pragma once

#include <libpq-fe.h>

#include "asterai/common/shared_library.h"

namespace asterai::cloud {

#define ASTERAI_PQ_FUNCTIONS(X)                                                               \
  X(PQconnectdb)                                                                              \
  X(PQstatus)                                                                                 \
  X(PQerrorMessage) X(PQfinish) X(PQexec) X(PQexecParams) X(PQresultStatus)                   \
      X(PQresultErrorMessage) X(PQresultErrorField) X(PQntuples) X(PQgetvalue) X(PQgetlength) \
          X(PQgetisnull) X(PQcmdTuples) X(PQclear)

// The functions asterai calls, under their own names: `pq().PQexec(…)`.
struct PqLibrary {
  ASTERAI_FUNCTION_POINTERS(ASTERAI_PQ_FUNCTIONS)
};

// Loads libpq once per process (thread-safe); the error says what to install.
Result<const PqLibrary*> load_pq();

// The loaded library; only after load_pq() succeeded (a connection exists only then).
const PqLibrary& pq();

}  // namespace asterai::cloud
