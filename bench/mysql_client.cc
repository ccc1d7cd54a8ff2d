#include "bench/mysql_client.h"

#include <cstdlib>

namespace disync::bench {

Result<MysqlPtr> ConnectMysql(const MysqlServer& server, Statements statements) {
  MysqlPtr m(mysql_init(nullptr));
  if (!m) return Error::Internal("mysql_init failed");
  const unsigned long flags = statements == Statements::kMany ? CLIENT_MULTI_STATEMENTS : 0;
  if (mysql_real_connect(m.get(), server.host.c_str(), server.user.c_str(),
                         server.password.c_str(), nullptr, server.port, nullptr, flags) == nullptr) {
    return Error::Unavailable(std::string("cannot connect to MariaDB: ") + mysql_error(m.get()));
  }
  return m;
}

Result<void> ExecMysql(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m));
  }
  for (;;) {
    if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
    int next = mysql_next_result(m);
    if (next < 0) break;
    if (next > 0) return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m));
  }
  return {};
}

Result<std::string> QueryMysqlText(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) {
    return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m));
  }
  MYSQL_RES* res = mysql_store_result(m);
  if (res == nullptr) return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m));
  MYSQL_ROW row = mysql_fetch_row(res);
  std::string text = row != nullptr && row[0] != nullptr ? row[0] : "";
  mysql_free_result(res);
  return text;
}

Result<long long> QueryMysqlNumber(MYSQL* m, const std::string& sql) {
  DISYNC_ASSIGN_OR_RETURN(const std::string text, QueryMysqlText(m, sql));
  return std::atoll(text.c_str());
}

}  // namespace disync::bench
