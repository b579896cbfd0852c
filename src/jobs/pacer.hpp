// The submit pace of a JobRunner: a window of tasks allowed in flight, lowered by refusals that
// created nothing (queue full, 429) and raised again by finished tasks: additive increase,
// multiplicative decrease, as TCP does with its congestion window.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace cometapi::detail {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  Pacer(int max_in_flight, std::chrono::milliseconds backoff)
      : cap_(std::max(1, max_in_flight)), window_(cap_), backoff_(backoff) {}

  // May one more task be submitted now, with `in_flight` tasks running?
  bool may_submit(int in_flight, Clock::time_point now) const {
    return now >= not_before_ && in_flight < static_cast<int>(window_);
  }
  // When may_submit() can next turn true for time reasons.
  Clock::time_point not_before() const { return not_before_; }

  // A refusal that created nothing: halve the window (never below one task) and wait, longer
  // after each refusal in a row; a longer Retry-After from the service wins.
  void refused(Clock::time_point now, std::optional<std::chrono::milliseconds> retry_after) {
    window_ = std::max(1.0, window_ / 2);
    auto wait = backoff_ * (1 << std::min(in_a_row_, 4));
    if (retry_after && *retry_after > wait) wait = *retry_after;
    not_before_ = now + wait;
    ++in_a_row_;
  }
  // A submit that was accepted: the refusals in a row are over.
  void accepted() { in_a_row_ = 0; }
  // A task that finished: one more task per window's worth of finished tasks.
  void finished() { window_ = std::min<double>(cap_, window_ + 1.0 / window_); }

  double window() const { return window_; }

 private:
  int cap_;
  double window_;
  std::chrono::milliseconds backoff_;
  Clock::time_point not_before_{};
  int in_a_row_ = 0;
};

}  // namespace cometapi::detail
