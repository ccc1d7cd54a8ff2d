// Result<T>: a value or an Error, the return type of every fallible call
// (std::expected is C++23; g++ 12 builds C++20).
//
//   Result<Project> r = store.GetProject(id);
//   if (!r.ok()) return r.error();
//   Use(r.value());
//
// DISYNC_ASSIGN_OR_RETURN and DISYNC_RETURN_IF_ERROR shorten the early return.
// Thread-safety: a value type, like the T it holds.
#ifndef DISYNC_COMMON_RESULT_H_
#define DISYNC_COMMON_RESULT_H_

#include <type_traits>
#include <utility>
#include <variant>

#include "common/check.h"
#include "common/error.h"

namespace disync {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    DISYNC_CHECK(ok());
    return std::get<0>(v_);
  }
  T& value() & {
    DISYNC_CHECK(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    DISYNC_CHECK(ok());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const& {
    DISYNC_CHECK(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    DISYNC_CHECK(!ok());
    return std::get<1>(std::move(v_));
  }

  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    DISYNC_CHECK(!ok_);
    return error_;
  }
  Error&& error() && {
    DISYNC_CHECK(!ok_);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace disync

#define DISYNC_CONCAT_INNER_(a, b) a##b
#define DISYNC_CONCAT_(a, b) DISYNC_CONCAT_INNER_(a, b)

#define DISYNC_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    auto disync_status_ = (expr);                     \
    if (!disync_status_.ok()) {                       \
      return std::move(disync_status_).error();       \
    }                                                 \
  } while (0)

#define DISYNC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).error();       \
  lhs = std::move(tmp).value()

#define DISYNC_ASSIGN_OR_RETURN(lhs, expr) \
  DISYNC_ASSIGN_OR_RETURN_IMPL_(DISYNC_CONCAT_(disync_result_, __LINE__), lhs, expr)

#endif  // DISYNC_COMMON_RESULT_H_
