// What the benchmarks ask disyncd to generate: a oneclick_to_holo script of
// one MySQL reader (data source "mysql_src") selecting whole lists of tables
// per database, written to data source "holo_dst" in resource group
// kBenchResourceGroup, and the two data sources. gen_scale and api_load send
// it to disyncd; the generator benchmark parses it in-process.
//
// Stateless; safe from any thread.
#ifndef DISYNC_BENCH_TASK_PARAM_H_
#define DISYNC_BENCH_TASK_PARAM_H_

#include <string>
#include <string_view>
#include <vector>

#include "bench/disyncd_process.h"
#include "common/result.h"
#include "tools/cli/client.h"

namespace disync::bench {

inline constexpr char kBenchSourceDatasource[] = "mysql_src";
inline constexpr char kBenchTargetDatasource[] = "holo_dst";

// `tables_of[d]` are the tables selected in `databases[d]`.
std::string OneclickToHoloTaskParam(std::string_view name,
                                    const std::vector<std::string>& databases,
                                    const std::vector<std::vector<std::string>>& tables_of);

// Creates kBenchSourceDatasource (MySQL: `server`, URL naming `database`) and
// kBenchTargetDatasource (Hologres, never connected to) in `project`.
Result<void> CreateBenchDataSources(cli::ApiClient& client, const std::string& project,
                                    const MysqlServer& server, const std::string& database);

}  // namespace disync::bench

#endif  // DISYNC_BENCH_TASK_PARAM_H_
