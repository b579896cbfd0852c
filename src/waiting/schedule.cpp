// PollPlanner: the configured intervals, or just after each pass the estimator expects.
#include "waiting/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace cometapi::detail {

using std::chrono::milliseconds;

PollPlanner::PollPlanner(std::shared_ptr<SyncEstimator> estimator, Intervals intervals)
    : estimator_(std::move(estimator)), intervals_(intervals), interval_(intervals.first) {}

milliseconds PollPlanner::configured() {
  if (!started_) {
    started_ = true;
    interval_ = intervals_.first;
    return interval_;
  }
  // In doubles, capped before the conversion: any factor the caller sets stays defined.
  const double factor = std::isnan(intervals_.factor) ? 1.0 : intervals_.factor;
  const double grown = static_cast<double>(interval_.count()) * std::max(1.0, factor);
  interval_ = milliseconds(
      static_cast<long long>(std::min(grown, static_cast<double>(intervals_.max.count()))));
  return interval_;
}

void PollPlanner::answered(Clock::time_point at, bool changed,
                           std::optional<Clock::time_point> since, bool running) {
  failed_ = false;
  last_answer_ = to_ms(at);
  if (since && estimator_) {
    if (changed) estimator_->observe_change(to_ms(*since), to_ms(at));
    // The task runs and moved at its last answer, so it moves with the passes: none came since.
    if (!changed && changed_ && running) estimator_->observe_quiet(to_ms(*since), to_ms(at));
  }
  const SyncEstimator::Probe probe = std::exchange(probing_, SyncEstimator::Probe::None);
  const bool capped = std::exchange(capped_, false);
  // A probe, or a poll that the cap brought before its window: no change is what was expected,
  // and the state stays as the last poll left it (no follow-up for a pass that looks late).
  if ((probe != SyncEstimator::Probe::None || capped) && !changed) return;
  // Before: the pass came early, no need to poll after it. (After: the pass came later than its
  // window; the estimator moves the window.)
  if (probe == SyncEstimator::Probe::Before) skip_before_ = probed_pass_end_;
  changed_before_ = changed_;
  changed_ = changed;
  if (changed) followed_up_ = false;
}

void PollPlanner::failed() {
  failed_ = true;
  capped_ = false;
  probing_ = SyncEstimator::Probe::None;
  after_probe_.reset();
}

milliseconds PollPlanner::next_delay(Clock::time_point now) {
  std::optional<SyncEstimator::Estimate> e = estimator_ ? estimator_->estimate() : std::nullopt;
  const std::int64_t t = to_ms(now);
  // The first pass not yet polled after: whose window ends less than half the margin ago or
  // later. (A poll that the sleep cap brought a little early still counts.)
  std::int64_t k = e ? e->pass_after(t - kMargin / 2 + 1) : 0;
  if (e && skip_before_) k = std::max(k, e->pass_after(*skip_before_));
  // The last answer showed a change and came after pass k's window (the estimate may have moved
  // the window since): that pass is seen. An answer inside a window does not say which pass it
  // saw, so the poll after the window still goes out.
  while (e && changed_ && last_answer_ && e->window_hi(k) < *last_answer_) ++k;
  skip_before_.reset();
  // Too far from what was seen to know the window well enough.
  if (e && e->window_hi(k) - e->window_lo(k) > SyncEstimator::kMaxWindow) e.reset();
  // The After probe that the last pass's poll was to be followed by.
  if (e && after_probe_ && last_answer_ && *last_answer_ >= *after_probe_) {
    after_probe_.reset();
    probing_ = SyncEstimator::Probe::After;
    return milliseconds(kFollowUp);
  }
  if (!e) after_probe_.reset();
  // No estimate (or it stopped fitting): the configured intervals, where they would be had they
  // run all along (starting them over would cost every waiter a burst of polls).
  if (!e) {
    const milliseconds d = configured();
    if (!estimator_ || !last_answer_) return d;
    // Learning: a change seen over a whole period brackets nothing, so the polls stay within
    // kLearningPace of each other (half the usual period) until the passes are known. At a fixed
    // pace every poll falls at the same point between two passes, which tells nothing of where
    // they are: at the cap the pace varies (shorter only, 70 to 100 %).
    if (d < intervals_.max && d < milliseconds(kLearningPace)) return d;
    const double pace = static_cast<double>(std::min<std::int64_t>(d.count(), kLearningPace));
    varied_ = std::fmod(varied_ + 0.6180339887, 1.0);
    return milliseconds(static_cast<long long>(pace * (0.7 + 0.3 * varied_)));
  }
  std::int64_t at = e->window_hi(k) + kMargin;
  if (failed_) {
    at = std::min<std::int64_t>(at, t + intervals_.first.count());
  } else if (!changed_ && changed_before_ && !followed_up_) {
    // The task changed at the last pass but not at this one: the pass may be late.
    followed_up_ = true;
    at = std::min(at, t + kFollowUp);
  } else if (changed_) {
    // A probe: in the middle of a wide window, which it halves whatever it sees; just before a
    // narrow one, to catch a pass that comes early; or a while after the poll that follows it, to
    // catch a window that sits just before the passes (its polls would each see the pass before
    // and nothing would tell). One waiter of the client probes a pass.
    const std::int64_t lo = e->window_lo(k), hi = e->window_hi(k);
    const bool wide = hi - lo > 2 * kProbeLead;
    const std::int64_t before = wide ? lo + (hi - lo) / 2 : lo - kProbeLead;
    const std::int64_t middle = lo + (hi - lo) / 2;
    if (before > t + kMargin) {
      const auto probe =
          estimator_->claim_probe(middle, e->period, wide ? 2 : SyncEstimator::kProbeEvery);
      if (probe == SyncEstimator::Probe::Before) {
        probing_ = probe;
        probed_pass_end_ = middle + e->period / 2;
        at = before;
      } else if (probe == SyncEstimator::Probe::After) {
        after_probe_ = at;
      }
    }
  }
  capped_ = probing_ == SyncEstimator::Probe::None && at - t > intervals_.learned_max.count();
  return milliseconds(std::clamp<std::int64_t>(at - t, 0, intervals_.learned_max.count()));
}

}  // namespace cometapi::detail
