// When the next poll goes out: the one schedule TaskPoller::wait and TaskWatcher share.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "cometapi/clock.hpp"
#include "waiting/sync_estimator.hpp"

namespace cometapi::detail {

/// The configured intervals: first, then each one `factor` times the last, capped at `max`
/// (TaskWatcher: first = max, factor 1).
struct Intervals {
  std::chrono::milliseconds first;
  double factor;
  std::chrono::milliseconds max;
  /// The learned schedule never sleeps longer than this either.
  std::chrono::milliseconds learned_max;
};

/// One waiter's schedule (a wait, or a watcher's cycles). With an estimator (the learned
/// schedule) it polls just after each pass the estimator expects, once per pass, plus a follow-up
/// when a pass seems late and, now and then, a probe just before one; it uses the configured
/// intervals while the estimator has no estimate. Without one it is the configured intervals
/// alone. Not thread-safe: one per waiter.
class PollPlanner {
 public:
  PollPlanner(std::shared_ptr<SyncEstimator> estimator, Intervals intervals);

  /// A poll at `at` answered. `changed`: what it showed differs from the poll before, whose
  /// answer was last seen unchanged at `since` (so a pass happened in (since, at]). `running`:
  /// the task is IN_PROGRESS, so it moves at every pass (an unchanged answer then says no pass
  /// came since).
  void answered(Clock::time_point at, bool changed, std::optional<Clock::time_point> since,
                bool running = false);
  /// A poll failed (the next one goes out sooner under the learned schedule).
  void failed();
  /// How long to sleep before the next poll, from `now`.
  std::chrono::milliseconds next_delay(Clock::time_point now);

  /// After the pass's window, the poll waits this long more.
  static constexpr std::int64_t kMargin = 200;
  /// A probe goes out this long before a pass's window.
  static constexpr std::int64_t kProbeLead = 300;
  /// A follow-up poll after an expected change that did not show goes out this much later; so
  /// does an After probe, after the poll that follows the window.
  static constexpr std::int64_t kFollowUp = 1500;
  /// While there is no estimate, polls are at most this far apart (half the gateway's usual
  /// 15 s), so that each change seen brackets its pass narrowly enough to learn from.
  static constexpr std::int64_t kLearningPace = 7500;

 private:
  std::chrono::milliseconds configured();

  std::shared_ptr<SyncEstimator> estimator_;
  Intervals intervals_;
  std::chrono::milliseconds interval_;             // the configured schedule's current interval
  bool started_ = false;                           // configured(): the first interval given
  bool changed_ = false, changed_before_ = false;  // what the last two answers showed
  bool failed_ = false, followed_up_ = false;
  bool capped_ = false;  // the poll out now was brought forward by learned_max
  SyncEstimator::Probe probing_ = SyncEstimator::Probe::None;  // what the poll out now is
  // An After probe is due once the poll after this time (a pass's window) has answered.
  std::optional<std::int64_t> after_probe_;
  // Times, not pass numbers: a refit renumbers the passes (they count from the time line's zero).
  std::int64_t probed_pass_end_ = 0;         // half a period after the probed pass's window
  std::optional<std::int64_t> skip_before_;  // the next poll is for a pass whose window ends later
  std::optional<std::int64_t> last_answer_;  // ms
  double varied_ = 0;                        // the learning pace's variation, in [0, 1)
};

/// Milliseconds on the Clock's time line.
inline std::int64_t to_ms(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace cometapi::detail
