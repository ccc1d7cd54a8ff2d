// ReaderPool (src/store/sqlite/reader_pool.h): read-only connections lent
// one reader at a time, each read seeing the commits made before it began
// and never the writer's open transaction; idle connections are reused, at
// most max_idle of them kept.
#include "store/sqlite/reader_pool.h"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "store/sqlite/statement.h"
#include "support/temp_dir.h"

namespace disync::store::sqlite_internal {
namespace {

namespace fs = std::filesystem;

class ReaderPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("disync_reader_pool_test");
    path_ = (dir_ / "t.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &writer_), SQLITE_OK);
    ASSERT_TRUE(Exec(writer_, "PRAGMA journal_mode=WAL", "wal").ok());
    ASSERT_TRUE(Exec(writer_,
                     "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"
                     "INSERT INTO t VALUES (1, 'one')",
                     "setup")
                    .ok());
  }

  void TearDown() override {
    EXPECT_EQ(sqlite3_close(writer_), SQLITE_OK);
    fs::remove_all(dir_);
  }

  // The value of key 1 as `lease` reads it; nullopt when the read fails.
  static std::optional<std::string> Read(ReaderPool::Lease& lease) {
    auto stmt = lease.statements().Prepare("SELECT v FROM t WHERE k = 1");
    if (!stmt.ok()) return std::nullopt;
    auto row = stmt->Step();
    if (!row.ok() || !*row) return std::nullopt;
    return stmt->ColumnText(0);
  }

  fs::path dir_;
  std::string path_;
  sqlite3* writer_ = nullptr;
};

TEST_F(ReaderPoolTest, AReadSeesTheCommitsMadeBeforeIt) {
  ReaderPool pool(path_, /*busy_timeout_ms=*/1000, /*max_idle=*/2);
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().message();
    EXPECT_EQ(Read(*lease), "one");
  }
  ASSERT_TRUE(Exec(writer_, "UPDATE t SET v = 'two' WHERE k = 1", "update").ok());
  // The same connection, back from the pool, holds no older snapshot.
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(Read(*lease), "two");
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST_F(ReaderPoolTest, AReadNeitherWaitsForNorSeesAnOpenWrite) {
  ReaderPool pool(path_, /*busy_timeout_ms=*/1000, /*max_idle=*/2);
  ASSERT_TRUE(
      Exec(writer_, "BEGIN IMMEDIATE; UPDATE t SET v = 'uncommitted' WHERE k = 1", "open a write")
          .ok());
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(Read(*lease), "one");
  }
  ASSERT_TRUE(Exec(writer_, "COMMIT", "commit").ok());
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(Read(*lease), "uncommitted");
}

TEST_F(ReaderPoolTest, AReaderCannotWrite) {
  ReaderPool pool(path_, /*busy_timeout_ms=*/1000, /*max_idle=*/2);
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  auto update = lease->statements().Prepare("UPDATE t SET v = 'x' WHERE k = 1");
  ASSERT_TRUE(update.ok());
  Status written = update->Run();
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().message().find("readonly"), std::string::npos)
      << written.error().message();
}

TEST_F(ReaderPoolTest, ConnectionsAreReusedAndAtMostMaxIdleKept) {
  ReaderPool pool(path_, /*busy_timeout_ms=*/1000, /*max_idle=*/1);
  {
    auto first = pool.Acquire();
    auto second = pool.Acquire();  // the first is still lent: a second opens
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(Read(*first), "one");
    EXPECT_EQ(Read(*second), "one");
    EXPECT_EQ(pool.open_connections(), 2u);
  }
  EXPECT_EQ(pool.open_connections(), 1u);  // one kept, one closed
  auto again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(pool.open_connections(), 1u);
  EXPECT_EQ(Read(*again), "one");
}

TEST_F(ReaderPoolTest, AMissingFileIsAnError) {
  ReaderPool pool((dir_ / "absent.db").string(), /*busy_timeout_ms=*/1000, /*max_idle=*/1);
  auto lease = pool.Acquire();
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.error().message().find("open a reader of"), std::string::npos)
      << lease.error().message();
  EXPECT_EQ(pool.open_connections(), 0u);
}

// A pinned thread's leases are one connection in one read transaction: a
// commit made meanwhile is not seen until the pin is released, while
// another thread, not pinned, sees it on a connection of its own. The
// connection goes back to the pool; a second pin adds nothing.
TEST_F(ReaderPoolTest, APinnedThreadReadsOneSnapshotOnOneConnection) {
  ReaderPool pool(path_, /*busy_timeout_ms=*/1000, /*max_idle=*/2);
  {
    auto pin = pool.PinOnThisThread();
    ASSERT_TRUE(pin.ok()) << pin.error().message();
    ASSERT_NE(*pin, nullptr);
    auto first = pool.Acquire();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(Read(*first), "one");
    ASSERT_TRUE(Exec(writer_, "UPDATE t SET v = 'two' WHERE k = 1", "update").ok());
    auto second = pool.Acquire();  // while the first is still out
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(Read(*second), "one");
    EXPECT_EQ(Read(*first), "one");
    EXPECT_EQ(pool.open_connections(), 1u);

    auto nested = pool.PinOnThisThread();
    ASSERT_TRUE(nested.ok());
    EXPECT_EQ(*nested, nullptr);

    std::optional<std::string> elsewhere;
    std::thread other([&] {
      auto lease = pool.Acquire();
      if (lease.ok()) elsewhere = Read(*lease);
    });
    other.join();
    EXPECT_EQ(elsewhere, "two");
    EXPECT_EQ(pool.open_connections(), 2u);
  }
  auto after = pool.Acquire();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Read(*after), "two");
  EXPECT_EQ(pool.open_connections(), 2u);  // both back, neither closed
}

}  // namespace
}  // namespace disync::store::sqlite_internal
