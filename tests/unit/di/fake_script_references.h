// An in-memory ScriptReferences for the di tests: the data sources and
// resource groups of one imaginary workspace. Thread-compatible.
#ifndef DISYNC_TESTS_UNIT_DI_FAKE_SCRIPT_REFERENCES_H_
#define DISYNC_TESTS_UNIT_DI_FAKE_SCRIPT_REFERENCES_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "di/realtime_script.h"

namespace disync::di {

class FakeScriptReferences : public ScriptReferences {
 public:
  // The workspace every sample script of scripts.md section 2 resolves in.
  static FakeScriptReferences Samples() {
    FakeScriptReferences refs;
    refs.datasources = {
        {"mysql_pub", "mysql"},   {"mysql_pub1", "mysql"}, {"pkset_test", "mysql"},
        {"mysql_crm", "mysql"},   {"odps_source", "odps"}, {"odps_first", "odps"},
        {"holo", "holo"},         {"azn_kafka", "kafka"},
    };
    refs.resource_groups = {"S_res_group_280749521950784_1623033752022"};
    return refs;
  }

  std::optional<std::string> DataSourceType(const std::string& name) const override {
    auto it = datasources.find(name);
    if (it == datasources.end()) return std::nullopt;
    return it->second;
  }
  bool ResourceGroupExists(const std::string& identifier) const override {
    return resource_groups.count(identifier) > 0;
  }

  std::map<std::string, std::string> datasources;  // name -> type
  std::set<std::string> resource_groups;
};

}  // namespace disync::di

#endif  // DISYNC_TESTS_UNIT_DI_FAKE_SCRIPT_REFERENCES_H_
