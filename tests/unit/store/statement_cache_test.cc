// StatementCache (src/store/sqlite/statement.h): statements are compiled
// once per SQL text, lent again with their bindings cleared, and a text in
// use is prepared afresh for a nested use. InTransaction: a redoable write
// lowers the fsync level for its own commit only.
#include <sqlite3.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "store/sqlite/statement.h"

namespace disync::store::sqlite_internal {
namespace {

class StatementCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(Exec(db_, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"
                          "INSERT INTO t VALUES (1, 'one'), (2, 'two');",
                     "setup")
                    .ok());
    cache_ = std::make_unique<StatementCache>(db_);
  }
  void TearDown() override {
    cache_.reset();
    EXPECT_EQ(sqlite3_close(db_), SQLITE_OK);  // SQLITE_BUSY if a statement leaked
  }

  std::string Lookup(int64_t key) {
    auto stmt = cache_->Prepare("SELECT v FROM t WHERE k = ?");
    EXPECT_TRUE(stmt.ok());
    stmt->BindInt(1, key);
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok());
    return row.ok() && *row ? stmt->ColumnText(0) : "<none>";
  }

  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> cache_;
};

TEST_F(StatementCacheTest, CompilesEachTextOnceAndReusesIt) {
  EXPECT_EQ(Lookup(1), "one");
  EXPECT_EQ(Lookup(2), "two");
  EXPECT_EQ(Lookup(3), "<none>");
  int prepared = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s)) {
    ++prepared;
  }
  EXPECT_EQ(prepared, 1);
}

TEST_F(StatementCacheTest, ALentStatementComesBackWithoutItsBindings) {
  {
    auto stmt = cache_->Prepare("SELECT v FROM t WHERE k = ?");
    ASSERT_TRUE(stmt.ok());
    stmt->BindInt(1, 1);
  }
  auto stmt = cache_->Prepare("SELECT v FROM t WHERE k = ?");
  ASSERT_TRUE(stmt.ok());
  auto row = stmt->Step();  // an unbound parameter is NULL: no row
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
}

TEST_F(StatementCacheTest, TheSameTextCanBeUsedWhileItIsLent) {
  auto outer = cache_->Prepare("SELECT v FROM t WHERE k = ?");
  ASSERT_TRUE(outer.ok());
  outer->BindInt(1, 1);
  ASSERT_TRUE(outer->Step().value());
  EXPECT_EQ(Lookup(2), "two");  // a fresh statement, owned by the inner use
  EXPECT_EQ(outer->ColumnText(0), "one");
}

TEST_F(StatementCacheTest, ABadStatementIsAnError) {
  auto stmt = cache_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(stmt.ok());
  EXPECT_NE(stmt.error().message().find("no such column"), std::string::npos);
}

int Synchronous(sqlite3* db) {
  int level = -1;
  sqlite3_exec(
      db, "PRAGMA synchronous",
      [](void* out, int, char** values, char**) {
        *static_cast<int*>(out) = std::atoi(values[0]);
        return 0;
      },
      &level, nullptr);
  return level;
}

// A redoable write commits without the fsync (NORMAL, 1), and the
// connection is FULL (2) again after it, whether the body succeeded or not.
TEST_F(StatementCacheTest, ARedoableWriteSkipsTheFsyncOfItsOwnCommitOnly) {
  ASSERT_TRUE(Exec(db_, "PRAGMA synchronous=FULL", "full").ok());
  int inside = -1;
  Status written = InTransaction(db_, TransactionMode::kRedoableWrite, [&]() -> Status {
    inside = Synchronous(db_);
    return Exec(db_, "INSERT INTO t VALUES (3, 'three')", "insert");
  });
  ASSERT_TRUE(written.ok()) << written.error().message();
  EXPECT_EQ(inside, 1);
  EXPECT_EQ(Synchronous(db_), 2);
  EXPECT_EQ(Lookup(3), "three");

  Status failed = InTransaction(db_, TransactionMode::kRedoableWrite, [&]() -> Status {
    DISYNC_RETURN_IF_ERROR(Exec(db_, "INSERT INTO t VALUES (4, 'four')", "insert"));
    return Error::Internal("the body failed");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Synchronous(db_), 2);
  EXPECT_EQ(Lookup(4), "<none>");  // rolled back

  Status durable = InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    inside = Synchronous(db_);
    return OkStatus();
  });
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(inside, 2);
}

}  // namespace
}  // namespace disync::store::sqlite_internal
