#include "bench/task_param.h"

#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace disync::bench {

std::string OneclickToHoloTaskParam(std::string_view name,
                                    const std::vector<std::string>& databases,
                                    const std::vector<std::vector<std::string>>& tables_of) {
  using Json = nlohmann::json;
  Json selected = Json::array();
  for (size_t d = 0; d < databases.size(); ++d) {
    Json infos = Json::array();
    for (const std::string& t : tables_of[d]) infos.push_back({{"table", t}});
    selected.push_back({{"dbName", databases[d]}, {"schema", {{{"tableInfos", infos}}}}});
  }
  Json script = {
      {"type", "realtime"},
      {"version", "1.0"},
      {"setting",
       {{"resourceGroup", kBenchResourceGroup}, {"taskType", "oneclick_to_holo"}, {"name", name}}},
      {"steps",
       {{{"stepType", "mysql"},
         {"name", "Reader"},
         {"category", "reader"},
         {"parameter",
          {{"connection",
            {{{"datasourceType", "mysql"},
              {"datasource", kBenchSourceDatasource},
              {"selectedTables", selected}}}}}}},
        {{"stepType", "holo"},
         {"name", "Writer"},
         {"category", "writer"},
         {"parameter", {{"datasource", kBenchTargetDatasource}}}}}}};
  return script.dump();
}

Result<void> CreateBenchDataSources(cli::ApiClient& client, const std::string& project,
                                    const MysqlServer& server, const std::string& database) {
  using Json = nlohmann::json;
  const Json mysql = {
      {"tag", "public"},
      {"jdbcUrl", fmt::format("jdbc:mysql://{}:{}/{}", server.host, server.port, database)},
      {"username", server.user},
      {"password", server.password}};
  const Json holo = {{"tag", "public"},
                     {"jdbcUrl", "jdbc:postgresql://holo.example:80/db"},
                     {"username", "u"},
                     {"password", "p"}};
  for (const auto& [name, type, content] : {std::tuple{kBenchSourceDatasource, "mysql", mysql},
                                            std::tuple{kBenchTargetDatasource, "holo", holo}}) {
    DISYNC_RETURN_IF_ERROR(CallOk(client, "CreateDataSource",
                                  {{"ProjectId", project},
                                   {"Name", name},
                                   {"DataSourceType", type},
                                   {"EnvType", "1"},
                                   {"Content", content.dump()}}));
  }
  return {};
}

}  // namespace disync::bench
