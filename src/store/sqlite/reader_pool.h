// Internal to src/store/sqlite: read-only connections to the store file,
// lent to one reader at a time, so that reads run side by side and never
// wait for the writer's mutex.
//
// In WAL mode SQLite lets any number of connections read while one writes;
// each read sees the last commit made before it began. SqliteStore's reads
// (every request's access key, user, workspace and roles, and the process
// a Query asks for) went through its one connection behind its one mutex,
// so each waited for whatever write held it: the commit of a 10,000-table
// TaskContent holds it for 80-115 ms (longer for larger ones), and any
// commit for its fsync. A reader here holds its own connection and
// prepared statements; the pool keeps the connections that readers gave
// back (at most `max_idle`) and opens another when none is free.
//
// A thread may pin a connection (PinOnThisThread): until the pin is
// released, every lease it acquires is that connection, inside one read
// transaction, so that a run of reads (a request's access key, workspace
// and process) sees one snapshot and takes the WAL's read lock once instead
// of once per read.
//
// Thread-safety: thread-safe. A Lease is used by one thread at a time and
// must be returned (destroyed) before the pool is; so must a pin, on the
// thread that made it.
#ifndef DISYNC_STORE_SQLITE_READER_POOL_H_
#define DISYNC_STORE_SQLITE_READER_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"

struct sqlite3;

namespace disync::store::sqlite_internal {

class StatementCache;

class ReaderPool {
 public:
  // `path` must name a WAL-mode database that the owner keeps open (so that
  // its -wal and -shm files exist). `busy_timeout_ms` covers the moments a
  // reader must wait (WAL recovery after a crash).
  ReaderPool(std::string path, int busy_timeout_ms, size_t max_idle);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  class Lease;
  // A connection of its own for the caller until the Lease is destroyed
  // (the pinned one, when this thread holds a pin of this pool).
  Result<Lease> Acquire();

  // Pins a connection to the calling thread, in a read transaction begun
  // now, until the returned object is destroyed (on this thread), which ends
  // the transaction and gives the connection back. Reads through the pin
  // see no commit made after its first read, so it is for reads only, with
  // no write of this thread among them. A pin made while this thread holds
  // one of this pool adds nothing to it.
  Result<std::shared_ptr<void>> PinOnThisThread();

  // Connections opened so far and not closed (lent out or idle).
  size_t open_connections() const;

 private:
  struct Reader;
  void GiveBack(std::unique_ptr<Reader> reader);
  void Close(std::unique_ptr<Reader> reader);  // one that must not be lent again

  const std::string path_;
  const int busy_timeout_ms_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Reader>> idle_;  // guarded by mu_
  size_t open_ = 0;                            // guarded by mu_
};

class ReaderPool::Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();

  // The reader's prepared statements; statements().db() is its connection.
  StatementCache& statements();

 private:
  friend class ReaderPool;
  Lease(ReaderPool* pool, std::unique_ptr<Reader> reader);
  // The pinned reader, lent again: not given back by this lease.
  explicit Lease(Reader* pinned);

  ReaderPool* pool_ = nullptr;
  std::unique_ptr<Reader> reader_;
  Reader* pinned_ = nullptr;
};

}  // namespace disync::store::sqlite_internal

#endif  // DISYNC_STORE_SQLITE_READER_POOL_H_
