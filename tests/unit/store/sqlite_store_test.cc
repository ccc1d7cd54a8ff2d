#include "store/sqlite/sqlite_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/time_format.h"
#include "iam/secret_box.h"
#include "store/migrations.h"
#include "support/temp_dir.h"

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

// The key alone, from the read that every signed request makes.
Result<AccessKey> KeyOf(SqliteStore& store, const std::string& id) {
  DISYNC_ASSIGN_OR_RETURN(AccessKeyAndOwner found, store.GetAccessKeyAndOwner(id));
  return std::move(found.key);
}

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
    dir_ = test_support::FreshTestDir("disync_store_test");
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
constexpr int kLatestVersion = 5;
// The size of the pieces a TaskContent is stored in (sqlite_processes.cc).
constexpr size_t kPieceBytes = 256 * 1024;
constexpr const char* kAppliedVersions =
    "1:init,2:objects,3:processes_tasks,4:process_texts,5:process_content_chunks";

TEST_F(SqliteStoreTest, OpenMigratesANewFile) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), kLatestVersion);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT group_concat(version || ':' || name) FROM schema_version"),
            kAppliedVersions);
  // WAL is a property of the file: what lets the admin command write beside us.
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA journal_mode"), "wal");
  // So is the page size: 16 KB, for the large TaskContents it stores.
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA page_size"), "16384");
}

TEST_F(SqliteStoreTest, AFileCreatedWithSmallerPagesKeepsThemAndItsData) {
  // A store created before new files got 16 KB pages.
  ExecRaw(db_path_, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL");
  {
    auto store = OpenOrDie();
    ASSERT_NE(store, nullptr);
    CreateOrDie(*store, MakeProject("small_pages", 10001));
  }
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA page_size"), "4096");
  auto reopened = OpenOrDie();
  ASSERT_NE(reopened, nullptr);
  auto project = reopened->GetProject(ProjectId(10001));
  ASSERT_TRUE(project.ok()) << project.error().message();
  EXPECT_EQ(project->identifier, "small_pages");
  EXPECT_EQ(QueryRaw(db_path_, "PRAGMA page_size"), "4096");
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

  auto got_key = KeyOf(*store, "LTAI-1");
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
      {"GetAccessKeyAndOwner", [&] { return error_of(store->GetAccessKeyAndOwner("LTAI-x")); },
       "access key LTAI-x not found"},
      {"SetAccessKeyStatus",
       [&] { return error_of(store->SetAccessKeyStatus("LTAI-x", AccessKeyStatus::kDisabled)); },
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

// What the authorizer reads: the workspace's mode, status and development
// switch with the user's sorted roles; a non-member has none; an unknown
// workspace is kNotFound.
TEST_F(SqliteStoreTest, WorkspaceAccessIsTheWorkspaceStateAndTheUsersRoles) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  NewProject p;
  p.identifier = "ws_access";
  p.mode = 3;
  p.disable_development = true;
  auto project = store->CreateProject(p);
  ASSERT_TRUE(project.ok()) << project.error().message();
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->AddMemberRole(project->id, "u-1", "role_project_guest").ok());
  ASSERT_TRUE(store->AddMemberRole(project->id, "u-1", "role_project_dev").ok());

  auto access = store->GetWorkspaceAccess(project->id, "u-1");
  ASSERT_TRUE(access.ok()) << access.error().message();
  EXPECT_EQ(access->mode, 3);
  EXPECT_EQ(access->status, project->status);
  EXPECT_TRUE(access->disable_development);
  EXPECT_EQ(access->roles, (std::vector<std::string>{"role_project_dev", "role_project_guest"}));

  auto stranger = store->GetWorkspaceAccess(project->id, "u-2");
  ASSERT_TRUE(stranger.ok());
  EXPECT_TRUE(stranger->roles.empty());
  EXPECT_EQ(stranger->mode, 3);

  EXPECT_EQ(store->GetWorkspaceAccess(ProjectId(99999), "u-1").error().code(),
            ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, AccessKeyLifecycle) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->PutUser({"u-2", "bob", false, kT0}).ok());
  const AccessKey key{"LTAI-1", "secret-1", "u-1", AccessKeyStatus::kEnabled, kT0};

  ASSERT_TRUE(store->CreateAccessKey(key).ok());
  auto got = KeyOf(*store, "LTAI-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, "secret-1");
  EXPECT_EQ(got->status, AccessKeyStatus::kEnabled);

  Status again = store->CreateAccessKey({"LTAI-1", "other", "u-2", AccessKeyStatus::kEnabled, kT0});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "access key LTAI-1 already exists");
  EXPECT_EQ(KeyOf(*store, "LTAI-1")->secret, "secret-1");

  ASSERT_TRUE(store->SetAccessKeyStatus("LTAI-1", AccessKeyStatus::kDisabled).ok());
  EXPECT_EQ(KeyOf(*store, "LTAI-1")->status, AccessKeyStatus::kDisabled);
  ASSERT_TRUE(store->SetAccessKeyStatus("LTAI-1", AccessKeyStatus::kEnabled).ok());
  EXPECT_EQ(KeyOf(*store, "LTAI-1")->status, AccessKeyStatus::kEnabled);

  // PutAccessKey replaces (the root key given by environment) and creates.
  ASSERT_TRUE(store->PutAccessKey({"LTAI-1", "rotated", "u-2", AccessKeyStatus::kDisabled,
                                   kT0 + milliseconds(9)})
                  .ok());
  got = KeyOf(*store, "LTAI-1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secret, "rotated");
  EXPECT_EQ(got->user_id, "u-2");
  EXPECT_EQ(got->status, AccessKeyStatus::kDisabled);
  EXPECT_EQ(got->created, kT0 + milliseconds(9));
  ASSERT_TRUE(store->PutAccessKey({"LTAI-2", "s2", "u-1", AccessKeyStatus::kEnabled, kT0}).ok());
  EXPECT_TRUE(KeyOf(*store, "LTAI-2").ok());

  // The key with its owner, in one read, follows every change of either.
  auto both = store->GetAccessKeyAndOwner("LTAI-1");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->key.secret, "rotated");
  EXPECT_EQ(both->key.status, AccessKeyStatus::kDisabled);
  EXPECT_EQ(both->key.created, kT0 + milliseconds(9));
  EXPECT_EQ(both->owner.id, "u-2");
  EXPECT_EQ(both->owner.name, "bob");
  EXPECT_FALSE(both->owner.superuser);
  ASSERT_TRUE(store->PutUser({"u-2", "bob", true, kT0}).ok());
  EXPECT_TRUE(store->GetAccessKeyAndOwner("LTAI-1")->owner.superuser);
  EXPECT_EQ(store->GetAccessKeyAndOwner("LTAI-2")->owner.name, "alice");

  ASSERT_TRUE(store->DeleteAccessKey("LTAI-1").ok());
  EXPECT_EQ(KeyOf(*store, "LTAI-1").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetAccessKeyAndOwner("LTAI-1").error().code(), ErrorCode::kNotFound);
  Status deleted_again = store->DeleteAccessKey("LTAI-1");
  ASSERT_FALSE(deleted_again.ok());
  EXPECT_EQ(deleted_again.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(KeyOf(*store, "LTAI-2").ok());
}

TEST_F(SqliteStoreTest, AccessKeyOfUnknownUserIsRejectedByTheForeignKey) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Status s = store->CreateAccessKey({"LTAI-1", "s", "nobody", AccessKeyStatus::kEnabled, kT0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(s.error().message(), "step: FOREIGN KEY constraint failed");
  EXPECT_EQ(KeyOf(*store, "LTAI-1").error().code(), ErrorCode::kNotFound);
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
  EXPECT_TRUE(KeyOf(*server, "LTAI-A").ok());
  Project next = CreateOrDie(*server, MakeProject("after_admin"));
  EXPECT_EQ(next.id.value(), 10002);

  ASSERT_TRUE(server->SetAccessKeyStatus("LTAI-A", AccessKeyStatus::kDisabled).ok());
  EXPECT_EQ(KeyOf(*admin, "LTAI-A")->status, AccessKeyStatus::kDisabled);
}

// ---- workspace members ----

TEST_F(SqliteStoreTest, AddMemberMakesAMemberWithoutRoles) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());

  clock_.Set(kT0 + milliseconds(7));
  ASSERT_TRUE(store->AddMember(project.id, "u-1").ok());
  auto member = store->GetMember(project.id, "u-1");
  ASSERT_TRUE(member.ok()) << member.error().message();
  EXPECT_EQ(member->user_id, "u-1");
  EXPECT_EQ(member->user_name, "alice");
  EXPECT_TRUE(member->roles.empty());
  EXPECT_EQ(member->joined, kT0 + milliseconds(7));

  struct Case {
    std::string name;
    ProjectId project;
    std::string user;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {"a member already", project.id, "u-1", ErrorCode::kAlreadyExists},
      {"unknown user", project.id, "nobody", ErrorCode::kNotFound},
      {"unknown workspace", ProjectId(99999), "u-1", ErrorCode::kNotFound},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = store->AddMember(c.project, c.user);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code(), c.code);
  }
  // The failed second join kept the first join time.
  EXPECT_EQ(store->GetMember(project.id, "u-1")->joined, kT0 + milliseconds(7));
}

TEST_F(SqliteStoreTest, RolesComeAndGoWhileTheMemberStays) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());

  // Granting a role to a non-member makes it a member, joined now.
  clock_.Set(kT0 + milliseconds(1));
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-1", "role_project_pe").ok());
  clock_.Set(kT0 + milliseconds(2));
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-1", "role_project_admin").ok());
  auto member = store->GetMember(project.id, "u-1");
  ASSERT_TRUE(member.ok()) << member.error().message();
  EXPECT_EQ(member->roles, (std::vector<std::string>{"role_project_admin", "role_project_pe"}));
  EXPECT_EQ(member->joined, kT0 + milliseconds(1));

  ASSERT_TRUE(store->RemoveMemberRole(project.id, "u-1", "role_project_pe").ok());
  ASSERT_TRUE(store->RemoveMemberRole(project.id, "u-1", "role_project_guest").ok());  // no-op
  EXPECT_EQ(store->GetMemberRoles(project.id, "u-1").value(),
            std::vector<std::string>{"role_project_admin"});
  // Revoking the last role leaves a member without roles.
  ASSERT_TRUE(store->RemoveMemberRole(project.id, "u-1", "role_project_admin").ok());
  member = store->GetMember(project.id, "u-1");
  ASSERT_TRUE(member.ok()) << member.error().message();
  EXPECT_TRUE(member->roles.empty());
  EXPECT_EQ(member->joined, kT0 + milliseconds(1));
}

TEST_F(SqliteStoreTest, RemoveMemberTakesItsRolesAlong) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  Project other = CreateOrDie(*store, MakeProject("other"));
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-1", "role_project_dev").ok());
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-1", "role_project_guest").ok());
  ASSERT_TRUE(store->AddMemberRole(other.id, "u-1", "role_project_dev").ok());

  ASSERT_TRUE(store->RemoveMember(project.id, "u-1").ok());
  EXPECT_EQ(store->GetMember(project.id, "u-1").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store->GetMemberRoles(project.id, "u-1").value().empty());
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM project_members WHERE project_id = " +
                                   std::to_string(project.id.value())),
            "0");
  // Membership elsewhere is untouched.
  EXPECT_EQ(store->GetMemberRoles(other.id, "u-1").value(),
            std::vector<std::string>{"role_project_dev"});

  Status again = store->RemoveMember(project.id, "u-1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  // Joining again starts afresh, without the old roles.
  ASSERT_TRUE(store->AddMember(project.id, "u-1").ok());
  EXPECT_TRUE(store->GetMember(project.id, "u-1")->roles.empty());
}

TEST_F(SqliteStoreTest, ListMembersPagesByJoinTimeThenUserId) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  Project other = CreateOrDie(*store, MakeProject("other"));
  for (const char* id : {"u-a", "u-b", "u-c", "u-d", "u-e"}) {
    ASSERT_TRUE(store->PutUser({id, std::string("name of ") + id, false, kT0}).ok());
  }
  // Join order: u-d, then u-b and u-a at the same time, then u-e, then u-c.
  clock_.Set(kT0 + milliseconds(1));
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-d", "role_project_owner").ok());
  clock_.Set(kT0 + milliseconds(2));
  ASSERT_TRUE(store->AddMember(project.id, "u-b").ok());
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-a", "role_project_guest").ok());
  clock_.Set(kT0 + milliseconds(3));
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-e", "role_project_dev").ok());
  ASSERT_TRUE(store->AddMemberRole(project.id, "u-e", "role_project_pe").ok());
  clock_.Set(kT0 + milliseconds(4));
  ASSERT_TRUE(store->AddMember(project.id, "u-c").ok());
  ASSERT_TRUE(store->AddMember(other.id, "u-a").ok());

  struct Case {
    int32_t page_number;
    int32_t page_size;
    std::vector<std::string> users;
  };
  const std::vector<Case> cases = {
      {1, 10, {"u-d", "u-a", "u-b", "u-e", "u-c"}},
      {1, 2, {"u-d", "u-a"}},
      {2, 2, {"u-b", "u-e"}},
      {3, 2, {"u-c"}},
      {4, 2, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "page " << c.page_number << " size " << c.page_size);
    auto page = store->ListMembers(project.id, c.page_number, c.page_size);
    ASSERT_TRUE(page.ok()) << page.error().message();
    std::vector<std::string> users;
    for (const Member& m : page->members) users.push_back(m.user_id);
    EXPECT_EQ(users, c.users);
    EXPECT_EQ(page->total_count, 5);
  }

  // Each listed member carries its name, roles and join time.
  auto all = store->ListMembers(project.id, 1, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->members.size(), 5u);
  const Member& e = all->members[3];
  EXPECT_EQ(e.user_name, "name of u-e");
  EXPECT_EQ(e.roles, (std::vector<std::string>{"role_project_dev", "role_project_pe"}));
  EXPECT_EQ(e.joined, kT0 + milliseconds(3));
  EXPECT_TRUE(all->members[2].roles.empty());  // u-b holds none

  auto elsewhere = store->ListMembers(other.id, 1, 10);
  ASSERT_TRUE(elsewhere.ok());
  ASSERT_EQ(elsewhere->members.size(), 1u);
  EXPECT_EQ(elsewhere->members[0].user_id, "u-a");
  EXPECT_EQ(elsewhere->total_count, 1);
  auto unknown = store->ListMembers(ProjectId(99999), 1, 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->members.empty());
  EXPECT_EQ(unknown->total_count, 0);

  for (auto [number, size] : {std::pair{0, 10}, std::pair{1, 0}, std::pair{-1, -1}}) {
    SCOPED_TRACE(testing::Message() << "page " << number << " size " << size);
    auto bad = store->ListMembers(project.id, number, size);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(SqliteStoreTest, ListMemberProjectsNamesTheLiveWorkspacesOfAMember) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project a = CreateOrDie(*store, MakeProject("a"));        // 10000
  Project b = CreateOrDie(*store, MakeProject("b"));        // 10001
  Project c = CreateOrDie(*store, MakeProject("c"));        // 10002
  Project gone = CreateOrDie(*store, MakeProject("gone"));  // 10003
  ASSERT_TRUE(store->PutUser({"u-1", "alice", false, kT0}).ok());
  ASSERT_TRUE(store->PutUser({"u-2", "bob", false, kT0}).ok());
  // Joined out of id order; one membership without roles.
  ASSERT_TRUE(store->AddMemberRole(c.id, "u-1", "role_project_dev").ok());
  ASSERT_TRUE(store->AddMember(a.id, "u-1").ok());
  ASSERT_TRUE(store->AddMemberRole(gone.id, "u-1", "role_project_dev").ok());
  ASSERT_TRUE(store->AddMemberRole(b.id, "u-2", "role_project_dev").ok());
  ExecRaw(db_path_, "UPDATE projects SET status = 1 WHERE identifier = 'gone'");

  auto ids = [&](const std::string& user) {
    std::vector<int64_t> out;
    auto projects = store->ListMemberProjects(user);
    EXPECT_TRUE(projects.ok());
    if (projects.ok()) {
      for (ProjectId id : *projects) out.push_back(id.value());
    }
    return out;
  };
  EXPECT_EQ(ids("u-1"), (std::vector<int64_t>{a.id.value(), c.id.value()}));
  EXPECT_EQ(ids("u-2"), std::vector<int64_t>{b.id.value()});
  EXPECT_EQ(ids("nobody"), std::vector<int64_t>{});

  ASSERT_TRUE(store->RemoveMember(c.id, "u-1").ok());
  EXPECT_EQ(ids("u-1"), std::vector<int64_t>{a.id.value()});
}

// ---- resource groups ----

TEST_F(SqliteStoreTest, ResourceGroupsAreCreatedOnceAndFoundByIdentifier) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  auto first = store->CreateResourceGroup({0, "S_res_group_one", "First group", kT0});
  ASSERT_TRUE(first.ok()) << first.error().message();
  auto second = store->CreateResourceGroup({0, "S_res_group_two", "Second", kT0 + milliseconds(1)});
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_GT(first->id, 0);
  EXPECT_GT(second->id, first->id);
  EXPECT_EQ(second->identifier, "S_res_group_two");
  EXPECT_EQ(second->name, "Second");
  EXPECT_EQ(second->created, kT0 + milliseconds(1));

  auto taken = store->CreateResourceGroup({0, "S_res_group_one", "again", kT0});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), ErrorCode::kAlreadyExists);

  auto got = store->GetResourceGroup("S_res_group_one");
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->id, first->id);
  EXPECT_EQ(got->name, "First group");  // not replaced by the refused duplicate
  EXPECT_EQ(got->created, kT0);
  EXPECT_EQ(store->GetResourceGroup("S_res_group_none").error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, ListResourceGroupsFiltersByKeywordInIdentifierOrName) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CreateResourceGroup({0, "S_res_group_alpha", "Shanghai", kT0}).ok());
  ASSERT_TRUE(store->CreateResourceGroup({0, "S_res_group_beta", "Beijing", kT0}).ok());
  ASSERT_TRUE(store->CreateResourceGroup({0, "custom_gamma", "alpha backup", kT0}).ok());

  struct Case {
    std::string keyword;
    std::vector<std::string> identifiers;
  };
  const std::vector<Case> cases = {
      {"", {"S_res_group_alpha", "S_res_group_beta", "custom_gamma"}},
      {"S_res_group", {"S_res_group_alpha", "S_res_group_beta"}},
      {"alpha", {"S_res_group_alpha", "custom_gamma"}},  // identifier, then name
      {"Beijing", {"S_res_group_beta"}},
      {"jing", {"S_res_group_beta"}},
      {"delta", {}},
      {"%", {}},  // a literal character, not a pattern
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("keyword '" + c.keyword + "'");
    auto groups = store->ListResourceGroups(c.keyword);
    ASSERT_TRUE(groups.ok()) << groups.error().message();
    std::vector<std::string> identifiers;
    for (const ResourceGroup& g : *groups) identifiers.push_back(g.identifier);
    EXPECT_EQ(identifiers, c.identifiers);
  }
}

// ---- data sources ----

DataSource MakeDataSource(ProjectId project, std::string name, std::string type = "mysql",
                          int32_t env_type = 1) {
  DataSource ds;
  ds.project = project;
  ds.name = std::move(name);
  ds.type = std::move(type);
  ds.env_type = env_type;
  ds.content = R"({"jdbcUrl":"jdbc:mysql://db:3306/app","username":"app","password":"pw"})";
  ds.description = "about " + ds.name;
  ds.operator_user_id = "u-1";
  ds.created = kT0;
  ds.modified = kT0;
  return ds;
}

std::vector<std::string> NamesOf(const DataSourcePage& page) {
  std::vector<std::string> names;
  for (const DataSource& ds : page.data_sources) names.push_back(ds.name);
  return names;
}

TEST_F(SqliteStoreTest, CreateDataSourceAllocatesIdsAndReturnsWhatGetReturns) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  DataSource wanted = MakeDataSource(project.id, "orders");
  wanted.sub_type = "mysql";
  wanted.type = "rds";
  wanted.status = 2;
  wanted.created = kT0 - milliseconds(3);
  wanted.modified = kT0 + milliseconds(4);

  auto created = store->CreateDataSource(wanted);
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_GT(created->id.value(), 0);
  auto next = store->CreateDataSource(MakeDataSource(project.id, "users"));
  ASSERT_TRUE(next.ok()) << next.error().message();
  EXPECT_GT(next->id.value(), created->id.value());

  auto got = store->GetDataSource(created->id);
  ASSERT_TRUE(got.ok()) << got.error().message();
  for (const DataSource* ds : {&created.value(), &got.value()}) {
    EXPECT_EQ(ds->id, created->id);
    EXPECT_EQ(ds->project, project.id);
    EXPECT_EQ(ds->name, "orders");
    EXPECT_EQ(ds->type, "rds");
    EXPECT_EQ(ds->sub_type, "mysql");
    EXPECT_EQ(ds->env_type, 1);
    EXPECT_EQ(ds->content, wanted.content);
    EXPECT_EQ(ds->description, "about orders");
    EXPECT_EQ(ds->status, 2);
    EXPECT_EQ(ds->operator_user_id, "u-1");
    EXPECT_EQ(ds->created, kT0 - milliseconds(3));
    EXPECT_EQ(ds->modified, kT0 + milliseconds(4));
  }

  auto by_name = store->GetDataSourceByName(project.id, 1, "orders");
  ASSERT_TRUE(by_name.ok()) << by_name.error().message();
  EXPECT_EQ(by_name->id, created->id);
  EXPECT_EQ(by_name->content, wanted.content);

  struct Absent {
    std::string name;
    std::function<ErrorCode()> lookup;
  };
  const std::vector<Absent> absent = {
      {"unknown id", [&] { return store->GetDataSource(DataSourceId(99999)).error().code(); }},
      {"other env",
       [&] { return store->GetDataSourceByName(project.id, 0, "orders").error().code(); }},
      {"other workspace",
       [&] { return store->GetDataSourceByName(ProjectId(99999), 1, "orders").error().code(); }},
      {"unknown name",
       [&] { return store->GetDataSourceByName(project.id, 1, "order").error().code(); }},
  };
  for (const Absent& a : absent) {
    SCOPED_TRACE(a.name);
    EXPECT_EQ(a.lookup(), ErrorCode::kNotFound);
  }
}

TEST_F(SqliteStoreTest, DataSourceNamesAreUniquePerWorkspaceAndEnvironment) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  Project other = CreateOrDie(*store, MakeProject("other"));
  ASSERT_TRUE(store->CreateDataSource(MakeDataSource(project.id, "orders", "mysql", 1)).ok());

  struct Case {
    std::string name;
    DataSource ds;
    bool created;
  };
  const std::vector<Case> cases = {
      {"same name, other env", MakeDataSource(project.id, "orders", "mysql", 0), true},
      {"same name, other workspace", MakeDataSource(other.id, "orders", "mysql", 1), true},
      {"same name and env, other type", MakeDataSource(project.id, "orders", "postgresql", 1),
       false},
      {"same name in the development env again", MakeDataSource(project.id, "orders", "mysql", 0),
       false},
      {"other name", MakeDataSource(project.id, "orders_2", "mysql", 1), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = store->CreateDataSource(c.ds);
    if (c.created) {
      EXPECT_TRUE(r.ok()) << r.error().message();
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code(), ErrorCode::kAlreadyExists);
    }
  }
  EXPECT_EQ(store->GetDataSourceByName(project.id, 1, "orders")->type, "mysql");
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM data_sources"), "4");
}

TEST_F(SqliteStoreTest, ListDataSourcesFiltersPagesAndCounts) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  Project other = CreateOrDie(*store, MakeProject("other"));
  auto add = [&](std::string name, std::string type, std::string sub_type, int32_t env,
                 int32_t status) {
    DataSource ds = MakeDataSource(project.id, std::move(name), std::move(type), env);
    ds.sub_type = std::move(sub_type);
    ds.status = status;
    auto r = store->CreateDataSource(ds);
    ASSERT_TRUE(r.ok()) << r.error().message();
  };
  add("orders_prod", "mysql", "", 1, 1);
  add("orders_dev", "mysql", "", 0, 1);
  add("users_rds", "rds", "mysql", 1, 1);
  add("audit_rds", "rds", "sqlserver", 1, 2);
  add("events", "kafka", "", 1, 2);
  add("ORDERS_upper", "postgresql", "", 0, 1);
  ASSERT_TRUE(store->CreateDataSource(MakeDataSource(other.id, "orders_elsewhere")).ok());

  struct Case {
    std::string name;
    std::function<void(ListDataSourcesQuery&)> set;
    std::vector<std::string> names;
  };
  const std::vector<Case> cases = {
      {"no filter: the workspace's data sources by id", [](ListDataSourcesQuery&) {},
       {"orders_prod", "orders_dev", "users_rds", "audit_rds", "events", "ORDERS_upper"}},
      // A substring, case-sensitive ("a substring of the name").
      {"name substring", [](ListDataSourcesQuery& q) { q.name = "orders"; },
       {"orders_prod", "orders_dev"}},
      {"name substring in the middle", [](ListDataSourcesQuery& q) { q.name = "_rd"; },
       {"users_rds", "audit_rds"}},
      {"type", [](ListDataSourcesQuery& q) { q.type = "rds"; }, {"users_rds", "audit_rds"}},
      {"sub_type", [](ListDataSourcesQuery& q) { q.sub_type = "sqlserver"; }, {"audit_rds"}},
      {"env development", [](ListDataSourcesQuery& q) { q.env_type = 0; },
       {"orders_dev", "ORDERS_upper"}},
      {"env production", [](ListDataSourcesQuery& q) { q.env_type = 1; },
       {"orders_prod", "users_rds", "audit_rds", "events"}},
      {"status disabled", [](ListDataSourcesQuery& q) { q.status = 2; }, {"audit_rds", "events"}},
      {"status enabled", [](ListDataSourcesQuery& q) { q.status = 1; },
       {"orders_prod", "orders_dev", "users_rds", "ORDERS_upper"}},
      {"every filter",
       [](ListDataSourcesQuery& q) {
         q.name = "rds";
         q.type = "rds";
         q.sub_type = "mysql";
         q.env_type = 1;
         q.status = 1;
       },
       {"users_rds"}},
      {"no match", [](ListDataSourcesQuery& q) { q.type = "odps"; }, {}},
      {"name is not a pattern", [](ListDataSourcesQuery& q) { q.name = "%"; }, {}},
      {"other workspace", [&](ListDataSourcesQuery& q) { q.project = other.id; },
       {"orders_elsewhere"}},
      {"unknown workspace", [](ListDataSourcesQuery& q) { q.project = ProjectId(99999); }, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ListDataSourcesQuery q;
    q.project = project.id;
    q.page_size = 100;
    c.set(q);
    auto page = store->ListDataSources(q);
    ASSERT_TRUE(page.ok()) << page.error().message();
    EXPECT_EQ(NamesOf(*page), c.names);
    EXPECT_EQ(page->total_count, static_cast<int64_t>(c.names.size()));
  }

  struct PageCase {
    int32_t page_number;
    int32_t page_size;
    std::vector<std::string> names;
  };
  const std::vector<PageCase> pages = {
      {1, 4, {"orders_prod", "orders_dev", "users_rds", "audit_rds"}},
      {2, 4, {"events", "ORDERS_upper"}},
      {3, 4, {}},
      {2, 1, {"orders_dev"}},
  };
  for (const PageCase& c : pages) {
    SCOPED_TRACE(testing::Message() << "page " << c.page_number << " size " << c.page_size);
    ListDataSourcesQuery q;
    q.project = project.id;
    q.page_number = c.page_number;
    q.page_size = c.page_size;
    auto page = store->ListDataSources(q);
    ASSERT_TRUE(page.ok()) << page.error().message();
    EXPECT_EQ(NamesOf(*page), c.names);
    EXPECT_EQ(page->total_count, 6);  // all matches, not the page's
  }
  // Paging applies after the filters, and the total counts the filtered set.
  ListDataSourcesQuery filtered;
  filtered.project = project.id;
  filtered.env_type = 1;
  filtered.page_number = 2;
  filtered.page_size = 3;
  auto page = store->ListDataSources(filtered);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(NamesOf(*page), std::vector<std::string>{"events"});
  EXPECT_EQ(page->total_count, 4);
  // The listed records are opened like Get's.
  filtered.page_number = 1;
  page = store->ListDataSources(filtered);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->data_sources.empty());
  EXPECT_EQ(page->data_sources[0].content, MakeDataSource(project.id, "x").content);

  for (auto [number, size] : {std::pair{0, 10}, std::pair{1, 0}}) {
    SCOPED_TRACE(testing::Message() << "page " << number << " size " << size);
    ListDataSourcesQuery bad;
    bad.project = project.id;
    bad.page_number = number;
    bad.page_size = size;
    auto r = store->ListDataSources(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(SqliteStoreTest, UpdateDataSourceReplacesTheMutableFields) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  auto created = store->CreateDataSource(MakeDataSource(project.id, "orders", "mysql", 1));
  ASSERT_TRUE(created.ok()) << created.error().message();

  DataSource changed = *created;
  changed.content = R"({"jdbcUrl":"jdbc:mysql://db2:3306/app","username":"u2","password":"pw2"})";
  changed.description = "moved to db2";
  changed.env_type = 0;
  changed.status = 2;
  changed.operator_user_id = "u-2";
  changed.modified = kT0 + milliseconds(50);
  // Not replaced: name, type, sub_type, project and created.
  changed.name = "renamed";
  changed.type = "postgresql";
  changed.sub_type = "x";
  changed.created = kT0 + milliseconds(99);
  auto updated = store->UpdateDataSource(changed);
  ASSERT_TRUE(updated.ok()) << updated.error().message();

  auto got = store->GetDataSource(created->id);
  ASSERT_TRUE(got.ok()) << got.error().message();
  for (const DataSource* ds : {&updated.value(), &got.value()}) {
    EXPECT_EQ(ds->content, changed.content);
    EXPECT_EQ(ds->description, "moved to db2");
    EXPECT_EQ(ds->env_type, 0);
    EXPECT_EQ(ds->status, 2);
    EXPECT_EQ(ds->operator_user_id, "u-2");
    EXPECT_EQ(ds->modified, kT0 + milliseconds(50));
    EXPECT_EQ(ds->name, "orders");
    EXPECT_EQ(ds->type, "mysql");
    EXPECT_EQ(ds->sub_type, "");
    EXPECT_EQ(ds->project, project.id);
    EXPECT_EQ(ds->created, kT0);
  }
  // Found under its new environment only.
  EXPECT_TRUE(store->GetDataSourceByName(project.id, 0, "orders").ok());
  EXPECT_EQ(store->GetDataSourceByName(project.id, 1, "orders").error().code(),
            ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, UpdateDataSourceRefusesAMissingIdAndANameClash) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  auto prod = store->CreateDataSource(MakeDataSource(project.id, "orders", "mysql", 1));
  auto dev = store->CreateDataSource(MakeDataSource(project.id, "orders", "mysql", 0));
  ASSERT_TRUE(prod.ok() && dev.ok());

  DataSource missing = *prod;
  missing.id = DataSourceId(99999);
  auto r = store->UpdateDataSource(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);

  // Moving the production one to development clashes with its namesake there.
  DataSource clash = *prod;
  clash.env_type = 0;
  clash.description = "must not be written";
  r = store->UpdateDataSource(clash);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kAlreadyExists);
  auto kept = store->GetDataSource(prod->id);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->env_type, 1);
  EXPECT_EQ(kept->description, "about orders");
}

TEST_F(SqliteStoreTest, DeleteDataSourceRemovesItOnce) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  auto doomed = store->CreateDataSource(MakeDataSource(project.id, "doomed"));
  auto kept = store->CreateDataSource(MakeDataSource(project.id, "kept"));
  ASSERT_TRUE(doomed.ok() && kept.ok());

  ASSERT_TRUE(store->DeleteDataSource(doomed->id).ok());
  EXPECT_EQ(store->GetDataSource(doomed->id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->GetDataSourceByName(project.id, 1, "doomed").error().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store->GetDataSource(kept->id).ok());
  Status again = store->DeleteDataSource(doomed->id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store->DeleteDataSource(DataSourceId(99999)).error().code(), ErrorCode::kNotFound);
  // The name is free again.
  EXPECT_TRUE(store->CreateDataSource(MakeDataSource(project.id, "doomed")).ok());
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
    auto key = KeyOf(*store, c.id);
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key->secret, c.secret);
  }
}

TEST_F(SqliteStoreTest, DataSourceContentsAreStoredSealed) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("ws"));
  DataSource ds = MakeDataSource(project.id, "orders");
  ds.content =
      R"({"jdbcUrl":"jdbc:mysql://db:3306/app","username":"app","password":"ds-plain-4Tw"})";
  auto created = store->CreateDataSource(ds);
  ASSERT_TRUE(created.ok()) << created.error().message();
  auto raw = [&] {
    return QueryRaw(db_path_, "SELECT content_sealed FROM data_sources WHERE id = " +
                                  std::to_string(created->id.value()));
  };
  std::string stored = raw();
  EXPECT_EQ(stored.rfind("sealed:v1:", 0), 0u) << stored;
  EXPECT_EQ(stored.find("ds-plain-4Tw"), std::string::npos) << stored;
  EXPECT_EQ(stored.find("jdbc:mysql"), std::string::npos) << stored;
  EXPECT_EQ(store->GetDataSource(created->id)->content, ds.content);

  // An update seals the new content too.
  DataSource changed = *created;
  changed.content =
      R"({"jdbcUrl":"jdbc:mysql://db:3306/app","username":"app","password":"ds-rotated-8Pk"})";
  ASSERT_TRUE(store->UpdateDataSource(changed).ok());
  stored = raw();
  EXPECT_EQ(stored.rfind("sealed:v1:", 0), 0u) << stored;
  EXPECT_EQ(stored.find("ds-rotated-8Pk"), std::string::npos) << stored;
  EXPECT_EQ(store->GetDataSource(created->id)->content, changed.content);
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
  EXPECT_EQ(KeyOf(*store, "LTAI-1")->secret, secret);
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
    auto key = KeyOf(*store, "LTAI-1");
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
  auto key = KeyOf(*store, "LTAI-1");
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
    auto key = KeyOf(*store, "LTAI-1");
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
      auto key = KeyOf(*store, id);
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

// ---- sync tasks ----

NewTask MakeTask(ProjectId project, std::string name, std::string task_type = "DI_REALTIME") {
  NewTask task;
  task.project = project;
  task.name = std::move(name);
  task.task_type = std::move(task_type);
  task.folder_path = "Business Flow/demo/Data Integration";
  task.resource_group = "S_res_group_demo";
  task.content = R"({"type":"job","steps":[]})";
  task.creator_user_id = "u-1";
  task.sources = {"mysql_pub"};
  task.destinations = {"odps_first"};
  return task;
}

std::vector<int64_t> FileIdsOf(const std::vector<Task>& tasks) {
  std::vector<int64_t> ids;
  for (const Task& t : tasks) ids.push_back(t.file_id.value());
  return ids;
}

TEST_F(SqliteStoreTest, CreateTaskStoresVersionOneInAFolderMadeOnDemand) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project ws = CreateOrDie(*store, MakeProject("ws"));
  NewTask wanted = MakeTask(ws.id, "first");
  wanted.sources = {"mysql_pub", "mysql_crm", "mysql_pub"};
  auto created = store->CreateTask(wanted, std::nullopt);
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_FALSE(created->replayed);
  const Task& task = created->task;
  EXPECT_EQ(task.file_id.value(), 1000001);
  EXPECT_EQ(task.project, ws.id);
  EXPECT_EQ(task.name, "first");
  EXPECT_EQ(task.task_type, "DI_REALTIME");
  EXPECT_EQ(task.folder_path, "Business Flow/demo/Data Integration");
  EXPECT_EQ(task.resource_group, "S_res_group_demo");
  EXPECT_EQ(task.version, 1);
  EXPECT_EQ(task.content, wanted.content);
  EXPECT_EQ(task.status, "NORUN");
  EXPECT_EQ(task.creator_user_id, "u-1");
  EXPECT_EQ(task.sources, (std::vector<std::string>{"mysql_pub", "mysql_crm"}));
  EXPECT_EQ(task.destinations, (std::vector<std::string>{"odps_first"}));
  EXPECT_EQ(task.created, kT0);
  EXPECT_EQ(task.modified, kT0);

  auto second = store->CreateTask(MakeTask(ws.id, "second"), std::nullopt);
  ASSERT_TRUE(second.ok()) << second.error().message();
  EXPECT_EQ(second->task.file_id.value(), 1000002);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM folders"), "1");

  auto read = store->GetTask(task.file_id);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read->name, "first");
  EXPECT_EQ(read->sources, task.sources);
  EXPECT_EQ(read->content, task.content);
  auto versions = store->ListTaskVersions(task.file_id);
  ASSERT_TRUE(versions.ok()) << versions.error().message();
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].content, wanted.content);
  EXPECT_EQ((*versions)[0].resource_group, "S_res_group_demo");

  auto missing = store->GetTask(FileId(999));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, TaskNamesAreUniquePerWorkspace) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project a = CreateOrDie(*store, MakeProject("ws_a"));
  Project b = CreateOrDie(*store, MakeProject("ws_b"));
  ASSERT_TRUE(store->CreateTask(MakeTask(a.id, "same"), std::nullopt).ok());
  auto again = store->CreateTask(MakeTask(a.id, "same", "DI_OFFLINE"), std::nullopt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(store->CreateTask(MakeTask(b.id, "same"), std::nullopt).ok());
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM tasks"), "2");
  // The failed insert left nothing behind.
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM task_versions"), "2");
  auto exists = store->TaskNameExists(a.id, "same");
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(*exists);
  exists = store->TaskNameExists(a.id, "other");
  ASSERT_TRUE(exists.ok());
  EXPECT_FALSE(*exists);
}

TEST_F(SqliteStoreTest, CreateTaskReplaysAClientTokenAndRefusesItForAnotherRequest) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project ws = CreateOrDie(*store, MakeProject("ws"));
  const ClientTokenKey token{"u-1/10000/CreateDISyncTask", "tok-1", "hash-1"};
  auto first = store->CreateTask(MakeTask(ws.id, "tokened"), token);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_FALSE(first->replayed);

  clock_.Set(kT0 + milliseconds(1000));
  auto replay = store->CreateTask(MakeTask(ws.id, "tokened"), token);
  ASSERT_TRUE(replay.ok()) << replay.error().message();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->task.file_id, first->task.file_id);
  EXPECT_EQ(replay->task.created, kT0);

  auto other = store->CreateTask(MakeTask(ws.id, "another"),
                                 ClientTokenKey{token.scope, token.token, "hash-2"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM tasks"), "1");

  auto seen = store->FindClientToken(token.scope, token.token);
  ASSERT_TRUE(seen.ok());
  ASSERT_TRUE(seen->has_value());
  EXPECT_EQ((*seen)->first, "hash-1");
  EXPECT_EQ((*seen)->second, first->task.file_id.value());
}

TEST_F(SqliteStoreTest, UpdateTaskWritesANewVersionAndReplacesTheReferences) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project ws = CreateOrDie(*store, MakeProject("ws"));
  auto created = store->CreateTask(MakeTask(ws.id, "evolving"), std::nullopt);
  ASSERT_TRUE(created.ok()) << created.error().message();
  const FileId id = created->task.file_id;

  clock_.Set(kT0 + milliseconds(1000));
  TaskUpdate content_update;
  content_update.file_id = id;
  content_update.content = R"({"type":"job","version":"2.0"})";
  content_update.sources = {"mysql_crm"};
  content_update.destinations = {"holo_dst", "odps_first"};
  auto v2 = store->UpdateTask(content_update, std::nullopt);
  ASSERT_TRUE(v2.ok()) << v2.error().message();
  EXPECT_FALSE(v2->replayed);
  EXPECT_EQ(v2->task.version, 2);
  EXPECT_EQ(v2->task.content, *content_update.content);
  EXPECT_EQ(v2->task.resource_group, "S_res_group_demo");
  EXPECT_EQ(v2->task.sources, (std::vector<std::string>{"mysql_crm"}));
  EXPECT_EQ(v2->task.destinations, (std::vector<std::string>{"holo_dst", "odps_first"}));
  EXPECT_EQ(v2->task.created, kT0);
  EXPECT_EQ(v2->task.modified, kT0 + milliseconds(1000));

  // A resource group alone: a new version with the same content and references.
  clock_.Set(kT0 + milliseconds(2000));
  TaskUpdate group_update;
  group_update.file_id = id;
  group_update.resource_group = "S_res_group_other";
  auto v3 = store->UpdateTask(group_update, std::nullopt);
  ASSERT_TRUE(v3.ok()) << v3.error().message();
  EXPECT_EQ(v3->task.version, 3);
  EXPECT_EQ(v3->task.content, *content_update.content);
  EXPECT_EQ(v3->task.resource_group, "S_res_group_other");
  EXPECT_EQ(v3->task.sources, (std::vector<std::string>{"mysql_crm"}));

  auto versions = store->ListTaskVersions(id);
  ASSERT_TRUE(versions.ok()) << versions.error().message();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version, 1);
  EXPECT_EQ((*versions)[0].content, R"({"type":"job","steps":[]})");
  EXPECT_EQ((*versions)[1].version, 2);
  EXPECT_EQ((*versions)[1].created, kT0 + milliseconds(1000));
  EXPECT_EQ((*versions)[2].resource_group, "S_res_group_other");
  EXPECT_EQ(QueryRaw(db_path_, "SELECT current_version FROM tasks"), "3");

  TaskUpdate missing;
  missing.file_id = FileId(42);
  auto absent = store->UpdateTask(missing, std::nullopt);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteStoreTest, UpdateTaskReplaysAClientTokenWithoutANewVersion) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project ws = CreateOrDie(*store, MakeProject("ws"));
  auto created = store->CreateTask(MakeTask(ws.id, "t"), std::nullopt);
  ASSERT_TRUE(created.ok()) << created.error().message();
  TaskUpdate update;
  update.file_id = created->task.file_id;
  update.resource_group = "S_res_group_other";
  const ClientTokenKey token{"u-1/10000/UpdateDISyncTask", "tok", "hash-1"};
  auto first = store->UpdateTask(update, token);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(first->task.version, 2);
  auto replay = store->UpdateTask(update, token);
  ASSERT_TRUE(replay.ok()) << replay.error().message();
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->task.version, 2);
  auto other = store->UpdateTask(update, ClientTokenKey{token.scope, token.token, "hash-2"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM task_versions"), "2");
}

TEST_F(SqliteStoreTest, DeleteTaskTakesItsVersionsAndReferencesAlong) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project ws = CreateOrDie(*store, MakeProject("ws"));
  auto created = store->CreateTask(MakeTask(ws.id, "doomed"), std::nullopt);
  ASSERT_TRUE(created.ok()) << created.error().message();
  TaskUpdate update;
  update.file_id = created->task.file_id;
  update.resource_group = "S_res_group_other";
  ASSERT_TRUE(store->UpdateTask(update, std::nullopt).ok());

  ASSERT_TRUE(store->DeleteTask(created->task.file_id).ok());
  auto gone = store->GetTask(created->task.file_id);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
  auto versions = store->ListTaskVersions(created->task.file_id);
  ASSERT_FALSE(versions.ok());
  EXPECT_EQ(versions.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM task_versions"), "0");
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM task_datasources"), "0");
  Status again = store->DeleteTask(created->task.file_id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kNotFound);
  auto users = store->TasksUsingDataSource(ws.id, "mysql_pub");
  ASSERT_TRUE(users.ok());
  EXPECT_TRUE(users->empty());
  // The name is free again; FileIds are never reused.
  auto reborn = store->CreateTask(MakeTask(ws.id, "doomed"), std::nullopt);
  ASSERT_TRUE(reborn.ok()) << reborn.error().message();
  EXPECT_EQ(reborn->task.file_id.value(), 1000002);
}

TEST_F(SqliteStoreTest, ListRefTasksFiltersByWorkspaceDataSourceDirectionAndTypeAndPages) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project a = CreateOrDie(*store, MakeProject("ws_a"));
  Project b = CreateOrDie(*store, MakeProject("ws_b"));
  std::vector<int64_t> readers;
  for (int i = 0; i < 5; ++i) {
    auto t = store->CreateTask(MakeTask(a.id, "reader_" + std::to_string(i)), std::nullopt);
    ASSERT_TRUE(t.ok()) << t.error().message();
    readers.push_back(t->task.file_id.value());
  }
  NewTask offline = MakeTask(a.id, "offline", "DI_OFFLINE");
  ASSERT_TRUE(store->CreateTask(offline, std::nullopt).ok());
  NewTask writer = MakeTask(a.id, "writer");
  writer.sources = {"mysql_crm"};
  writer.destinations = {"mysql_pub"};
  auto writer_task = store->CreateTask(writer, std::nullopt);
  ASSERT_TRUE(writer_task.ok());
  ASSERT_TRUE(store->CreateTask(MakeTask(b.id, "elsewhere"), std::nullopt).ok());

  ListRefTasksQuery q;
  q.project = a.id;
  q.datasource = "mysql_pub";
  q.ref_type = "from";
  q.task_type = "DI_REALTIME";
  q.page_size = 10;
  auto all = store->ListRefTasks(q);
  ASSERT_TRUE(all.ok()) << all.error().message();
  EXPECT_EQ(FileIdsOf(*all), readers);
  EXPECT_EQ((*all)[0].sources, (std::vector<std::string>{"mysql_pub"}));

  q.page_size = 2;
  q.page_number = 3;
  auto page = store->ListRefTasks(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(FileIdsOf(*page), (std::vector<int64_t>{readers[4]}));
  q.page_number = 4;
  page = store->ListRefTasks(q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->empty());

  q.page_number = 1;
  q.page_size = 10;
  q.ref_type = "to";
  auto to = store->ListRefTasks(q);
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(FileIdsOf(*to), (std::vector<int64_t>{writer_task->task.file_id.value()}));

  q.ref_type = "from";
  q.task_type = "DI_OFFLINE";
  auto batch = store->ListRefTasks(q);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].name, "offline");

  auto users = store->TasksUsingDataSource(a.id, "mysql_pub");
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 7u);
  users = store->TasksUsingDataSource(b.id, "mysql_pub");
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].name, "elsewhere");
  users = store->TasksUsingDataSource(a.id, "nothing");
  ASSERT_TRUE(users.ok());
  EXPECT_TRUE(users->empty());
}

// The SQL that builds a store as a binary of schema `version` left it: the
// migrations up to it, each recorded in schema_version.
std::string SchemaUpTo(int version) {
  std::string sql =
      "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_ms INTEGER NOT NULL);";
  for (size_t i = 0; i < kMigrationCount && kMigrations[i].version <= version; ++i) {
    sql += kMigrations[i].sql;
    sql += ";INSERT INTO schema_version VALUES (" + std::to_string(kMigrations[i].version) + ", '" +
           kMigrations[i].name + "', 0);";
  }
  return sql;
}

// What both migration tests' stores hold after the migration: process 1
// succeeded with `content`, process 2 failed ("why"), each with its
// TaskParam ({"p":N}), and process 3 is queued and claimable.
void ExpectMigratedProcesses(SqliteStore& store, const std::string& content) {
  auto succeeded = store.GetProcess(ProcessId(1), ProcessDetail::kFull);
  ASSERT_TRUE(succeeded.ok()) << succeeded.error().message();
  EXPECT_EQ(succeeded->status, ProcessStatus::kSuccess);
  EXPECT_EQ(succeeded->task_param, "{\"p\":1}");
  EXPECT_TRUE(succeeded->task_content == content) << succeeded->task_content.size() << " bytes";
  EXPECT_EQ(succeeded->done, 3);
  EXPECT_EQ(succeeded->updated, FromUnixMillis(11));
  auto failed = store.GetProcess(ProcessId(2), ProcessDetail::kFull);
  ASSERT_TRUE(failed.ok()) << failed.error().message();
  EXPECT_EQ(failed->status, ProcessStatus::kFail);
  EXPECT_EQ(failed->message, "why");
  EXPECT_EQ(failed->task_param, "{\"p\":2}");
  EXPECT_TRUE(failed->task_content.empty());
  auto claimed = store.ClaimProcess("w", kT0, kT0 + std::chrono::minutes(1));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  EXPECT_EQ((**claimed).id, ProcessId(3));
  EXPECT_EQ((**claimed).task_param, "{\"p\":3}");
}

// A store written by a binary of schema 3 kept a process's TaskParam and
// TaskContent in its row; migration 4 moves them to tables of their own, and
// every process reads back as it was, the running one still claimable.
TEST_F(SqliteStoreTest, MigrationFourKeepsEveryProcessAndItsTexts) {
  const std::string schema3 = SchemaUpTo(3);
  const std::string content = "{\"type\":\"job\",\"big\":\"" + std::string(200000, 'c') + "\"}";
  ExecRaw(
      db_path_,
      schema3 +
          "INSERT INTO projects (id, identifier, created_ms, modified_ms) VALUES (7, 'p', 0, 0);"
          "INSERT INTO processes (id, project_id, task_type, kind, task_param, "
          "caller_user_id, status, message, done, total, task_content, created_ms, "
          "updated_ms) VALUES "
          "(1, 7, 'DI_REALTIME', 'create', '{\"p\":1}', 'u', 'success', '', 3, 3, '" +
          content +
          "', 10, 11),"
          "(2, 7, 'DI_REALTIME', 'create', '{\"p\":2}', 'u', 'fail', 'why', 0, 3, '', "
          "12, 13),"
          "(3, 7, 'DI_REALTIME', 'create', '{\"p\":3}', 'u', 'queued', '', 0, 0, '', "
          "14, 14);");
  ASSERT_EQ(QueryRaw(db_path_, "SELECT MAX(version) FROM schema_version"), "3");

  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), kLatestVersion);
  ExpectMigratedProcesses(*store, content);
  // The texts left the row.
  EXPECT_EQ(QueryRaw(db_path_,
                     "SELECT count(*) FROM pragma_table_info('processes') "
                     "WHERE name IN ('task_param', 'task_content')"),
            "0");
}

// A store of schema 4 kept a process's TaskContent as one value in
// process_contents; migration 5 moves each into process_content_chunks as
// one piece, and it reads back whole; a failed process's empty one leaves
// no piece. A content finished after the migration is stored in pieces.
TEST_F(SqliteStoreTest, MigrationFiveKeepsEveryTaskContent) {
  const std::string schema4 = SchemaUpTo(4);
  std::string content = "{\"type\":\"job\",\"big\":\"";
  for (int i = 0; i < 1500000; ++i) content += static_cast<char>('a' + i % 26);
  content += "\"}";
  ExecRaw(
      db_path_,
      schema4 +
          "INSERT INTO projects (id, identifier, created_ms, modified_ms) VALUES (7, 'p', 0, 0);"
          "INSERT INTO processes (id, project_id, task_type, kind, caller_user_id, status, "
          "message, done, total, created_ms, updated_ms) VALUES "
          "(1, 7, 'DI_REALTIME', 'create', 'u', 'success', '', 3, 3, 10, 11),"
          "(2, 7, 'DI_REALTIME', 'create', 'u', 'fail', 'why', 0, 3, 12, 13),"
          "(3, 7, 'DI_REALTIME', 'create', 'u', 'queued', '', 0, 0, 14, 14);"
          "INSERT INTO process_params (process_id, task_param) VALUES "
          "(1, '{\"p\":1}'), (2, '{\"p\":2}'), (3, '{\"p\":3}');"
          "INSERT INTO process_contents (process_id, task_content) VALUES (1, '" +
          content + "'), (2, '');");
  ASSERT_EQ(QueryRaw(db_path_, "SELECT MAX(version) FROM schema_version"), "4");

  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), kLatestVersion);
  ExpectMigratedProcesses(*store, content);
  EXPECT_EQ(QueryRaw(db_path_,
                     "SELECT group_concat(process_id || ':' || seq || ':' || "
                     "length(bytes)) FROM process_content_chunks"),
            "1:0:" + std::to_string(content.size()));
  EXPECT_EQ(
      QueryRaw(db_path_, "SELECT count(*) FROM sqlite_schema WHERE name = 'process_contents'"),
      "0");

  // The queued one (claimed above) finishes after the migration: in pieces.
  ASSERT_TRUE(
      store->FinishProcess(ProcessId(3), "w", ProcessStatus::kSuccess, "", TextPieces(content))
          .ok());
  auto finished = store->GetProcess(ProcessId(3), ProcessDetail::kResult);
  ASSERT_TRUE(finished.ok()) << finished.error().message();
  EXPECT_TRUE(finished->task_content == content) << finished->task_content.size() << " bytes";
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM process_content_chunks WHERE process_id = 3"),
            std::to_string((content.size() + kPieceBytes - 1) / kPieceBytes));
}

// A process's large texts: its TaskParam, and the TaskContent it succeeded
// with (read through a blob handle), come back whole in a full read, only
// the TaskContent for an answer, neither for a status, the TaskContent for a
// small result only when it is small; a failed process has no TaskContent.
TEST_F(SqliteStoreTest, ProcessesAreReadWithTheLargeTextsAskedFor) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("p"));
  auto enqueue = [&](std::string param) {
    NewProcess process;
    process.project = project.id;
    process.task_type = "DI_REALTIME";
    process.task_param = std::move(param);
    process.caller_user_id = "u";
    auto enqueued = store->EnqueueProcess(process, std::nullopt);
    EXPECT_TRUE(enqueued.ok()) << enqueued.error().message();
    if (!enqueued.ok()) return ProcessId();
    EXPECT_EQ(enqueued->process.status, ProcessStatus::kQueued);
    EXPECT_TRUE(enqueued->process.task_param.empty());  // only the claim reads it
    return enqueued->process.id;
  };
  const std::string param(300 * 1024, 'p');
  // Twelve whole pieces and a short one (migration 0005), every byte
  // telling where it belongs, so that a piece out of place shows.
  std::string content((3 << 20) + 17, 'c');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + (i / 4093) % 26);
  content.front() = '{';
  content.back() = '}';
  const ProcessId succeeded = enqueue(param);
  const ProcessId failed = enqueue("{}");
  for (ProcessId id : {succeeded, failed}) {
    auto claimed = store->ClaimProcess("w", kT0, kT0 + std::chrono::minutes(1));
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    ASSERT_EQ((**claimed).id, id);
    EXPECT_EQ((**claimed).task_param, id == succeeded ? param : "{}");
  }
  ASSERT_TRUE(
      store->FinishProcess(succeeded, "w", ProcessStatus::kSuccess, "", TextPieces(content)).ok());
  ASSERT_TRUE(store->FinishProcess(failed, "w", ProcessStatus::kFail, "why", {}).ok());

  EXPECT_EQ(QueryRaw(db_path_,
                     "SELECT group_concat(length(bytes)) FROM "
                     "(SELECT bytes FROM process_content_chunks WHERE process_id = " +
                         std::to_string(succeeded.value()) + " ORDER BY seq)"),
            [] {
              std::string lengths;
              for (int i = 0; i < 12; ++i) lengths += std::to_string(kPieceBytes) + ",";
              return lengths + "17";
            }());
  EXPECT_EQ(QueryRaw(db_path_, "SELECT count(*) FROM process_content_chunks WHERE process_id = " +
                                   std::to_string(failed.value())),
            "0");

  auto full = store->GetProcess(succeeded, ProcessDetail::kFull);
  ASSERT_TRUE(full.ok()) << full.error().message();
  EXPECT_EQ(full->status, ProcessStatus::kSuccess);
  EXPECT_EQ(full->task_param, param);
  EXPECT_TRUE(full->task_content == content) << full->task_content.size() << " bytes";

  auto result = store->GetProcess(succeeded, ProcessDetail::kResult);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_TRUE(result->task_param.empty());
  EXPECT_TRUE(result->task_content == content);

  auto status = store->GetProcess(succeeded, ProcessDetail::kStatus);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->status, ProcessStatus::kSuccess);
  EXPECT_EQ(status->project, project.id);
  EXPECT_EQ(status->task_type, "DI_REALTIME");
  EXPECT_TRUE(status->task_param.empty());
  EXPECT_TRUE(status->task_content.empty());

  auto fail = store->GetProcess(failed, ProcessDetail::kFull);
  ASSERT_TRUE(fail.ok()) << fail.error().message();
  EXPECT_EQ(fail->status, ProcessStatus::kFail);
  EXPECT_EQ(fail->message, "why");
  EXPECT_TRUE(fail->task_content.empty());

  // kSmallResult: the TaskContent only up to kSmallTaskContentBytes; a
  // larger one is withheld, not cut.
  auto withheld = store->GetProcess(succeeded, ProcessDetail::kSmallResult);
  ASSERT_TRUE(withheld.ok()) << withheld.error().message();
  EXPECT_EQ(withheld->status, ProcessStatus::kSuccess);
  EXPECT_TRUE(withheld->task_content_withheld);
  EXPECT_TRUE(withheld->task_content.empty());
  EXPECT_FALSE(result->task_content_withheld);
  const std::string small(kSmallTaskContentBytes, 's');
  const ProcessId small_one = enqueue("{}");
  auto claimed = store->ClaimProcess("w", kT0, kT0 + std::chrono::minutes(1));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_TRUE(
      store->FinishProcess(small_one, "w", ProcessStatus::kSuccess, "", TextPieces(small)).ok());
  auto read = store->GetProcess(small_one, ProcessDetail::kSmallResult);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_FALSE(read->task_content_withheld);
  EXPECT_TRUE(read->task_content == small) << read->task_content.size() << " bytes";
  auto small_fail = store->GetProcess(failed, ProcessDetail::kSmallResult);
  ASSERT_TRUE(small_fail.ok()) << small_fail.error().message();
  EXPECT_FALSE(small_fail->task_content_withheld);
  EXPECT_EQ(small_fail->message, "why");

  // And after a reopen, from the file.
  store.reset();
  store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  auto reread = store->GetProcess(succeeded, ProcessDetail::kFull);
  ASSERT_TRUE(reread.ok()) << reread.error().message();
  EXPECT_TRUE(reread->task_content == content);
}

// A TaskContent handed over in pieces (as the generator renders it) is
// stored in the same whole pieces as one string would be, wherever its own
// pieces end: inside a stored piece, exactly at its end, or spanning
// several; and it reads back as the joined text.
TEST_F(SqliteStoreTest, ATaskContentInPiecesIsStoredInWholePieces) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  Project project = CreateOrDie(*store, MakeProject("p"));
  NewProcess process;
  process.project = project.id;
  process.task_type = "DI_REALTIME";
  process.task_param = "{}";
  process.caller_user_id = "u";
  auto enqueued = store->EnqueueProcess(process, std::nullopt);
  ASSERT_TRUE(enqueued.ok()) << enqueued.error().message();
  auto claimed = store->ClaimProcess("w", kT0, kT0 + std::chrono::minutes(1));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());

  TextPieces pieces;
  std::string joined;
  size_t next = 0;
  for (size_t length : {size_t{10}, kPieceBytes - 10, size_t{1}, 3 * kPieceBytes + 5, size_t{7},
                        kPieceBytes / 2, kPieceBytes}) {
    std::string piece(length, ' ');
    for (char& c : piece) c = static_cast<char>('a' + (next++ / 1009) % 26);
    joined += piece;
    pieces.Append(std::move(piece));
  }
  ASSERT_TRUE(
      store->FinishProcess(enqueued->process.id, "w", ProcessStatus::kSuccess, "", pieces).ok());

  const std::string id = std::to_string(enqueued->process.id.value());
  const size_t whole = joined.size() / kPieceBytes;
  std::string lengths;
  for (size_t i = 0; i < whole; ++i) lengths += std::to_string(kPieceBytes) + ",";
  lengths += std::to_string(joined.size() % kPieceBytes);
  EXPECT_EQ(QueryRaw(db_path_,
                     "SELECT group_concat(length(bytes)) FROM (SELECT bytes FROM "
                     "process_content_chunks WHERE process_id = " +
                         id + " ORDER BY seq)"),
            lengths);
  auto read = store->GetProcess(enqueued->process.id, ProcessDetail::kResult);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_TRUE(read->task_content == joined) << read->task_content.size() << " bytes";
}

// Reads made on a thread that shares them see one snapshot: a commit made
// meanwhile (here by another thread) shows once the sharing ends.
TEST_F(SqliteStoreTest, ReadsSharedOnAThreadSeeOneSnapshot) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutMeta("k", "before").ok());
  {
    const std::shared_ptr<void> shared = store->ShareReadsOnThisThread();
    ASSERT_NE(shared, nullptr);
    EXPECT_EQ(store->GetMeta("k").value(), "before");
    std::thread writer([&] { EXPECT_TRUE(store->PutMeta("k", "after").ok()); });
    writer.join();
    EXPECT_EQ(store->GetMeta("k").value(), "before");
  }
  EXPECT_EQ(store->GetMeta("k").value(), "after");
}

// Reads run on connections of their own (reader_pool.h) while a write
// commits: each read succeeds and sees a state that some commit left, never
// an older one than the last it saw, and a read made after a write returned
// sees that write.
TEST_F(SqliteStoreTest, ReadsRunBesideWritesAndSeeEveryFinishedCommit) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->PutMeta("counter", "0").ok());
  constexpr int kWrites = 200;
  std::atomic<int> committed{0};
  std::atomic<int> failures{0};
  auto read_counter = [&]() -> std::optional<int> {
    auto value = store->GetMeta("counter");
    if (!value.ok() || !value->has_value()) return std::nullopt;
    return std::stoi(**value);
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      int last = 0;
      while (committed.load() < kWrites) {
        const int floor = committed.load();  // writes finished before this read
        std::optional<int> seen = read_counter();
        if (!seen || *seen < last || *seen < floor) ++failures;
        if (seen) last = *seen;
      }
    });
  }
  for (int i = 1; i <= kWrites; ++i) {
    ASSERT_TRUE(store->PutMeta("counter", std::to_string(i)).ok());
    committed.store(i);
  }
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(read_counter(), kWrites);
}

}  // namespace
}  // namespace disync::store
