#include "api/datasources.h"

#include <set>

#include "api/workspaces.h"
#include "common/time_format.h"
#include "connectors/datasource_content.h"
#include "connectors/introspector.h"

namespace disync::api {
namespace {

using connectors::ConnectionFor;
using connectors::ContentProblem;
using connectors::MaskSecrets;
using connectors::MergeMaskedSecrets;
using connectors::ValidateContent;
using openapi::ApiRequest;
using openapi::AuthLevel;
using openapi::Capability;
using openapi::Json;
using openapi::RouteSpec;
using openapi::Waits;

// The documented DataSourceType values, plus the types the Content examples
// and DI plugins use.
const std::set<std::string, std::less<>>& KnownTypes() {
  static const std::set<std::string, std::less<>> kTypes = {
      "odps",     "mysql",      "rds",   "oss",      "sqlserver",     "polardb",
      "oracle",   "mongodb",    "emr",   "postgresql", "analyticdb_for_mysql",
      "hybriddb_for_postgresql", "holo", "redis",   "kafka",         "datahub",
      "elasticsearch", "hive",  "hdfs",  "ftp",      "clickhouse",    "starrocks", "doris"};
  return kTypes;
}

Error ConnectionNotExists() {
  return {ErrorCode::kConnectionNotExists, "The connection does not exist."};
}

// The names of a data source operation in its two generations.
struct Naming {
  const char* type_param;  // "DataSourceType" | "ConnectionType"
  const char* id_param;    // "DataSourceId" | "ConnectionId"
  const char* list_key;    // "DataSources" | "Connections"
  bool int32_ids;          // ListConnections declares Id/ProjectId as int32
};
constexpr Naming kDataSourceNaming{"DataSourceType", "DataSourceId", "DataSources", false};
constexpr Naming kConnectionNaming{"ConnectionType", "ConnectionId", "Connections", true};

Result<int32_t> EnvTypeParam(const ApiRequest& r, bool required, int32_t fallback) {
  DISYNC_ASSIGN_OR_RETURN(auto env, r.GetInt("EnvType", 0, 1));
  if (!env && required) return r.Invalid("EnvType", "0 (development) or 1 (production)");
  return static_cast<int32_t>(env.value_or(fallback));
}

Result<std::optional<int32_t>> StatusParam(const ApiRequest& r) {
  std::string status = r.GetOr("Status", "");
  if (status.empty()) return std::optional<int32_t>();
  if (status == "ENABLED") return std::optional<int32_t>(1);
  if (status == "DISABLED") return std::optional<int32_t>(2);
  return r.Invalid("Status", "ENABLED or DISABLED");
}

Json DataSourceJson(const store::DataSource& ds, const Naming& naming) {
  Json content = Json::parse(ds.content, nullptr, /*allow_exceptions=*/false);
  std::string masked = content.is_discarded() ? "{}" : MaskSecrets(content).dump();
  Json out = Json::object();
  if (naming.int32_ids) {
    out["Id"] = static_cast<int32_t>(ds.id.value());
  } else {
    out["Id"] = ds.id.value();
  }
  out["Name"] = ds.name;
  out[naming.type_param] = ds.type;
  out["SubType"] = ds.sub_type;
  out["EnvType"] = ds.env_type;
  out["Content"] = masked;
  out["Description"] = ds.description;
  out["Status"] = ds.status;
  out["ConnectStatus"] = ds.status;
  out["ProjectId"] = static_cast<int32_t>(ds.project.value());
  out["TenantId"] = kTenantId;
  if (naming.int32_ids) {
    out["BindingCalcEngineId"] = 0;
  } else {
    out["BindingCalcEngineId"] = int64_t{0};
  }
  out["DefaultEngine"] = false;
  out["Shared"] = false;
  out["Sequence"] = static_cast<int32_t>(ds.id.value());
  out["Operator"] = ds.operator_user_id;
  out["GmtCreate"] = FormatJavaMediumUtc(ds.created);
  out["GmtModified"] = FormatJavaMediumUtc(ds.modified);
  return out;
}

// A data source the caller may act on with `capability`. One the caller
// cannot even read is answered exactly like one that does not exist.
Result<store::DataSource> AccessibleDataSource(store::MetadataStore& store, const ApiRequest& r,
                                               DataSourceId id, Capability capability) {
  auto found = store.GetDataSource(id);
  if (!found.ok()) {
    if (found.error().code() == ErrorCode::kNotFound) return ConnectionNotExists();
    return std::move(found).error();
  }
  auto visible = r.AuthorizeIn(found->project, Capability::kWorkspaceRead,
                               ErrorCode::kConnectionNotExists);
  if (!visible.ok()) {
    if (visible.error().code() == ErrorCode::kProjectNotExists) return ConnectionNotExists();
    return std::move(visible).error();
  }
  DISYNC_RETURN_IF_ERROR(r.AuthorizeIn(found->project, capability, ErrorCode::kDiNoPrivilege));
  return found;
}

class DataSourceApi {
 public:
  DataSourceApi(store::MetadataStore& store, const Clock& clock, DataSourceOptions options)
      : store_(store), clock_(clock), options_(options) {}

  Result<Json> Create(const ApiRequest& r, const Naming& naming) {
    ProjectId project(r.RequireInt("ProjectId").value());
    store::DataSource ds;
    ds.project = project;
    ds.name = r.GetOr("Name", "");
    ds.type = r.GetOr(naming.type_param, "");
    ds.sub_type = r.GetOr("SubType", "");
    ds.description = r.GetOr("Description", "");
    DISYNC_ASSIGN_OR_RETURN(ds.env_type, EnvTypeParam(r, /*required=*/true, 1));
    if (ds.name.size() > 128 || ds.name.find_first_of(" \t\r\n/\\") != std::string::npos) {
      return r.Invalid("Name", "1-128 characters without spaces or slashes");
    }
    if (!KnownTypes().contains(ds.type)) {
      return r.Invalid(naming.type_param, "a known data source type such as mysql, postgresql, "
                                          "holo, odps or kafka");
    }
    std::vector<ContentProblem> problems;
    DISYNC_ASSIGN_OR_RETURN(Json content, ValidateContent(ds.type, r.GetOr("Content", ""), &problems));
    ds.content = content.dump();
    ds.operator_user_id = r.caller().user_id;
    ds.created = ds.modified = clock_.Now();
    auto created = store_.CreateDataSource(ds);
    if (!created.ok() && created.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kInvalidParam,
                   "A data source named \"" + ds.name + "\" already exists in " +
                       (ds.env_type == 0 ? "the development" : "the production") +
                       " environment of this workspace.");
    }
    if (!created.ok()) return std::move(created).error();
    return Json{{"HttpStatusCode", "200"}, {"Success", true}, {"Data", created->id.value()}};
  }

  Result<Json> Update(const ApiRequest& r, const Naming& naming) {
    DataSourceId id(r.RequireInt(naming.id_param, 1, INT64_MAX).value());
    DISYNC_ASSIGN_OR_RETURN(store::DataSource ds,
                            AccessibleDataSource(store_, r, id, Capability::kDataSourceWrite));
    if (auto content = r.Get("Content"); content && !content->empty()) {
      std::vector<ContentProblem> problems;
      Json previous = Json::parse(ds.content, nullptr, false);
      // A secret sent back masked keeps its value; the type cannot change.
      Json sent = Json::parse(*content, nullptr, false);
      std::string merged = sent.is_object() ? MergeMaskedSecrets(sent, previous).dump()
                                            : std::string(*content);
      DISYNC_ASSIGN_OR_RETURN(Json checked, ValidateContent(ds.type, merged, &problems));
      ds.content = checked.dump();
    }
    if (auto d = r.Get("Description")) ds.description = std::string(*d);
    DISYNC_ASSIGN_OR_RETURN(ds.env_type, EnvTypeParam(r, /*required=*/false, ds.env_type));
    DISYNC_ASSIGN_OR_RETURN(auto status, StatusParam(r));
    if (status) ds.status = *status;
    ds.operator_user_id = r.caller().user_id;
    ds.modified = clock_.Now();
    auto updated = store_.UpdateDataSource(ds);
    if (!updated.ok() && updated.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kInvalidParam, "A data source named \"" + ds.name +
                                                 "\" already exists in that environment.");
    }
    if (!updated.ok()) return std::move(updated).error();
    return Json{{"HttpStatusCode", "200"}, {"Success", true}, {"Data", true}};
  }

  Result<Json> Delete(const ApiRequest& r, const Naming& naming) {
    DataSourceId id(r.RequireInt(naming.id_param, 1, INT64_MAX).value());
    DISYNC_ASSIGN_OR_RETURN(store::DataSource ds,
                            AccessibleDataSource(store_, r, id, Capability::kDataSourceWrite));
    DISYNC_RETURN_IF_ERROR(RefuseIfUsedByTasks(ds));
    auto deleted = store_.DeleteDataSource(ds.id);
    if (!deleted.ok() && deleted.error().code() == ErrorCode::kNotFound) {
      return ConnectionNotExists();
    }
    if (!deleted.ok()) return std::move(deleted).error();
    return Json{{"HttpStatusCode", "200"}, {"Success", true}, {"Data", true}};
  }

  // A data source a sync task of its workspace names (by name, in either
  // environment) stays until the tasks stop using it.
  Status RefuseIfUsedByTasks(const store::DataSource& ds) {
    DISYNC_ASSIGN_OR_RETURN(std::vector<store::Task> tasks,
                            store_.TasksUsingDataSource(ds.project, ds.name));
    if (tasks.empty()) return OkStatus();
    std::string names;
    for (const store::Task& task : tasks) {
      if (!names.empty()) names += ", ";
      names += "\"" + task.name + "\" (FileId " + std::to_string(task.file_id.value()) + ")";
    }
    return Error(ErrorCode::kInvalidOperation,
                 "The data source \"" + ds.name + "\" is used by sync tasks: " + names +
                     "; delete or change them first.");
  }

  Result<Json> List(const ApiRequest& r, const Naming& naming) {
    DISYNC_ASSIGN_OR_RETURN(auto paging, r.GetPaging());
    store::ListDataSourcesQuery q;
    q.project = ProjectId(r.RequireInt("ProjectId").value());
    q.name = r.GetOr("Name", "");
    q.type = r.GetOr(naming.type_param, "");
    q.sub_type = r.GetOr("SubType", "");
    DISYNC_ASSIGN_OR_RETURN(auto env, r.GetInt("EnvType", 0, 1));
    if (env) q.env_type = static_cast<int32_t>(*env);
    DISYNC_ASSIGN_OR_RETURN(q.status, StatusParam(r));
    q.page_number = paging.page_number;
    q.page_size = paging.page_size;
    DISYNC_ASSIGN_OR_RETURN(store::DataSourcePage page, store_.ListDataSources(q));
    Json list = Json::array();
    for (const auto& ds : page.data_sources) list.push_back(DataSourceJson(ds, naming));
    return Json{{"Success", true},
                {"HttpStatusCode", 200},
                {"Data", Json{{"PageNumber", paging.page_number},
                              {"PageSize", paging.page_size},
                              {"TotalCount", static_cast<int32_t>(page.total_count)},
                              {naming.list_key, std::move(list)}}}};
  }

  // The data source named in a connectivity operation, and where it is.
  Result<connectors::ConnectionConfig> Target(const ApiRequest& r, bool env_required,
                                              store::DataSource* out) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(int32_t env, EnvTypeParam(r, env_required, 1));
    std::string name = r.GetOr("DatasourceName", "");
    auto ds = store_.GetDataSourceByName(project, env, name);
    if (!ds.ok()) {
      if (ds.error().code() == ErrorCode::kNotFound) return ConnectionNotExists();
      return std::move(ds).error();
    }
    *out = *ds;
    Json content = Json::parse(ds->content, nullptr, false);
    auto config = ConnectionFor(ds->type, content);
    if (!config.ok()) {
      return Error(ErrorCode::kInvalidParam, "Data source \"" + name + "\" of type \"" +
                                                 ds->type + "\" cannot be reached by disync; "
                                                 "mysql, postgresql and holo can.");
    }
    config->connect_timeout = options_.connect_timeout;
    config->read_timeout = options_.read_timeout;
    return config;
  }

  Result<Json> TestNetworkConnection(const ApiRequest& r) {
    std::string group = r.GetOr("ResourceGroup", "");
    auto rg = store_.GetResourceGroup(group);
    if (!rg.ok()) {
      if (rg.error().code() != ErrorCode::kNotFound) return std::move(rg).error();
      return Error(ErrorCode::kInvalidParam, "The resource group \"" + group + "\" does not exist.");
    }
    store::DataSource ds;
    DISYNC_ASSIGN_OR_RETURN(auto config, Target(r, /*env_required=*/true, &ds));
    Status reached = [&]() -> Status {
      DISYNC_ASSIGN_OR_RETURN(auto introspector, connectors::ConnectIntrospector(config));
      return introspector->Ping();
    }();
    Json task = reached.ok()
                    ? Json{{"ConnectStatus", true}, {"ConnectMessage", "Connectable"}}
                    : Json{{"ConnectStatus", false}, {"ConnectMessage", reached.error().message()}};
    return Json{{"Success", true}, {"TaskList", std::move(task)}};
  }

  Result<Json> GetDataSourceMeta(const ApiRequest& r) {
    store::DataSource ds;
    DISYNC_ASSIGN_OR_RETURN(auto config, Target(r, /*env_required=*/false, &ds));
    DISYNC_ASSIGN_OR_RETURN(auto number, r.GetInt("PageNumber", 1, INT32_MAX));
    DISYNC_ASSIGN_OR_RETURN(auto size, r.GetInt("PageSize", 1, 10000));
    auto fail = [](const Error& e) {
      return Json{{"Success", true},
                  {"Data", Json{{"Status", "fail"}, {"Message", e.message()}, {"Meta", ""}}}};
    };
    auto introspector = connectors::ConnectIntrospector(config);
    if (!introspector.ok()) return fail(introspector.error());
    auto databases = (*introspector)->ListDatabases();
    if (!databases.ok()) return fail(databases.error());
    // Tables are paged over the flattened (database, table) list; without
    // paging parameters every table is listed.
    int64_t first = size ? (number.value_or(1) - 1) * *size : 0;
    int64_t limit = size ? *size : INT64_MAX;
    int64_t index = 0;
    Json db_tables = Json::array();
    for (const auto& db : *databases) {
      auto tables = (*introspector)->ListTables(db);
      if (!tables.ok()) return fail(tables.error());
      Json schema = Json::array();
      for (const auto& t : *tables) {
        if (index >= first && index < first + limit) {
          schema.push_back(Json{{"tableInfos", Json::array({Json{{"dbName", db},
                                                                  {"enable", true},
                                                                  {"table", t},
                                                                  {"tableName", t}}})}});
        }
        ++index;
      }
      if (!schema.empty() || !size) db_tables.push_back(Json{{"dbName", db}, {"schema", schema}});
    }
    Json meta = Json{{"dbTables", std::move(db_tables)}};
    return Json{{"Success", true},
                {"Data", Json{{"Status", "success"}, {"Message", ""}, {"Meta", meta.dump()}}}};
  }

 private:
  store::MetadataStore& store_;
  const Clock& clock_;
  const DataSourceOptions options_;
};

}  // namespace

void RegisterDataSourceRoutes(openapi::Router& router, store::MetadataStore& store,
                              const Clock& clock, DataSourceOptions options) {
  // Owned by the handlers; lives as long as the router's routes.
  auto api = std::make_shared<DataSourceApi>(store, clock, options);
  auto spec = [](std::string action, Capability capability, std::vector<std::string> required,
                 std::string project_param) {
    openapi::RouteSpec s;
    s.action = std::move(action);
    s.auth = AuthLevel::kWorkspace;
    s.capability = capability;
    s.required = std::move(required);
    s.project_param = std::move(project_param);
    s.denied_code = ErrorCode::kDiNoPrivilege;
    s.invalid_code = ErrorCode::kInvalidParameter;
    return s;
  };
  for (const Naming* naming : {&kDataSourceNaming, &kConnectionNaming}) {
    bool old = naming == &kConnectionNaming;
    std::string noun = old ? "Connection" : "DataSource";
    router.Register(spec("Create" + noun, Capability::kDataSourceWrite,
                         {"ProjectId", "Name", naming->type_param, "EnvType", "Content"},
                         "ProjectId"),
                    [api, naming](const ApiRequest& r) { return api->Create(r, *naming); });
    router.Register(spec("Update" + noun, Capability::kDataSourceWrite, {naming->id_param}, ""),
                    [api, naming](const ApiRequest& r) { return api->Update(r, *naming); });
    router.Register(spec("Delete" + noun, Capability::kDataSourceWrite, {naming->id_param}, ""),
                    [api, naming](const ApiRequest& r) { return api->Delete(r, *naming); });
    router.Register(spec("List" + noun + "s", Capability::kWorkspaceRead, {"ProjectId"},
                         "ProjectId"),
                    [api, naming](const ApiRequest& r) { return api->List(r, *naming); });
  }
  RouteSpec test_connection =
      spec("TestNetworkConnection", Capability::kDataSourceUse,
           {"ProjectId", "DatasourceName", "EnvType", "ResourceGroup"}, "ProjectId");
  test_connection.waits = Waits::kDataSource;
  router.Register(std::move(test_connection),
                  [api](const ApiRequest& r) { return api->TestNetworkConnection(r); });
  RouteSpec meta = spec("GetDataSourceMeta", Capability::kDataSourceUse,
                        {"ProjectId", "DatasourceName"}, "ProjectId");
  meta.waits = Waits::kDataSource;
  router.Register(std::move(meta),
                  [api](const ApiRequest& r) { return api->GetDataSourceMeta(r); });
}

}  // namespace disync::api
