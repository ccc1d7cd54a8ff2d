// Fuzzes the TaskContent validator of CreateDISyncTask / UpdateDISyncTask for
// every task type: any bytes are accepted or refused with at least one
// problem, never a crash.
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "di/task_content.h"

namespace {

class AnyReferences final : public disync::di::ScriptReferences {
 public:
  std::optional<std::string> DataSourceType(const std::string& name) const override {
    for (const char* type : {"odps", "holo", "kafka", "mysql", "stream", "postgresql"}) {
      if (name.rfind(type, 0) == 0) return std::string(type);
    }
    return std::nullopt;
  }
  bool ResourceGroupExists(const std::string& id) const override { return id.rfind("S_", 0) == 0; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const AnyReferences refs;
  static constexpr disync::di::TaskType kTypes[] = {disync::di::TaskType::kOffline,
                                                    disync::di::TaskType::kRealtime,
                                                    disync::di::TaskType::kSolution};
  std::vector<disync::di::Problem> problems;
  auto info = disync::di::ValidateTaskContent(
      kTypes[data[0] % 3], std::string_view(reinterpret_cast<const char*>(data + 1), size - 1),
      refs, &problems);
  DISYNC_CHECK(info.ok() == problems.empty());
  return 0;
}
