#include "store/sqlite/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "iam/secret_box.h"

namespace disync::store {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// A Clock that returns whatever the test set.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override { return now_.load(); }
  void Set(TimePoint now) { now_.store(now); }

 private:
  std::atomic<TimePoint> now_;
};

// 2024-01-02T03:04:05.678Z: millisecond precision, as the store keeps it.
const TimePoint kT0 = FromUnixMillis(1704164645678);

// Fixed master keys: 32 raw bytes each.
constexpr char kTestKey[] = "0123456789abcdef0123456789ABCDEF";
constexpr char kOtherKey[] = "fedcba9876543210FEDCBA9876543210";

constexpr char kCannotOpen[] =
    "sealed secret cannot be opened: wrong master key or altered data";

// Runs constant SQL on its own connection, the way a foreign process would.
void ExecRaw(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

// The first column of the first row of a constant query, on its own connection.
std::string QueryRaw(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

// The names of the store's files (the database, its WAL and shared-memory
// index) whose bytes contain `needle`. Expects the database file to exist.
std::vector<std::string> FilesContaining(const fs::path& db_path, const std::string& needle) {
  EXPECT_TRUE(fs::exists(db_path)) << db_path;
  std::vector<std::string> found;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path path = db_path.string() + suffix;
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(path.filename().string());
  }
  return found;
}

NewProject MakeProject(std::string identifier, int64_t id = 0) {
  NewProject p;
  p.id = ProjectId(id);
  p.identifier = std::move(identifier);
  p.name = "name of " + p.identifier;
  return p;
}

std::vector<int64_t> IdsOf(const ProjectPage& page) {
  std::vector<int64_t> ids;
  for (const Project& p : page.projects) ids.push_back(p.id.value());
  return ids;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("disync_store_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_path_ = dir_ / "disync.db";
  }

  void TearDown() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<SqliteStore>> TryOpen() {
    return SqliteStore::Open(db_path_.string(), clock_, sealer_);
  }

  std::unique_ptr<SqliteStore> OpenOrDie() { return OpenOrDie(sealer_); }

  std::unique_ptr<SqliteStore> OpenOrDie(const Sealer& sealer) {
    auto store = SqliteStore::Open(db_path_.string(), clock_, sealer);
    EXPECT_TRUE(store.ok()) << store.error().message();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  Project CreateOrDie(SqliteStore& store, const NewProject& project) {
    auto created = store.CreateProject(project);
    EXPECT_TRUE(created.ok()) << created.error().message();
    return created.ok() ? created.value() : Project{};
  }

  // access_keys.secret of one key, as stored.
  std::string RawSecret(const std::string& access_key_id) {
    return QueryRaw(db_path_,
                    "SELECT secret FROM access_keys WHERE id = '" + access_key_id + "'");
  }

  fs::path dir_;
  fs::path db_path_;
  FakeClock clock_{kT0};
  const iam::SecretBox sealer_{kTestKey};
};

// Every migration in src/store/migrations, in order.
constexpr int kLatestVersion = 2;
constexpr const char* kAppliedVersions = "1:init,2:objects";

TEST_F(SqliteStoreTest, OpenMigratesANewFile) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), kLatestVersion);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT group_concat(version || ':' || name) FROM schema_version"),
            kAppliedVersions);
  // WAL is a property of the file: what lets the admin command write beside us.
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, ReopenDoesNotMigrateAgain) {
  ASSERT_NE(OpenOrDie(), nullptr);
  // A second run of 0001 would fail on CREATE TABLE projects.
  auto again = OpenOrDie();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->schema_version(), kLatestVersion);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM schema_version"),
            std::to_string(kLatestVersion));
}

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  NewProject wanted = MakeProject("survivor");
  wanted.description = "kept on disk";
  wanted.mode = 3;
  wanted.disable_development = true;
  wanted.is_allow_download = 0;
  wanted.resource_manager_resource_group_id = "rg-1";
  wanted.owner_user_id = "owner-1";
  wanted.tags = {{"Env", "Test"}, {"Team", "数据"}};
  const User user{"u-1", "alice", true, kT0 - milliseconds(5)};
  const AccessKey key{"LTAI-1", "s3cret", "u-1", AccessKeyStatus::kDisabled, kT0};
  Project created;
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    created = CreateOrDie(*store, wanted);
    ASSERT_TRUE(store->PutUser(user).ok());
    ASSERT_TRUE(store->CreateAccessKey(key).ok());
    ASSERT_TRUE(store->PutMeta("heartbeat", "42").ok());
  }
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);

  auto project = store->GetProject(created.id);
  ASSERT_TRUE(project.ok()) << project.error().message();
  EXPECT_EQ(project->id.value(), 10000);
  EXPECT_EQ(project->identifier, "survivor");
  EXPECT_EQ(project->name, "name of survivor");
  EXPECT_EQ(project->description, "kept on disk");
  EXPECT_EQ(project->mode, 3);
  EXPECT_EQ(project->status, 0);
  EXPECT_TRUE(project->disable_development);
  EXPECT_EQ(project->is_allow_download, 0);
  EXPECT_EQ(project->is_default, 0);
  EXPECT_EQ(project->resource_manager_resource_group_id, "rg-1");
  EXPECT_EQ(project->default_di_resource_group, "");
  EXPECT_EQ(project->owner_user_id, "owner-1");
  EXPECT_EQ(project->tags, wanted.tags);
  EXPECT_EQ(project->created, kT0);
  EXPECT_EQ(project->modified, kT0);

  auto got_user = store->GetUser("u-1");
  ASSERT_TRUE(got_user.ok());
  EXPECT_EQ(got_user->name, "alice");
  EXPECT_TRUE(got_user->superuser);
  EXPECT_EQ(got_user->created, user.created);

  auto got_key = store->GetAccessKey("LTAI-1");
  ASSERT_TRUE(got_key.ok());
  EXPECT_EQ(got_key->secret, "s3cret");
  EXPECT_EQ(got_key->user_id, "u-1");
  EXPECT_EQ(got_key->status, AccessKeyStatus::kDisabled);
  EXPECT_EQ(got_key->created, kT0);

  auto meta = store->GetMeta("heartbeat");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta.value(), std::optional<std::string>("42"));
}

TEST_F(SqliteStoreTest, CreateProjectReturnsWhatGetReturns) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  // Sub-millisecond precision is not kept; Create must not pretend it is.
  clock_.Set(kT0 + std::chrono::microseconds(250));
  Project created = CreateOrDie(*store, MakeProject("same"));
  auto got = store->GetProjectByIdentifier("same");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, created.id);
  EXPECT_EQ(got->created, kT0);
  EXPECT_EQ(created.created, kT0);
  EXPECT_EQ(created.modified, kT0);
}

TEST_F(SqliteStoreTest, AllocatesProjectIdsFrom10000AndAfterExplicitOnes) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  struct Step {
    std::string identifier;
    int64_t requested_id;
    int64_t expected_id;
  };
  const std::vector<Step> steps = {
      {"first", 0, 10000},     {"second", 0, 10001}, {"explicit", 20000, 20000},
      {"after", 0, 20001},     {"low", 5, 5},        {"still_after", 0, 20002},
      {"max", 2147483647, 2147483647},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.identifier);
    Project p = CreateOrDie(*store, MakeProject(step.identifier, step.requested_id));
    EXPECT_EQ(p.id.value(), step.expected_id);
  }
  // The next id would not fit GetProject's int32.
  auto overflow = store->CreateProject(MakeProject("overflow"));
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(overflow.error().message(), "no workspace id left: the next one would be 2147483648");
}

TEST_F(SqliteStoreTest, RejectsExplicitIdsOutsideInt32) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  for (int64_t id : {int64_t{-1}, int64_t{2147483648}}) {
    SCOPED_TRACE(id);
    auto r = store->CreateProject(MakeProject("p", id));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message(),
              "workspace id " + std::to_string(id) + " is outside 1..2147483647");
  }
}

TEST_F(SqliteStoreTest, CreateProjectRejectsTakenIdentifierOrId) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  CreateOrDie(*store, MakeProject("taken"));  // id 10000
  struct Case {
    std::string name;
    NewProject project;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"identifier, allocated id", MakeProject("taken"),
       "workspace identifier \"taken\" already exists"},
      {"identifier, explicit id", MakeProject("taken", 30000),
       "workspace identifier \"taken\" already exists"},
      {"explicit id", MakeProject("fresh", 10000), "workspace id 10000 already exists"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = store->CreateProject(c.project);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kAlreadyExists);
    EXPECT_EQ(r.error().message(), c.message);
  }
  // The failed transactions were rolled back: the store still writes, and
  // nothing of the rejected projects was kept.
  Project next = CreateOrDie(*store, MakeProject("fresh"));
  EXPECT_EQ(next.id.value(), 10001);
  auto page = store->ListProjects({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_count, 2);
}

TEST_F(SqliteStoreTest, AbsentRecordsAreNotFound) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  struct Case {
    std::string name;
    std::function<Error()> call;
    std::string message;
  };
  auto error_of = [](auto result) { return result.ok() ? Error::Internal("ok") : result.error(); };
  const std::vector<Case> cases = {
      {"GetProject", [&] { return error_of(store->GetProject(ProjectId(10000))); },
       "workspace 10000 not found"},
      {"GetProjectByIdentifier", [&] { return error_of(store->GetProjectByIdentifier("nope")); },
       "workspace \"nope\" not found"},
      {"GetUser", [&] { return error_of(store->GetUser("u-x")); }, "user \"u-x\" not found"},
      {"GetAccessKey", [&] { return error_of(store->GetAccessKey("LTAI-x")); },
       "access key LTAI-x not found"},
      {"SetAccessKeyStatus",
       [&] {
         return error_of(store->SetAccessKeyStatus("LTAI-x", AccessKeyStatus::kDisabled));
       },
       "access key LTAI-x not found"},
      {"DeleteAccessKey", [&] { return error_of(store->DeleteAccessKey("LTAI-x")); },
       "access key LTAI-x not found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Error e = c.call();
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_EQ(e.message(), c.message);
  }
}

TEST_F(SqliteStoreTest, ListProjectsPagesByIdWithTotalCount) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 7; ++i) CreateOrDie(*store, MakeProject("p" + std::to_string(i)));
  struct Case {
    int32_t page_number;
    int32_t page_size;
    std::vector<int64_t> ids;
  };
  const std::vector<Case> cases = {
      {1, 3, {10000, 10001, 10002}},
      {2, 3, {10003, 10004, 10005}},
      {3, 3, {10006}},
      {4, 3, {}},
      {1, 10, {10000, 10001, 10002, 10003, 10004, 10005, 10006}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "page " << c.page_number << " size " << c.page_size);
    ListProjectsQuery query;
    query.page_number = c.page_number;
    query.page_size = c.page_size;
    auto page = store->ListProjects(query);
    ASSERT_TRUE(page.ok()) << page.error().message();
    EXPECT_EQ(IdsOf(page.value()), c.ids);
    EXPECT_EQ(page->total_count, 7);
  }
}

TEST_F(SqliteStoreTest, ListProjectsRejectsPagesBelowOne) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  for (auto [number, size] : {std::pair{0, 10}, std::pair{1, 0}, std::pair{-1, -1}}) {
    ListProjectsQuery query;
    query.page_number = number;
    query.page_size = size;
    auto page = store->ListProjects(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().message(), "page_number and page_size must be at least 1");
  }
}

TEST_F(SqliteStoreTest, ListProjectsFilters) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    auto with = [](std::string identifier, std::string group, std::vector<Tag> tags) {
      NewProject p = MakeProject(std::move(identifier));
      p.resource_manager_resource_group_id = std::move(group);
      p.tags = std::move(tags);
      return p;
    };
    CreateOrDie(*store, with("a", "rg-1", {{"Env", "Test"}, {"Team", "di"}}));  // 10000
    CreateOrDie(*store, with("b", "rg-1", {{"Env", "Prod"}}));                   // 10001
    CreateOrDie(*store, with("c", "rg-2", {{"Env", "Test"}}));                   // 10002
    CreateOrDie(*store, with("d", "", {}));                                      // 10003
    CreateOrDie(*store, with("gone", "rg-1", {{"Env", "Test"}}));                // 10004
    ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
    ASSERT_TRUE(store->PutUser({"u-2", "bob", false, kT0}).ok());
  }
  // No store API writes members or deletes workspaces yet.
  ExecRaw(db_path_,
          "INSERT INTO project_members (project_id, user_id, role_code, created_ms) VALUES "
          "(10000, 'u-1', 'role_project_owner', 0), (10000, 'u-1', 'role_project_dev', 0), "
          "(10002, 'u-1', 'role_project_guest', 0), (10004, 'u-1', 'role_project_dev', 0), "
          "(10001, 'u-2', 'role_project_dev', 0);"
          "UPDATE projects SET status = 1 WHERE identifier = 'gone';");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);

  struct Case {
    std::string name;
    ListProjectsQuery query;
    std::vector<int64_t> ids;
  };
  auto query = [](std::string group, std::vector<Tag> tags, std::optional<std::string> member) {
    ListProjectsQuery q;
    q.resource_manager_resource_group_id = std::move(group);
    q.tags = std::move(tags);
    q.member_user_id = std::move(member);
    return q;
  };
  const std::vector<Case> cases = {
      {"no filter excludes deleted", query("", {}, std::nullopt), {10000, 10001, 10002, 10003}},
      {"resource group", query("rg-1", {}, std::nullopt), {10000, 10001}},
      {"unknown resource group", query("rg-9", {}, std::nullopt), {}},
      {"one tag", query("", {{"Env", "Test"}}, std::nullopt), {10000, 10002}},
      {"every tag must be present", query("", {{"Env", "Test"}, {"Team", "di"}}, std::nullopt),
       {10000}},
      {"tag value must match", query("", {{"Team", "ops"}}, std::nullopt), {}},
      {"key and value are not mixed", query("", {{"Env", "di"}}, std::nullopt), {}},
      {"member", query("", {}, "u-1"), {10000, 10002}},
      {"other member", query("", {}, "u-2"), {10001}},
      {"member of nothing", query("", {}, "u-3"), {}},
      {"all filters", query("rg-1", {{"Env", "Test"}}, "u-1"), {10000}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto page = store->ListProjects(c.query);
    ASSERT_TRUE(page.ok()) << page.error().message();
    EXPECT_EQ(IdsOf(page.value()), c.ids);
    EXPECT_EQ(page->total_count, static_cast<int64_t>(c.ids.size()));
  }
}

TEST_F(SqliteStoreTest, TagsThatAreNotUtf8AreInvalid) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  NewProject p = MakeProject("bad_tags");
  p.tags = {{"Env", std::string("\xff\xfe", 2)}};
  auto r = store->CreateProject(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->GetProjectByIdentifier("bad_tags").error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, PutUserCreatesOrReplaces) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->PutUser({"u-1", "alice2", true, kT0 + milliseconds(1)}).ok());
  auto user = store->GetUser("u-1");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->name, "alice2");
  EXPECT_TRUE(user->superuser);
  EXPECT_EQ(user->created, kT0 + milliseconds(1));
}

TEST_F(SqliteStoreTest, MemberRolesAreGrantedOnceAndListedSorted) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  NewProject p;
  p.identifier = "ws_members";
  auto project = store->CreateProject(p);
  ASSERT_TRUE(project.ok());
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());

  auto none = store->GetMemberRoles(project->id, "u-1");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(store->AddMemberRole(project->id, "u-1", "role_project_guest").ok());
  ASSERT_TRUE(store->AddMemberRole(project->id, "u-1", "role_project_dev").ok());
  ASSERT_TRUE(store->AddMemberRole(project->id, "u-1", "role_project_dev").ok());  // no-op
  auto roles = store->GetMemberRoles(project->id, "u-1");
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ(*roles, (std::vector<std::string>{"role_project_dev", "role_project_guest"}));

  EXPECT_EQ(store->AddMemberRole(project->id, "nobody", "role_project_dev").error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store->AddMemberRole(ProjectId(99999), "u-1", "role_project_dev").error().code(),
            ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, AccessKeyLifecycle) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->PutUser({"u-2", "bob", false, kT0}).ok());
  const AccessKey key{"LTAI-1", "secret-1", "u-1", AccessKeyStatus::kEnabled, kT0};

  ASSERT_TRUE(store->CreateAccessKey(key).ok());
  auto got = store->GetAccessKey("LTAI-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, "secret-1");
  EXPECT_EQ(got->status, AccessKeyStatus::kEnabled);

  Status again = store->CreateAccessKey({"LTAI-1", "other", "u-2", AccessKeyStatus::kEnabled, kT0});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "access key LTAI-1 already exists");
  EXPECT_EQ(store->GetAccessKey("LTAI-1")->secret, "secret-1");

  ASSERT_TRUE(store->SetAccessKeyStatus("LTAI-1", AccessKeyStatus::kDisabled).ok());
  EXPECT_EQ(store->GetAccessKey("LTAI-1")->status, AccessKeyStatus::kDisabled);
  ASSERT_TRUE(store->SetAccessKeyStatus("LTAI-1", AccessKeyStatus::kEnabled).ok());
  EXPECT_EQ(store->GetAccessKey("LTAI-1")->status, AccessKeyStatus::kEnabled);

  // PutAccessKey replaces (the root key given by environment) and creates.
  ASSERT_TRUE(store->PutAccessKey({"LTAI-1", "rotated", "u-2", AccessKeyStatus::kDisabled,
                                   kT0 + milliseconds(9)})
                  .ok());
  got = store->GetAccessKey("LTAI-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, "rotated");
  EXPECT_EQ(got->user_id, "u-2");
  EXPECT_EQ(got->status, AccessKeyStatus::kDisabled);
  EXPECT_EQ(got->created, kT0 + milliseconds(9));
  ASSERT_TRUE(store->PutAccessKey({"LTAI-2", "s2", "u-1", AccessKeyStatus::kEnabled, kT0}).ok());
  EXPECT_TRUE(store->GetAccessKey("LTAI-2").ok());

  ASSERT_TRUE(store->DeleteAccessKey("LTAI-1").ok());
  EXPECT_EQ(store->GetAccessKey("LTAI-1").error().code(), ErrorCode::kNotFound);
  Status deleted_again = store->DeleteAccessKey("LTAI-1");
  ASSERT_FALSE(deleted_again.ok());
  EXPECT_EQ(deleted_again.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store->GetAccessKey("LTAI-2").ok());
}

TEST_F(SqliteStoreTest, AccessKeyOfUnknownUserIsRejectedByTheForeignKey) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Status s = store->CreateAccessKey({"LTAI-1", "s", "nobody", AccessKeyStatus::kEnabled, kT0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(s.error().message(), "step: FOREIGN KEY constraint failed");
  EXPECT_EQ(store->GetAccessKey("LTAI-1").error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, MetaGetAndUpsert) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  auto absent = store->GetMeta("nonce_heartbeat");
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent.value(), std::nullopt);

  ASSERT_TRUE(store->PutMeta("nonce_heartbeat", "1").ok());
  ASSERT_TRUE(store->PutMeta("other", "").ok());
  EXPECT_EQ(store->GetMeta("nonce_heartbeat").value(), std::optional<std::string>("1"));
  ASSERT_TRUE(store->PutMeta("nonce_heartbeat", "2").ok());
  EXPECT_EQ(store->GetMeta("nonce_heartbeat").value(), std::optional<std::string>("2"));
  EXPECT_EQ(store->GetMeta("other").value(), std::optional<std::string>(""));
}

TEST_F(SqliteStoreTest, SecondStoreOnTheSameFileWritesWhileTheFirstIsOpen) {
  auto server = OpenOrDie();
  ASSERT_NE(server, nullptr);
  CreateOrDie(*server, MakeProject("from_server"));  // 10000
  ASSERT_TRUE(server->PutUser({"u-1", "alice", false, kT0}).ok());

  // The offline admin command opens the same file while the server runs.
  auto admin = OpenOrDie();
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->schema_version(), kLatestVersion);
  Project from_admin = CreateOrDie(*admin, MakeProject("from_admin"));
  EXPECT_EQ(from_admin.id.value(), 10001);
  ASSERT_TRUE(admin->CreateAccessKey({"LTAI-A", "s", "u-1", AccessKeyStatus::kEnabled, kT0}).ok());

  // The server sees the admin's committed writes and allocates past them.
  auto seen = server->GetProjectByIdentifier("from_admin");
  ASSERT_TRUE(seen.ok()) << seen.error().message();
  EXPECT_EQ(seen->id.value(), 10001);
  EXPECT_TRUE(server->GetAccessKey("LTAI-A").ok());
  Project next = CreateOrDie(*server, MakeProject("after_admin"));
  EXPECT_EQ(next.id.value(), 10002);

  ASSERT_TRUE(server->SetAccessKeyStatus("LTAI-A", AccessKeyStatus::kDisabled).ok());
  EXPECT_EQ(admin->GetAccessKey("LTAI-A")->status, AccessKeyStatus::kDisabled);
}

// ---- sealed secrets ----

TEST_F(SqliteStoreTest, AccessKeySecretsAreStoredSealed) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(
      store->CreateAccessKey({"LTAI-1", "created-plain-7Qx", "u-1", AccessKeyStatus::kEnabled, kT0})
          .ok());
  ASSERT_TRUE(
      store->PutAccessKey({"LTAI-2", "put-plain-9Zr", "u-1", AccessKeyStatus::kEnabled, kT0}).ok());
  ASSERT_TRUE(
      store->PutAccessKey({"LTAI-3", "before-rotation", "u-1", AccessKeyStatus::kEnabled, kT0})
          .ok());
  ASSERT_TRUE(
      store->PutAccessKey({"LTAI-3", "rotated-plain-3Kd", "u-1", AccessKeyStatus::kEnabled, kT0})
          .ok());
  struct Case {
    std::string id;
    std::string secret;
  };
  const std::vector<Case> cases = {
      {"LTAI-1", "created-plain-7Qx"},
      {"LTAI-2", "put-plain-9Zr"},
      {"LTAI-3", "rotated-plain-3Kd"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    const std::string raw = RawSecret(c.id);
    EXPECT_EQ(raw.rfind("sealed:v1:", 0), 0u) << raw;
    EXPECT_EQ(raw.find(c.secret), std::string::npos) << raw;
    auto key = store->GetAccessKey(c.id);
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key->secret, c.secret);
  }
}

TEST_F(SqliteStoreTest, NoStoreFileHoldsAPlaintextSecret) {
  const std::string secret = "whole-file-scan-secret-Vb81";
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(
      store->CreateAccessKey({"LTAI-1", secret, "u-1", AccessKeyStatus::kEnabled, kT0}).ok());
  ASSERT_TRUE(store->SetAccessKeyStatus("LTAI-1", AccessKeyStatus::kDisabled).ok());
  EXPECT_EQ(FilesContaining(db_path_, secret), std::vector<std::string>{});

  // Moves the committed pages from the WAL into the database file, the store
  // still open.
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA wal_checkpoint(FULL)"), "0");
  EXPECT_EQ(FilesContaining(db_path_, secret), std::vector<std::string>{});
  // The scan does see what the file holds: the sealed text.
  const std::string sealed = RawSecret("LTAI-1");
  ASSERT_FALSE(sealed.empty());
  EXPECT_THAT(FilesContaining(db_path_, sealed), testing::Contains("disync.db"));
  EXPECT_EQ(store->GetAccessKey("LTAI-1")->secret, secret);
}

TEST_F(SqliteStoreTest, AnotherMasterKeyCannotOpenSecrets) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
    ASSERT_TRUE(store->CreateAccessKey({"LTAI-1", "s3cret", "u-1", AccessKeyStatus::kEnabled, kT0})
                    .ok());
  }
  const std::string sealed = RawSecret("LTAI-1");
  {
    const iam::SecretBox other(kOtherKey);
    auto store = OpenOrDie(other);
    ASSERT_NE(store, nullptr);
    auto key = store->GetAccessKey("LTAI-1");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), ErrorCode::kCorruption);
    EXPECT_EQ(key.error().message(), std::string("access key LTAI-1: ") + kCannotOpen);
    // Only the secret is out of reach; the rest of the store reads.
    EXPECT_TRUE(store->GetUser("u-1").ok());
  }
  // Opening with the wrong key re-sealed nothing.
  EXPECT_EQ(RawSecret("LTAI-1"), sealed);
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  auto key = store->GetAccessKey("LTAI-1");
  ASSERT_TRUE(key.ok()) << key.error().message();
  EXPECT_EQ(key->secret, "s3cret");
}

TEST_F(SqliteStoreTest, SecretThatCannotBeOpenedIsCorruption) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(
      store->CreateAccessKey({"LTAI-1", "s3cret", "u-1", AccessKeyStatus::kEnabled, kT0}).ok());
  const std::string sealed = RawSecret("LTAI-1");
  ASSERT_GT(sealed.size(), 30u);
  std::string altered = sealed;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  struct Case {
    std::string name;
    std::string stored;  // base64 and plain letters only: safe inside a SQL literal
  };
  const std::vector<Case> cases = {
      {"plaintext written behind the store", "s3cret"},
      {"altered ciphertext", altered},
      {"truncated", sealed.substr(0, sealed.size() - 4)},
      {"not base64", "sealed:v1:!!!!"},
      {"nothing sealed", "sealed:v1:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ExecRaw(db_path_, "UPDATE access_keys SET secret = '" + c.stored + "' WHERE id = 'LTAI-1'");
    auto key = store->GetAccessKey("LTAI-1");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().code(), ErrorCode::kCorruption);
    EXPECT_EQ(key.error().message(), std::string("access key LTAI-1: ") + kCannotOpen);
  }
}

TEST_F(SqliteStoreTest, PlaintextSecretsOfAnOlderStoreAreResealedAtOpen) {
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  }
  // What a binary from before sealing left: plaintext rows, a rotated-away
  // secret in the free space of a page and secrets in pages it freed
  // (secure_delete off, as other builds of SQLite have it).
  ExecRaw(db_path_,
          "PRAGMA secure_delete=OFF;"
          "INSERT INTO access_keys (id, secret, user_id, status, created_ms) VALUES "
          "('LTAI-OLD1', 'legacy-plain-one-5Wm', 'u-1', 1, 0), "
          "('LTAI-OLD2', 'legacy-rotated-away-8Jp', 'u-1', 0, 0), "
          "('LTAI-OLD3', 'legacy-plain-three-4Rt', 'u-1', 1, 0);"
          "UPDATE access_keys SET secret = 'legacy-plain-two-after-rotation-2Ht' "
          "WHERE id = 'LTAI-OLD2';"
          "CREATE TABLE scratch (v TEXT);"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
          "INSERT INTO scratch SELECT 'legacy-freed-page-6Cq' || i FROM n;"
          "DROP TABLE scratch;");
  const std::vector<std::string> legacy = {"legacy-plain-one-5Wm", "legacy-rotated-away-8Jp",
                                           "legacy-plain-three-4Rt",
                                           "legacy-plain-two-after-rotation-2Ht",
                                           "legacy-freed-page-6Cq"};
  for (const std::string& secret : legacy) {
    ASSERT_EQ(FilesContaining(db_path_, secret), std::vector<std::string>{"disync.db"}) << secret;
  }

  std::string sealed_one;
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    for (auto [id, secret] : {std::pair{"LTAI-OLD1", "legacy-plain-one-5Wm"},
                              std::pair{"LTAI-OLD2", "legacy-plain-two-after-rotation-2Ht"},
                              std::pair{"LTAI-OLD3", "legacy-plain-three-4Rt"}}) {
      SCOPED_TRACE(id);
      EXPECT_EQ(RawSecret(id).rfind("sealed:v1:", 0), 0u) << RawSecret(id);
      auto key = store->GetAccessKey(id);
      ASSERT_TRUE(key.ok()) << key.error().message();
      EXPECT_EQ(key->secret, secret);
    }
    sealed_one = RawSecret("LTAI-OLD1");
    for (const std::string& secret : legacy) {
      SCOPED_TRACE(secret);
      EXPECT_EQ(FilesContaining(db_path_, secret), std::vector<std::string>{});
    }
  }
  // Sealed once: the next Open leaves the value alone.
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawSecret("LTAI-OLD1"), sealed_one);
}

TEST_F(SqliteStoreTest, NewerSchemaIsCorruption) {
  ASSERT_NE(OpenOrDie(), nullptr);
  ExecRaw(db_path_,
          "INSERT INTO schema_version (version, name, applied_ms) VALUES (99, 'future', 0)");
  auto store = TryOpen();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(store.error().message(), "store schema version 99 is newer than this binary (" +
                                         std::to_string(kLatestVersion) + ")");
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsCorruption) {
  {
    std::ofstream out(db_path_, std::ios::binary);
    out << std::string(4096, 'x');
  }
  auto store = TryOpen();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kCorruption);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsInternal) {
  auto store = SqliteStore::Open((dir_ / "absent" / "disync.db").string(), clock_, sealer_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace disync::store
