// FakeClock: a Clock that tests set and advance. Thread-safe.
#ifndef DISYNC_TESTS_FAKES_FAKE_CLOCK_H_
#define DISYNC_TESTS_FAKES_FAKE_CLOCK_H_

#include <mutex>

#include "common/clock.h"

namespace disync::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point now) : now_(now) {}
  std::chrono::system_clock::time_point Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Set(std::chrono::system_clock::time_point t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }
  void Advance(std::chrono::system_clock::duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::system_clock::time_point now_;
};

}  // namespace disync::testing

#endif  // DISYNC_TESTS_FAKES_FAKE_CLOCK_H_
