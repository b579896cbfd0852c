// A Clock for tests: time moves only when something sleeps on it (or advance() is called), so no
// test sleeps for real or depends on the machine's speed. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "cometapi/clock.hpp"

namespace cometapi::test {

class FakeClock final : public Clock {
 public:
  /// Called with every sleep's length, after time moved (e.g. to advance a simulator too).
  using SleepHook = std::function<void(std::chrono::milliseconds)>;

  explicit FakeClock(SleepHook on_sleep = {}) : on_sleep_(std::move(on_sleep)) {}

  time_point now() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return now_;
  }

  bool sleep_until(time_point until, const CancellationToken* cancel) const override {
    if (cancel && cancel->cancelled()) return false;
    std::chrono::milliseconds slept{0};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (until > now_) {
        slept = std::chrono::duration_cast<std::chrono::milliseconds>(until - now_);
        now_ = until;
      }
      sleeps_.push_back(slept);
    }
    if (on_sleep_) on_sleep_(slept);
    return !(cancel && cancel->cancelled());
  }

  void advance(std::chrono::milliseconds by) {
    std::lock_guard<std::mutex> lock(mutex_);
    now_ += by;
  }

  /// Every sleep so far, in order.
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sleeps_;
  }

  /// Time elapsed since construction.
  std::chrono::milliseconds elapsed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - time_point());
  }

 private:
  SleepHook on_sleep_;
  mutable std::mutex mutex_;
  mutable time_point now_{};
  mutable std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace cometapi::test
