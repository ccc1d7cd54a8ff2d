// Who may call what, end to end: every registered Action, called by a member
// holding each built-in role, by a non-member and by the superuser, through
// the real Dispatcher, RoleAuthorizer and SqliteStore. The expectations are
// written out here from workspaces.md section 2.2, independently of the
// server's role table (src/iam/role_table.cc), so that a change to either
// shows up as a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/async_config.h"
#include "api/datasources.h"
#include "api/identities.h"
#include "api/tasks.h"
#include "api/workspaces.h"
#include "common/executor.h"
#include "common/logging.h"
#include "common/time_format.h"
#include "fakes/fake_clock.h"
#include "iam/authorizer.h"
#include "iam/credentials.h"
#include "iam/secret_box.h"
#include "openapi/dispatcher.h"
#include "openapi/metrics.h"
#include "openapi/replay_guard.h"
#include "openapi/router.h"
#include "store/sqlite/sqlite_store.h"
#include "support/signing.h"
#include "support/temp_dir.h"

namespace disync::api {
namespace {

namespace fs = std::filesystem;
using openapi::Capability;
using openapi::ParamMap;

// ---- the built-in roles (workspaces.md section 1.4) ----

constexpr char kOwner[] = "role_project_owner";
constexpr char kAdmin[] = "role_project_admin";
constexpr char kDev[] = "role_project_dev";
constexpr char kPe[] = "role_project_pe";
constexpr char kDeploy[] = "role_project_deploy";
constexpr char kGuest[] = "role_project_guest";
constexpr char kSecurity[] = "role_project_security";
constexpr char kErd[] = "role_project_erd";
constexpr char kAnalyst[] = "role_project_data_analyst";
constexpr char kDgAdmin[] = "role_project_dg_admin";
constexpr char kTester[] = "role_project_tester";

const std::vector<std::string> kAllRoles = {kOwner,    kAdmin, kDev,     kPe,      kDeploy, kGuest,
                                            kSecurity, kErd,   kAnalyst, kDgAdmin, kTester};

// The two callers that hold no role.
constexpr char kNonMember[] = "non-member";
constexpr char kSuperuser[] = "superuser";

// ---- the expected answers ----

// Who may call an Action.
enum class Audience {
  kAnySigned,      // tenant level: every caller with a valid key
  kSuperuserOnly,  // administration: the superuser only
  kRoles,          // workspace level: members holding one of `roles`, and the superuser
};

// What a refused caller is answered.
enum class Refusal {
  kNever,            // tenant level
  kForbiddenRam,     // 403 Forbidden.RAM
  kNoPrivilege,      // 403 Forbidden.DI.NoPrivilege (DI and data source operations)
  kNotOwnerOrAdmin,  // 403 Invalid.Tenant.UserIsNotProjectOwnerOrAdmin (member management)
  kProjectHidden,    // 400 Invalid.Tenant.ProjectNotExists (workspace reads)
  // On an object id: a caller who cannot read the workspace is told the
  // object does not exist (400 Invalid.Tenant.ConnectionNotExists); a member
  // who can read it but lacks the capability gets 403 Forbidden.DI.NoPrivilege.
  kObject,
};

struct Answer {
  int status;
  std::string code;  // "" for a success
  bool operator==(const Answer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  return os << a.status << " " << (a.code.empty() ? "(success)" : a.code);
}

const Answer kOk{200, ""};
const Answer kNoPrivilege{403, "Forbidden.DI.NoPrivilege"};
const Answer kNotOwnerOrAdmin{403, "Invalid.Tenant.UserIsNotProjectOwnerOrAdmin"};
const Answer kForbiddenRam{403, "Forbidden.RAM"};
const Answer kProjectNotExists{400, "Invalid.Tenant.ProjectNotExists"};
const Answer kConnectionNotExists{400, "Invalid.Tenant.ConnectionNotExists"};
// What an allowed member-management call answers: its target user does not
// exist, so that no call changes the membership the later checks rely on.
const Answer kTargetNotInTenant{400, "Invalid.Tenant.UserNotInTenant"};
// What an allowed GenerateDISyncTaskConfigForUpdating answers for a task that
// does not exist (the other task operations answer such a task in band).
const Answer kNoSuchTask{400, "Invalid.DI.Parameter"};

struct Expectation {
  Audience audience;
  std::set<std::string> roles;  // for kRoles
  Refusal refusal;
  Answer allowed;  // what an allowed caller gets with the parameters below
};

std::set<std::string> EveryRole() { return {kAllRoles.begin(), kAllRoles.end()}; }

Expectation Tenant() { return {Audience::kAnySigned, {}, Refusal::kNever, kOk}; }
Expectation SuperuserOnly() { return {Audience::kSuperuserOnly, {}, Refusal::kForbiddenRam, kOk}; }
Expectation Roles(std::set<std::string> roles, Refusal refusal, Answer allowed = kOk) {
  return {Audience::kRoles, std::move(roles), refusal, allowed};
}

// Every registered Action and who may call it (workspaces.md section 2.2).
// A new Action must be added here: the test fails until it is.
const std::map<std::string, Expectation>& ExpectedTable() {
  static const auto* const kTable = new std::map<std::string, Expectation>{
      // Tenant level (section 2.2 rules; ListResourceGroups section 3.12).
      {"ListProjects", Tenant()},
      {"ListProjectIds", Tenant()},  // for the caller's own UserId
      {"ListResourceGroups", Tenant()},
      // Administration: users, keys, workspaces, resource groups.
      {"CreateProject", SuperuserOnly()},
      {"CreateUser", SuperuserOnly()},
      {"CreateAccessKey", SuperuserOnly()},
      {"UpdateAccessKey", SuperuserOnly()},
      {"DeleteAccessKey", SuperuserOnly()},
      {"CreateResourceGroup", SuperuserOnly()},
      // Read: every built-in role.
      {"GetProject", Roles(EveryRole(), Refusal::kProjectHidden)},
      {"GetProjectDetail", Roles(EveryRole(), Refusal::kProjectHidden)},
      {"ListProjectMembers", Roles(EveryRole(), Refusal::kProjectHidden)},
      {"ListProjectRoles", Roles(EveryRole(), Refusal::kProjectHidden)},
      {"ListDataSources", Roles(EveryRole(), Refusal::kNoPrivilege)},
      {"ListConnections", Roles(EveryRole(), Refusal::kNoPrivilege)},
      {"QueryDISyncTaskConfigProcessResult", Roles(EveryRole(), Refusal::kNoPrivilege)},
      // DI task development: owner, admin, dev.
      {"GenerateDISyncTaskConfigForCreating", Roles({kOwner, kAdmin, kDev}, Refusal::kNoPrivilege)},
      {"GenerateDISyncTaskConfigForUpdating",
       Roles({kOwner, kAdmin, kDev}, Refusal::kNoPrivilege, kNoSuchTask)},
      {"CreateDISyncTask", Roles({kOwner, kAdmin, kDev}, Refusal::kNoPrivilege)},
      {"UpdateDISyncTask", Roles({kOwner, kAdmin, kDev}, Refusal::kNoPrivilege)},
      {"DeleteDISyncTask", Roles({kOwner, kAdmin, kDev}, Refusal::kNoPrivilege)},
      // Task reads: every built-in role.
      {"GetDISyncTask", Roles(EveryRole(), Refusal::kNoPrivilege)},
      {"ListRefDISyncTasks", Roles(EveryRole(), Refusal::kNoPrivilege)},
      // Data source write: owner, admin, O&M.
      {"CreateDataSource", Roles({kOwner, kAdmin, kPe}, Refusal::kNoPrivilege)},
      {"CreateConnection", Roles({kOwner, kAdmin, kPe}, Refusal::kNoPrivilege)},
      {"UpdateDataSource", Roles({kOwner, kAdmin, kPe}, Refusal::kObject)},
      {"UpdateConnection", Roles({kOwner, kAdmin, kPe}, Refusal::kObject)},
      {"DeleteDataSource", Roles({kOwner, kAdmin, kPe}, Refusal::kObject)},
      {"DeleteConnection", Roles({kOwner, kAdmin, kPe}, Refusal::kObject)},
      // Data source detail / connectivity: owner, admin, dev, O&M, deploy.
      {"TestNetworkConnection", Roles({kOwner, kAdmin, kDev, kPe, kDeploy}, Refusal::kNoPrivilege)},
      {"GetDataSourceMeta", Roles({kOwner, kAdmin, kDev, kPe, kDeploy}, Refusal::kNoPrivilege)},
      // Member management: owner and admin.
      {"CreateProjectMember",
       Roles({kOwner, kAdmin}, Refusal::kNotOwnerOrAdmin, kTargetNotInTenant)},
      {"AddProjectMemberToRole",
       Roles({kOwner, kAdmin}, Refusal::kNotOwnerOrAdmin, kTargetNotInTenant)},
      {"RemoveProjectMemberFromRole",
       Roles({kOwner, kAdmin}, Refusal::kNotOwnerOrAdmin, kTargetNotInTenant)},
      {"DeleteProjectMember",
       Roles({kOwner, kAdmin}, Refusal::kNotOwnerOrAdmin, kTargetNotInTenant)},
  };
  return *kTable;
}

// A caller: a member holding one role, a non-member or the superuser.
struct Caller {
  std::string name;  // the role code, kNonMember or kSuperuser
  std::string user_id;
  testing::TestKey key;
  bool superuser = false;
  bool member = false;
};

bool Allowed(const Expectation& e, const Caller& caller) {
  switch (e.audience) {
    case Audience::kAnySigned:
      return true;
    case Audience::kSuperuserOnly:
      return caller.superuser;
    case Audience::kRoles:
      return caller.superuser || e.roles.contains(caller.name);
  }
  return false;
}

Answer RefusalFor(const Expectation& e, const Caller& caller) {
  switch (e.refusal) {
    case Refusal::kNever:
      break;
    case Refusal::kForbiddenRam:
      return kForbiddenRam;
    case Refusal::kNoPrivilege:
      return kNoPrivilege;
    case Refusal::kNotOwnerOrAdmin:
      return kNotOwnerOrAdmin;
    case Refusal::kProjectHidden:
      return kProjectNotExists;
    case Refusal::kObject:
      return caller.member ? kNoPrivilege : kConnectionNotExists;
  }
  ADD_FAILURE() << "an Action that is never refused refused " << caller.name;
  return {0, "?"};
}

// The refusals of every kind: an allowed call must answer none of them.
const std::vector<Answer> kEveryRefusal = {kNoPrivilege, kNotOwnerOrAdmin, kForbiddenRam,
                                           kProjectNotExists, kConnectionNotExists};

// 2024-01-01T00:00:00Z, the time of every request.
const TimePoint kNow = FromUnixMillis(1704067200000);
// 32 raw bytes.
constexpr char kMasterKey[] = "permissions-test-master-key-32by";
static_assert(sizeof(kMasterKey) - 1 == iam::kMasterKeyBytes);

// A data source nothing listens for: a connection attempt fails at once.
constexpr char kUnreachableContent[] =
    R"({"jdbcUrl":"jdbc:mysql://127.0.0.1:1/db","username":"u","password":"pw-Zq8"})";
constexpr char kProbeName[] = "probe";
constexpr char kOdpsName[] = "odps_first";
constexpr char kResourceGroup[] = "S_res_group_perm";
// A valid generation script (the seed page's example) over the data sources
// and the resource group every test workspace has.
constexpr char kTaskParam[] =
    R"j({
  "type": "realtime",
  "version": "1.0",
  "setting": {
    "resourceGroup": "S_res_group_perm",
    "name": "perm_realtime",
    "taskType": "oneclick_to_odps"
  },
  "steps": [
    {
      "stepType": "mysql",
      "parameter": {
        "connection": [ { "datasourceType": "mysql", "datasource": "probe", "table": [ "xyx" ] } ]
      },
      "name": "Reader",
      "category": "reader"
    },
    {
      "stepType": "odps",
      "parameter": { "datasource": "odps_first" },
      "name": "Writer",
      "category": "writer"
    }
  ]
})j";

class PermissionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The request log goes to stderr at info level; only errors matter here.
    static std::once_flag once;
    std::call_once(once, [] { logging::Init(logging::Format::kText, logging::Level::kError); });
  }

  void SetUp() override {
    dir_ = test_support::FreshTestDir("disync_permissions_test");
    auto opened = store::SqliteStore::Open((dir_ / "disync.db").string(), clock_, sealer_);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    store_ = std::move(opened).value();

    // Exactly what src/server/app.cc registers.
    RegisterWorkspaceRoutes(router_, *store_);
    RegisterIdentityRoutes(router_, *store_, clock_);
    RegisterDataSourceRoutes(router_, *store_, clock_);
    // No workers here: a generation process stays queued.
    RegisterAsyncConfigRoutes(router_, *store_, [] {});
    RegisterTaskRoutes(router_, *store_, [] {});
    credentials_ = std::make_unique<iam::StoreCredentialSource>(*store_);
    authorizer_ = std::make_unique<iam::RoleAuthorizer>(*store_);
    dispatcher_ = std::make_unique<openapi::Dispatcher>(router_, *credentials_, authorizer_.get(),
                                                        replay_, inline_, inline_, metrics_);

    for (const std::string& role : kAllRoles) AddCaller(role, /*superuser=*/false);
    AddCaller(kNonMember, /*superuser=*/false);
    AddCaller(kSuperuser, /*superuser=*/true);
    // A user and a key the administration Actions act on.
    ASSERT_TRUE(store_->PutUser({"spare", "spare", false, kNow}).ok());
    ASSERT_TRUE(PutKey("LTAIspare", "spare-secret", "spare"));

    store::NewProject basic;
    basic.identifier = "perm_basic";
    basic.name = "basic";
    basic.mode = 2;
    basic.owner_user_id = "u-" + std::string(kOwner);
    auto project = store_->CreateProject(basic);
    ASSERT_TRUE(project.ok()) << project.error().message();
    project_ = project->id;
    for (const Caller& c : callers_) {
      if (!c.member) continue;
      ASSERT_TRUE(store_->AddMemberRole(project_, c.user_id, c.name).ok()) << c.name;
    }
    auto group = store_->CreateResourceGroup({0, kResourceGroup, "perm group", kNow});
    ASSERT_TRUE(group.ok()) << group.error().message();
    ASSERT_TRUE(AddScriptDataSources(project_));
  }

  void TearDown() override {
    dispatcher_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void AddCaller(const std::string& name, bool superuser) {
    Caller c;
    c.name = name;
    c.user_id = "u-" + name;
    c.key = {"LTAI" + std::to_string(callers_.size()), "secret-of-" + name};
    c.superuser = superuser;
    c.member = !superuser && name != kNonMember;
    ASSERT_TRUE(store_->PutUser({c.user_id, name, superuser, kNow}).ok()) << name;
    ASSERT_TRUE(PutKey(c.key.id, c.key.secret, c.user_id)) << name;
    callers_.push_back(std::move(c));
  }

  bool PutKey(const std::string& id, const std::string& secret, const std::string& user_id) {
    Status s =
        store_->CreateAccessKey({id, secret, user_id, store::AccessKeyStatus::kEnabled, kNow});
    EXPECT_TRUE(s.ok()) << s.error().message();
    return s.ok();
  }

  const Caller& CallerNamed(const std::string& name) const {
    auto it = std::find_if(callers_.begin(), callers_.end(),
                           [&](const Caller& c) { return c.name == name; });
    if (it == callers_.end()) {
      ADD_FAILURE() << "no caller " << name;
      return callers_.front();
    }
    return *it;
  }

  // A mysql data source in the production environment, created behind the API.
  Result<store::DataSource> NewDataSource(ProjectId project, const std::string& name) {
    store::DataSource ds;
    ds.project = project;
    ds.name = name;
    ds.type = "mysql";
    ds.env_type = 1;
    ds.content = kUnreachableContent;
    ds.operator_user_id = "u-" + std::string(kOwner);
    ds.created = ds.modified = kNow;
    return store_->CreateDataSource(ds);
  }

  // The data sources kTaskParam and the connectivity Actions name.
  bool AddScriptDataSources(ProjectId project) {
    auto probe = NewDataSource(project, kProbeName);
    EXPECT_TRUE(probe.ok()) << probe.error().message();
    store::DataSource odps;
    odps.project = project;
    odps.name = kOdpsName;
    odps.type = "odps";
    odps.env_type = 1;
    odps.content = R"({"endpoint":"http://service.odps.example/api","project":"p",)"
                   R"("accessId":"id","accessKey":"k"})";
    odps.created = odps.modified = kNow;
    auto created = store_->CreateDataSource(odps);
    EXPECT_TRUE(created.ok()) << created.error().message();
    return probe.ok() && created.ok();
  }

  std::string Unique(const std::string& prefix) { return prefix + std::to_string(++serial_); }

  std::string FreshDataSourceId() {
    auto ds = NewDataSource(project_, Unique("target_"));
    EXPECT_TRUE(ds.ok()) << ds.error().message();
    return ds.ok() ? std::to_string(ds->id.value()) : "0";
  }

  // Parameters that satisfy every required parameter of `action` and lead an
  // allowed caller to ExpectedTable()'s `allowed` answer. Objects a call may
  // change or delete are fresh for every call. Empty optional: unknown Action.
  std::optional<ParamMap> ParamsFor(const std::string& action, const Caller& caller) {
    const std::string project = std::to_string(project_.value());
    if (action == "ListProjects") return ParamMap{};
    if (action == "ListProjectIds") return ParamMap{{"UserId", caller.user_id}};
    if (action == "ListResourceGroups") return ParamMap{{"Keyword", "perm"}};
    if (action == "CreateProject") {
      std::string id = Unique("perm_new_");
      return ParamMap{{"ProjectName", id}, {"ProjectIdentifier", id}};
    }
    if (action == "CreateUser") return ParamMap{{"UserId", Unique("new-user-")}};
    if (action == "CreateAccessKey") return ParamMap{{"UserId", "spare"}};
    if (action == "UpdateAccessKey") {
      return ParamMap{{"UserAccessKeyId", "LTAIspare"}, {"Status", "Active"}};
    }
    if (action == "DeleteAccessKey") {
      std::string id = Unique("LTAIdoomed");
      EXPECT_TRUE(PutKey(id, "doomed-secret", "spare"));
      return ParamMap{{"UserAccessKeyId", id}};
    }
    if (action == "CreateResourceGroup") return ParamMap{{"Identifier", Unique("S_new_group_")}};
    if (action == "GetProject" || action == "GetProjectDetail" || action == "ListProjectMembers" ||
        action == "ListProjectRoles" || action == "ListDataSources") {
      return ParamMap{{"ProjectId", project}};
    }
    if (action == "ListConnections") return ParamMap{{"ProjectId", project}};
    if (action == "CreateDataSource" || action == "CreateConnection") {
      std::string type_param = action == "CreateDataSource" ? "DataSourceType" : "ConnectionType";
      return ParamMap{{"ProjectId", project},
                      {"Name", Unique("created_")},
                      {type_param, "mysql"},
                      {"EnvType", "1"},
                      {"Content", kUnreachableContent}};
    }
    if (action == "UpdateDataSource") {
      return ParamMap{{"DataSourceId", FreshDataSourceId()}, {"Description", "changed"}};
    }
    if (action == "UpdateConnection") {
      return ParamMap{{"ConnectionId", FreshDataSourceId()}, {"Description", "changed"}};
    }
    if (action == "DeleteDataSource") return ParamMap{{"DataSourceId", FreshDataSourceId()}};
    if (action == "DeleteConnection") return ParamMap{{"ConnectionId", FreshDataSourceId()}};
    if (action == "TestNetworkConnection") {
      return ParamMap{{"ProjectId", project},
                      {"DatasourceName", kProbeName},
                      {"EnvType", "1"},
                      {"ResourceGroup", kResourceGroup}};
    }
    if (action == "GetDataSourceMeta") {
      return ParamMap{{"ProjectId", project}, {"DatasourceName", kProbeName}};
    }
    if (action == "GenerateDISyncTaskConfigForCreating") {
      return ParamMap{
          {"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"TaskParam", kTaskParam}};
    }
    // A process that does not exist: answered in-band, Data.Status "fail".
    if (action == "QueryDISyncTaskConfigProcessResult") {
      return ParamMap{
          {"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"AsyncProcessId", "99999"}};
    }
    // Task operations on a FileId that does not exist: answered in band
    // (Data.Status "fail"), except Generate...ForUpdating (400).
    if (action == "CreateDISyncTask") {
      return ParamMap{{"ProjectId", project},
                      {"TaskType", "DI_OFFLINE"},
                      {"TaskName", Unique("perm_task_")},
                      {"TaskContent", "{\"type\":\"job\"}"}};
    }
    if (action == "UpdateDISyncTask" || action == "DeleteDISyncTask" || action == "GetDISyncTask") {
      return ParamMap{{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"FileId", "999999"}};
    }
    if (action == "ListRefDISyncTasks") {
      return ParamMap{{"ProjectId", project},
                      {"DatasourceName", kProbeName},
                      {"RefType", "from"},
                      {"TaskType", "DI_REALTIME"}};
    }
    if (action == "GenerateDISyncTaskConfigForUpdating") {
      return ParamMap{{"ProjectId", project},
                      {"TaskType", "DI_REALTIME"},
                      {"TaskId", "999999"},
                      {"TaskParam", kTaskParam}};
    }
    // Member management names a user the tenant does not know.
    if (action == "CreateProjectMember" || action == "DeleteProjectMember") {
      return ParamMap{{"ProjectId", project}, {"UserId", "no-such-user"}};
    }
    if (action == "AddProjectMemberToRole" || action == "RemoveProjectMemberFromRole") {
      return ParamMap{{"ProjectId", project}, {"UserId", "no-such-user"}, {"RoleCode", kGuest}};
    }
    return std::nullopt;
  }

  struct Reply {
    Answer answer;
    nlohmann::json body;
    std::string raw;
  };

  // Signs alternately with v1 (query) and ACS3 (form body), as the SDKs do.
  Reply Call(const Caller& caller, const std::string& action, const ParamMap& params) {
    testing::SignOptions options;
    options.action = action;
    options.timestamp = clock_.Now();
    http::Request request;
    if (++calls_ % 2 == 0) {
      request = testing::SignV1Request(caller.key, params, options);
    } else {
      options.placement = testing::Placement::kBody;
      request = testing::SignV3Request(caller.key, params, options);
    }
    http::Response response = dispatcher_->Process(request);
    Reply reply{
        {response.status, ""}, nlohmann::json::parse(response.body, nullptr, false), response.body};
    if (reply.body.is_object()) reply.answer.code = reply.body.value("Code", "");
    return reply;
  }

  fs::path dir_;
  testing::FakeClock clock_{kNow};
  const iam::SecretBox sealer_{kMasterKey};
  std::unique_ptr<store::SqliteStore> store_;
  openapi::Router router_;
  std::unique_ptr<iam::StoreCredentialSource> credentials_;
  std::unique_ptr<iam::RoleAuthorizer> authorizer_;
  openapi::ReplayGuard replay_{clock_};
  InlineExecutor inline_;
  openapi::Metrics metrics_;
  std::unique_ptr<openapi::Dispatcher> dispatcher_;
  std::vector<Caller> callers_;
  ProjectId project_;
  int serial_ = 0;
  int calls_ = 0;
};

TEST_F(PermissionsTest, EveryRegisteredActionHasAnExpectationAndNoMore) {
  const std::vector<std::string> registered = router_.Actions();
  ASSERT_FALSE(registered.empty());
  std::set<std::string> expected;
  for (const auto& [action, e] : ExpectedTable()) expected.insert(action);
  for (const std::string& action : registered) {
    EXPECT_TRUE(expected.contains(action))
        << action << " is registered but has no row in ExpectedTable(): state who may call it";
    EXPECT_TRUE(ParamsFor(action, CallerNamed(kSuperuser)).has_value())
        << action << " has no parameters in ParamsFor()";
  }
  for (const std::string& action : expected) {
    EXPECT_TRUE(router_.Find(action) != nullptr)
        << action << " is in ExpectedTable() but no longer registered";
  }
}

TEST_F(PermissionsTest, EveryCallerGetsTheDocumentedAnswerForEveryAction) {
  int checked = 0;
  for (const std::string& action : router_.Actions()) {
    auto row = ExpectedTable().find(action);
    if (row == ExpectedTable().end()) continue;  // reported by the test above
    const Expectation& e = row->second;
    for (const Caller& caller : callers_) {
      SCOPED_TRACE(action + " by " + caller.name);
      auto params = ParamsFor(action, caller);
      ASSERT_TRUE(params.has_value());
      Reply reply = Call(caller, action, *params);
      if (Allowed(e, caller)) {
        for (const Answer& refusal : kEveryRefusal) {
          EXPECT_NE(reply.answer, refusal) << "allowed, but refused: " << reply.raw;
        }
        EXPECT_EQ(reply.answer, e.allowed) << reply.raw;
      } else {
        EXPECT_EQ(reply.answer, RefusalFor(e, caller)) << reply.raw;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(ExpectedTable().size() * callers_.size()));
}

// Refused calls change nothing: the objects they named are still there, as
// they were.
TEST_F(PermissionsTest, RefusedWritesLeaveTheStoreUnchanged) {
  const Caller& guest = CallerNamed(kGuest);
  auto ds = NewDataSource(project_, "kept");
  ASSERT_TRUE(ds.ok());
  const std::string id = std::to_string(ds->id.value());
  EXPECT_EQ(Call(guest, "UpdateDataSource", {{"DataSourceId", id}, {"Description", "x"}}).answer,
            kNoPrivilege);
  EXPECT_EQ(Call(guest, "DeleteDataSource", {{"DataSourceId", id}}).answer, kNoPrivilege);
  EXPECT_EQ(Call(CallerNamed(kNonMember), "DeleteConnection", {{"ConnectionId", id}}).answer,
            kConnectionNotExists);
  auto after = store_->GetDataSource(ds->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->description, "");

  EXPECT_EQ(Call(CallerNamed(kDev), "CreateProjectMember",
                 {{"ProjectId", std::to_string(project_.value())}, {"UserId", "spare"}})
                .answer,
            kNotOwnerOrAdmin);
  EXPECT_EQ(store_->GetMember(project_, "spare").error().code(), ErrorCode::kNotFound);
}

// ---- every capability, including those no Action uses yet, through iam::RolesGrant ----

// Which roles grant each capability (workspaces.md section 2.2), and which
// only in a basic-mode workspace.
struct CapabilityRow {
  Capability capability;
  std::set<std::string> roles;
  std::set<std::string> basic_mode_only;
};

const std::vector<CapabilityRow> kCapabilityMatrix = {
    {Capability::kWorkspaceRead,
     {kOwner, kAdmin, kDev, kPe, kDeploy, kGuest, kSecurity, kErd, kAnalyst, kDgAdmin, kTester},
     {}},
    {Capability::kDiTaskWrite, {kOwner, kAdmin, kDev}, {}},
    {Capability::kDiDeploy, {kOwner, kAdmin, kPe}, {kDev}},
    {Capability::kDiRunControl, {kOwner, kAdmin, kPe}, {}},
    {Capability::kDataSourceWrite, {kOwner, kAdmin, kPe}, {}},
    {Capability::kDataSourceShare, {kOwner, kAdmin}, {}},
    {Capability::kDataSourceUse, {kOwner, kAdmin, kDev, kPe, kDeploy}, {}},
    {Capability::kDiProjectConfig, {kOwner, kAdmin}, {}},
    {Capability::kMemberManage, {kOwner, kAdmin}, {}},
};

store::WorkspaceAccess ProjectOfMode(int32_t mode, bool disable_development) {
  store::WorkspaceAccess access;
  access.mode = mode;
  access.disable_development = disable_development;
  return access;
}

// `workspace` with the caller holding `roles` there.
store::WorkspaceAccess WithRoles(store::WorkspaceAccess workspace, std::vector<std::string> roles) {
  workspace.roles = std::move(roles);
  return workspace;
}

TEST(RolesGrantTest, EachRoleGrantsExactlyItsCapabilitiesInEachMode) {
  struct Workspace {
    std::string name;
    store::WorkspaceAccess project;
  };
  const std::vector<Workspace> workspaces = {
      {"basic", ProjectOfMode(2, false)},
      {"standard", ProjectOfMode(3, false)},
      {"basic, development disabled", ProjectOfMode(2, true)},
      {"standard, development disabled", ProjectOfMode(3, true)},
  };
  for (const Workspace& w : workspaces) {
    for (const CapabilityRow& row : kCapabilityMatrix) {
      for (const std::string& role : kAllRoles) {
        SCOPED_TRACE(w.name + ": " + role + " / " + std::string(openapi::ToString(row.capability)));
        bool expected =
            row.roles.contains(role) || (row.basic_mode_only.contains(role) && w.project.mode == 2);
        // Where development is disabled, the Develop role grants nothing.
        if (role == kDev && w.project.disable_development) expected = false;
        EXPECT_EQ(iam::RolesGrant(WithRoles(w.project, {role}), row.capability), expected);
      }
    }
  }
}

TEST(RolesGrantTest, DevelopMayDeployOnlyInABasicModeWorkspace) {
  struct Case {
    int32_t mode;
    bool expected;
  };
  for (const Case& c : {Case{2, true}, Case{3, false}}) {
    SCOPED_TRACE(c.mode);
    EXPECT_EQ(iam::RolesGrant(WithRoles(ProjectOfMode(c.mode, false), {kDev}), Capability::kDiDeploy),
              c.expected);
    // O&M deploys in both modes; the Deploy role in neither.
    EXPECT_TRUE(iam::RolesGrant(WithRoles(ProjectOfMode(c.mode, false), {kPe}), Capability::kDiDeploy));
    EXPECT_FALSE(iam::RolesGrant(WithRoles(ProjectOfMode(c.mode, false), {kDeploy}), Capability::kDiDeploy));
  }
}

TEST(RolesGrantTest, PermissionIsTheUnionOfTheRolesAndUnknownCodesGrantNothing) {
  const store::WorkspaceAccess basic = ProjectOfMode(2, false);
  EXPECT_TRUE(iam::RolesGrant(WithRoles(basic, {kGuest, kPe}), Capability::kDataSourceWrite));
  EXPECT_TRUE(iam::RolesGrant(WithRoles(basic, {kPe, kDev}), Capability::kDiTaskWrite));
  EXPECT_FALSE(iam::RolesGrant(WithRoles(basic, {kGuest, kDeploy}), Capability::kDataSourceWrite));
  EXPECT_FALSE(iam::RolesGrant(WithRoles(basic, {}), Capability::kWorkspaceRead));
  EXPECT_FALSE(iam::RolesGrant(WithRoles(basic, {"role_project_custom"}), Capability::kWorkspaceRead));
  // Where development is disabled, another role still counts.
  EXPECT_TRUE(iam::RolesGrant(WithRoles(ProjectOfMode(2, true), {kDev, kGuest}), Capability::kWorkspaceRead));
}

// A second workspace with DisableDevelopment=true, read back from the store:
// its Develop member may not write DI tasks (nor anything else), while it may
// in the first workspace; an administrator is not affected.
TEST_F(PermissionsTest, DevelopIsRefusedTaskWritesWhereDevelopmentIsDisabled) {
  store::NewProject locked;
  locked.identifier = "perm_no_dev";
  locked.mode = 2;
  locked.disable_development = true;
  auto created = store_->CreateProject(locked);
  ASSERT_TRUE(created.ok()) << created.error().message();
  const ProjectId no_dev = created->id;
  const Caller& dev = CallerNamed(kDev);
  const Caller& admin = CallerNamed(kAdmin);
  ASSERT_TRUE(store_->AddMemberRole(no_dev, dev.user_id, kDev).ok());
  ASSERT_TRUE(store_->AddMemberRole(no_dev, admin.user_id, kAdmin).ok());
  ASSERT_TRUE(AddScriptDataSources(no_dev));

  auto first = store_->GetWorkspaceAccess(project_, dev.user_id);
  auto second = store_->GetWorkspaceAccess(no_dev, dev.user_id);
  auto second_admin = store_->GetWorkspaceAccess(no_dev, admin.user_id);
  ASSERT_TRUE(first.ok() && second.ok() && second_admin.ok());
  ASSERT_TRUE(second->disable_development);
  EXPECT_EQ(second->roles, std::vector<std::string>{kDev});
  EXPECT_TRUE(iam::RolesGrant(*first, Capability::kDiTaskWrite));
  EXPECT_FALSE(iam::RolesGrant(*second, Capability::kDiTaskWrite));
  EXPECT_TRUE(iam::RolesGrant(*second_admin, Capability::kDiTaskWrite));

  // The same through the authorizer, with the roles the store holds.
  auto as = [](const Caller& c) { return openapi::Caller{c.key.id, c.user_id, c.superuser}; };
  struct Case {
    std::string name;
    const Caller* caller;
    ProjectId project;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {"dev, development enabled", &dev, project_, true},
      {"dev, development disabled", &dev, no_dev, false},
      {"admin, development disabled", &admin, no_dev, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = authorizer_->Authorize(as(*c.caller), Capability::kDiTaskWrite, c.project,
                                      ErrorCode::kDiNoPrivilege);
    if (c.allowed) {
      EXPECT_TRUE(s.ok()) << s.error().message();
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code(), ErrorCode::kDiNoPrivilege);
    }
  }

  // And through the API, with the one DI task Action registered so far.
  const std::string first_id = std::to_string(project_.value());
  const std::string second_id = std::to_string(no_dev.value());
  auto generate = [&](const std::string& project) {
    return ParamMap{{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"TaskParam", kTaskParam}};
  };
  EXPECT_EQ(Call(dev, "GenerateDISyncTaskConfigForCreating", generate(second_id)).answer,
            kNoPrivilege);
  EXPECT_EQ(Call(admin, "GenerateDISyncTaskConfigForCreating", generate(second_id)).answer, kOk);
  EXPECT_EQ(Call(dev, "GenerateDISyncTaskConfigForCreating", generate(first_id)).answer, kOk);
  // The Develop role grants nothing there, so even the connectivity
  // operations it may use elsewhere are refused.
  auto meta = [&](const std::string& project) {
    return ParamMap{{"ProjectId", project}, {"DatasourceName", kProbeName}};
  };
  EXPECT_EQ(Call(dev, "GetDataSourceMeta", meta(second_id)).answer, kNoPrivilege);
  EXPECT_EQ(Call(admin, "GetDataSourceMeta", meta(second_id)).answer, kOk);
  EXPECT_EQ(Call(dev, "GetDataSourceMeta", meta(first_id)).answer, kOk);
  // Nor may the Develop role be granted there.
  EXPECT_EQ(Call(admin, "AddProjectMemberToRole",
                 {{"ProjectId", second_id}, {"UserId", "spare"}, {"RoleCode", kDev}})
                .answer,
            (Answer{400, "Invalid.Param"}));
}

// The handlers that connect to a data source run on a pool of their own
// (openapi::Waits); every other route only uses the store.
TEST_F(PermissionsTest, OnlyTheRoutesThatConnectToADataSourceWaitOnOne) {
  std::vector<std::string> waiting;
  for (const std::string& action : router_.Actions()) {
    if (router_.Find(action)->spec.waits == openapi::Waits::kDataSource) waiting.push_back(action);
  }
  EXPECT_EQ(waiting, (std::vector<std::string>{"GetDataSourceMeta", "TestNetworkConnection"}));
}

}  // namespace
}  // namespace disync::api
