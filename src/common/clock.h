// Clock: the one source of wall-clock time, injected so that tests control it
// (tests/fakes/fake_clock.h). Thread-safety: implementations are thread-safe.
#ifndef DISYNC_COMMON_CLOCK_H_
#define DISYNC_COMMON_CLOCK_H_

#include <chrono>

namespace disync {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace disync

#endif  // DISYNC_COMMON_CLOCK_H_
