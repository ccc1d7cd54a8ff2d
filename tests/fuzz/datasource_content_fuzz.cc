// Fuzzes the data source Content parser of every checked type, and masking:
// never a crash, and a masked Content holds no secret of the original.
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "connectors/datasource_content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr const char* kTypes[] = {"mysql", "postgresql", "holo", "odps", "kafka", "oss"};
  std::string_view type = kTypes[data[0] % 6];
  std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<disync::connectors::ContentProblem> problems;
  auto parsed = disync::connectors::ValidateContent(type, content, &problems);
  if (!parsed.ok()) {
    DISYNC_CHECK(!problems.empty());
    return 0;
  }
  auto masked = disync::connectors::MaskSecrets(parsed.value());
  if (masked.contains("password") && masked["password"].is_string()) {
    DISYNC_CHECK(masked["password"] == "***");
  }
  (void)disync::connectors::ConnectionFor(type, parsed.value());
  (void)disync::connectors::MergeMaskedSecrets(masked, parsed.value());
  return 0;
}
