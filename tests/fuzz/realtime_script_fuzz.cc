// Fuzzes the TaskParam validator: any bytes are accepted or refused with
// Invalid.DI.Parameter and at least one problem, never a crash.
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "di/realtime_script.h"

namespace {

class AnyReferences final : public disync::di::ScriptReferences {
 public:
  std::optional<std::string> DataSourceType(const std::string& name) const override {
    if (name.rfind("odps", 0) == 0) return "odps";
    if (name.rfind("holo", 0) == 0) return "holo";
    if (name.rfind("kafka", 0) == 0) return "kafka";
    if (name.rfind("mysql", 0) == 0) return "mysql";
    return std::nullopt;
  }
  bool ResourceGroupExists(const std::string& id) const override { return id.rfind("S_", 0) == 0; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const AnyReferences refs;
  std::vector<disync::di::Problem> problems;
  auto script = disync::di::ParseRealtimeScript(
      std::string_view(reinterpret_cast<const char*>(data), size), refs, &problems);
  if (script.ok()) {
    DISYNC_CHECK(problems.empty());
  } else {
    DISYNC_CHECK(script.error().code() == disync::ErrorCode::kDiInvalidParameter);
    DISYNC_CHECK(!problems.empty());
  }
  return 0;
}
