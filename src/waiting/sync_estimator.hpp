// When the gateway's bulk passes happen, learned from what the waits see change. Shared by every
// TaskPoller and TaskWatcher of one client (see docs/waiting.md, "The learned schedule").
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

namespace cometapi {
class CometClient;
}  // namespace cometapi

namespace cometapi::detail {

/// The gateway refreshes every task in one pass every `period` (see docs/service-notes.md, Sync
/// lag). A waiter that saw a task in one state at time `a` and in another at `b` knows that a pass
/// happened in (a, b]; such intervals, from every task of a client, pin down the period and when in
/// it the passes fall. Times are milliseconds on the client's Clock. Thread-safe.
class SyncEstimator {
 public:
  /// What the observations agree on: a pass in [lo + k * period, hi + k * period] for every k.
  struct Estimate {
    std::int64_t period = 0;
    std::int64_t lo = 0, hi = 0;  ///< the window of pass 0; hi - lo is the uncertainty
    /// How far off the period may be; the windows widen by this per pass away from `anchor`.
    std::int64_t spread = 0;
    std::int64_t anchor = 0;  ///< the newest observation
    /// The index of the first pass whose window ends at or after `t`.
    std::int64_t pass_after(std::int64_t t) const;
    /// The window of pass k.
    std::int64_t window_lo(std::int64_t k) const;
    std::int64_t window_hi(std::int64_t k) const;

   private:
    std::int64_t passes_from_anchor(std::int64_t k) const;
  };

  /// A task was seen unchanged at `before` and changed at `at`: a pass happened in (before, at].
  void observe_change(std::int64_t before, std::int64_t at);
  /// A task that changed at its poll at `before` (so it moves with every pass) showed no change at
  /// `at`: most likely no pass happened in (before, at]. Weighed like a change; a task may go
  /// quiet.
  void observe_quiet(std::int64_t before, std::int64_t at);
  /// The current estimate; std::nullopt while the observations are too few, too vague, or do not
  /// agree on one period and window (the waiters then use their configured intervals).
  std::optional<Estimate> estimate();
  /// An extra poll around one pass, besides the one just after its window.
  enum class Probe {
    None,
    Before,  ///< before the window ends: narrows it, or catches a pass that comes early
    After,   ///< a while after the usual poll: catches a window that sits before the passes
  };
  /// Whether the waiter asking should probe the pass whose window's middle is at `middle`, and
  /// how: Before and After in turn. Granted to one waiter for one pass in `every` (passes
  /// `period` apart).
  Probe claim_probe(std::int64_t middle, std::int64_t period, std::int64_t every);

  /// Once the window is narrow, one pass in this many is probed (claim_probe).
  static constexpr std::int64_t kProbeEvery = 12;
  /// A window wider than this is no estimate (nor one that grew so wide further from the
  /// observations, as the period's uncertainty adds up with each pass).
  static constexpr std::int64_t kMaxWindow = 3000;

 private:
  struct Interval {
    std::int64_t a, b;
    bool quiet;  // observe_quiet
  };
  void add(Interval i);
  void refit();
  // The estimate from periods in [first, last] (give or take a step).
  std::optional<Estimate> fine(std::int64_t first, std::int64_t last) const;

  std::mutex mutex_;
  std::deque<Interval> intervals_;  // newest last
  std::optional<Estimate> fit_;
  bool dirty_ = false;
  std::optional<std::int64_t> last_probe_;   // the middle of the last probed window
  bool after_next_ = false;                  // the next narrow probe is After
  std::optional<std::int64_t> last_coarse_;  // the newest observation at the last coarse search
  std::int64_t coarse_every_ = 1000;         // ms observed between coarse searches
  // The starts of the recent observations that the estimate did not explain (add()).
  std::deque<std::int64_t> misfits_;
  static constexpr std::int64_t kRecentChecks = 16;  // passes
};

/// The estimator every TaskPoller and TaskWatcher of this client (and of its copies) shares.
std::shared_ptr<SyncEstimator> sync_estimator_of(const CometClient& client);

}  // namespace cometapi::detail
