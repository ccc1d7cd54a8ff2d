// StatementCache (src/store/sqlite/statement.h): statements are compiled
// once per SQL text, lent again with their bindings cleared, and a text in
// use is prepared afresh for a nested use.
#include <sqlite3.h>

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

}  // namespace
}  // namespace disync::store::sqlite_internal
