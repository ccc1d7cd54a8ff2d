// Migration: one versioned schema step of the metadata store. The table of
// migrations is generated at build time by cmake/embed_migrations.cmake from
// src/store/migrations/NNNN_name.sql, so the SQL travels inside the binary and
// a store can never be opened with a schema file that is missing on disk.
//
// kMigrations is ordered by strictly ascending version (the generator refuses
// anything else); kMigrationCount is at least 1.
// Thread-safety: immutable static data; safe to read from any thread.
#ifndef DISYNC_STORE_MIGRATIONS_H_
#define DISYNC_STORE_MIGRATIONS_H_

#include <cstddef>

namespace disync::store {

struct Migration {
  int version;       // leading number of the file name: 0001_init.sql -> 1
  const char* name;  // rest of the file name: "init"
  const char* sql;   // one or more statements, applied inside one transaction
};

extern const Migration kMigrations[];
extern const size_t kMigrationCount;

}  // namespace disync::store

#endif  // DISYNC_STORE_MIGRATIONS_H_
