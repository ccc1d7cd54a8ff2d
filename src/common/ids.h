// Strong ids: a ProjectId cannot be passed where a FileId is expected.
// Thread-safety: value types.
#ifndef DISYNC_COMMON_IDS_H_
#define DISYNC_COMMON_IDS_H_

#include <compare>
#include <cstdint>
#include <functional>

namespace disync {

template <typename Tag>
class StrongId {
 public:
  constexpr StrongId() = default;
  constexpr explicit StrongId(int64_t value) : value_(value) {}
  constexpr int64_t value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  int64_t value_ = 0;
};

using ProjectId = StrongId<struct ProjectIdTag>;
using ProcessId = StrongId<struct ProcessIdTag>;
using FileId = StrongId<struct FileIdTag>;
using DataSourceId = StrongId<struct DataSourceIdTag>;

}  // namespace disync

template <typename Tag>
struct std::hash<disync::StrongId<Tag>> {
  size_t operator()(const disync::StrongId<Tag>& id) const noexcept {
    return std::hash<int64_t>()(id.value());
  }
};

#endif  // DISYNC_COMMON_IDS_H_
