// The few MariaDB calls the benchmarks make to set up their source
// databases and to read the baseline, on libmariadb (the client library
// disyncd's MySQL connector uses too). Thread-compatible: one connection per
// thread.
#ifndef DISYNC_BENCH_MYSQL_CLIENT_H_
#define DISYNC_BENCH_MYSQL_CLIENT_H_

#include <mysql.h>

#include <memory>
#include <string>

#include "bench/disyncd_process.h"
#include "common/result.h"

namespace disync::bench {

struct MysqlDeleter {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlDeleter>;

enum class Statements { kOne, kMany };

Result<MysqlPtr> ConnectMysql(const MysqlServer& server, Statements statements = Statements::kOne);
// Runs `sql` (several statements with Statements::kMany) and drains every result.
Result<void> ExecMysql(MYSQL* m, const std::string& sql);
// The first column of the first row of `sql`, as text ("" when NULL or no row).
Result<std::string> QueryMysqlText(MYSQL* m, const std::string& sql);
// The same as a number (0 when NULL or no row).
Result<long long> QueryMysqlNumber(MYSQL* m, const std::string& sql);

}  // namespace disync::bench

#endif  // DISYNC_BENCH_MYSQL_CLIENT_H_
