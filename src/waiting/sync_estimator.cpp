// The fit behind the learned schedule: the period and the window of the passes that the most
// observed changes agree on.
#include "waiting/sync_estimator.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "client/client_core.hpp"

namespace cometapi::detail {

namespace {

// Slack on each side of a change: the gateway's pass is not instantaneous. A quiet observation
// gets less, or a poll just after a window (PollPlanner::kMargin) could not rule that window out.
constexpr std::int64_t kTolerance = 200, kQuietTolerance = 100;
// The periods considered, and the coarse search's step through them.
constexpr std::int64_t kMinPeriod = 5000, kMaxPeriod = 60000, kCoarseStep = 25;
// How far beyond the coarse periods the fine search (1 ms steps) looks.
constexpr std::int64_t kFineSpan = 2 * kCoarseStep;
// Observations kept; the coarse search uses those of the last kCoarseSpan ms.
constexpr std::size_t kKept = 100, kMinObservations = 5;
constexpr std::int64_t kCoarseSpan = 4 * 60 * 1000;
// The coarse search, the costly one, runs at most once per this much time observed.
constexpr std::int64_t kCoarseEvery = 1000;
// Of those, how many must be shorter than half the period: long ones fit almost any phase.
constexpr int kMinSharp = 4;
// Periods known only to within 2 * kMaxSpread are no estimate.
constexpr std::int64_t kMaxSpread = 300;

std::int64_t floor_mod(std::int64_t x, std::int64_t m) { return ((x % m) + m) % m; }

struct Score {
  int informative = 0;  // observations shorter than the period
  int sharp = 0;        // observations shorter than half of it
  int misfits = 0;      // of those, how many the best window misses
  bool ambiguous = false;
  std::int64_t lo = 0, hi = 0;
};

// For one period: the phase window covered by the most observations, each widened by the
// tolerance and laid on the circle of that period (twice round, so a window may wrap).
template <typename It>
Score score(std::int64_t period, It begin, It end) {
  std::vector<std::pair<std::int64_t, int>> events;
  Score s;
  int always = 0;  // quiet observations as long as the period: no phase fits them
  for (It it = begin; it != end; ++it) {
    if (it->quiet) {
      // No pass in (a, b]: a phase in it (narrowed by the tolerance) is a misfit.
      const std::int64_t length = it->b - it->a - 2 * kQuietTolerance;
      if (length <= 0) continue;
      if (length >= period) {
        ++always;
        continue;
      }
      const std::int64_t start = floor_mod(it->a + kQuietTolerance, period);
      for (std::int64_t lap : {std::int64_t{0}, period}) {
        events.emplace_back(start + lap, -1);
        events.emplace_back(start + lap + length, +1);
      }
      continue;
    }
    const std::int64_t length = it->b - it->a + 2 * kTolerance;
    if (length >= period) continue;
    ++s.informative;
    if (2 * length <= period) ++s.sharp;
    const std::int64_t start = floor_mod(it->a - kTolerance, period);
    for (std::int64_t lap : {std::int64_t{0}, period}) {
      events.emplace_back(start + lap, +1);
      events.emplace_back(start + lap + length, -1);
    }
  }
  // At one position arcs open before they close: the arcs are closed intervals.
  std::sort(events.begin(), events.end(), [](const auto& x, const auto& y) {
    return x.first < y.first || (x.first == y.first && x.second > y.second);
  });
  int cover = 0, best = -(1 << 30), regions = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    cover += events[i].second;
    // events[i] opens and the next closes: a local maximum of the cover. On the second lap each
    // point of the circle is covered by every arc that covers it, wrapping ones included.
    if (events[i].second < 0 || events[i + 1].second > 0 || events[i].first < period) continue;
    if (cover > best) {
      best = cover, regions = 1;
      s.lo = events[i].first - period, s.hi = events[i + 1].first - period;
    } else if (cover == best) {
      ++regions;
    }
  }
  s.misfits = s.informative + always - (best == -(1 << 30) ? 0 : best);
  s.ambiguous = regions > 1;
  return s;
}

// The periods (consecutive candidates) that fit as well as any: the longest such run, or with
// `prefer_long` the run of the longest periods (a period's divisors fit as well as it does).
struct Run {
  std::int64_t first, last;
};

std::optional<Run> best_run(const std::vector<std::pair<std::int64_t, Score>>& scored,
                            bool prefer_long) {
  const auto enough = [](const Score& s) {
    return s.informative >= static_cast<int>(kMinObservations) && s.sharp >= kMinSharp;
  };
  int fewest = 1 << 30;
  for (const auto& [period, s] : scored) {
    if (enough(s)) fewest = std::min(fewest, s.misfits);
  }
  std::optional<Run> best;
  for (std::size_t i = 0; i < scored.size();) {
    const auto good = [&](std::size_t k) {
      return scored[k].second.misfits == fewest && enough(scored[k].second);
    };
    if (!good(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < scored.size() && good(j + 1)) ++j;
    const Run run{scored[i].first, scored[j].first};
    if (!best || prefer_long || run.last - run.first > best->last - best->first) best = run;
    i = j + 1;
  }
  return best;
}

}  // namespace

std::int64_t SyncEstimator::Estimate::passes_from_anchor(std::int64_t k) const {
  const std::int64_t d = lo + k * period - anchor;
  return (d < 0 ? -d : d) / period + 1;
}

std::int64_t SyncEstimator::Estimate::window_lo(std::int64_t k) const {
  return lo + k * period - spread * passes_from_anchor(k);
}

std::int64_t SyncEstimator::Estimate::window_hi(std::int64_t k) const {
  return hi + k * period + spread * passes_from_anchor(k);
}

std::int64_t SyncEstimator::Estimate::pass_after(std::int64_t t) const {
  const std::int64_t d = t - hi;
  std::int64_t k = d <= 0 ? -((-d) / period) : (d + period - 1) / period;
  while (window_hi(k - 1) >= t) --k;  // the spread widens the windows
  return k;
}

void SyncEstimator::observe_change(std::int64_t before, std::int64_t at) {
  add({before, at, false});
}

void SyncEstimator::observe_quiet(std::int64_t before, std::int64_t at) {
  if (at - before <= 2 * kQuietTolerance) return;
  add({before, at, true});
}

void SyncEstimator::add(Interval i) {
  if (i.b <= i.a || i.b - i.a > kMaxPeriod) return;
  std::lock_guard<std::mutex> lock(mutex_);
  // A change over as long as the period fits every phase: nothing to learn, and it would crowd
  // out what does (once the passes are known, most polls come one period apart).
  if (!i.quiet && fit_ && i.b - i.a + 2 * kTolerance >= fit_->period) return;
  // Many tasks polled at the same moments say the same thing: keep the sharpest of nested
  // observations (the shorter change, the longer quiet).
  const auto within = [](const Interval& x, const Interval& y) { return x.a >= y.a && x.b <= y.b; };
  // A quiet observation around a change is wrong (that task had stopped moving): drop it.
  for (auto it = intervals_.begin(); it != intervals_.end();) {
    if (it->quiet != i.quiet && (i.quiet ? within(*it, i) : within(i, *it))) {
      if (i.quiet) return;
      it = intervals_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = intervals_.begin(); it != intervals_.end();) {
    if (it->quiet != i.quiet) {
      ++it;
    } else if (i.quiet ? within(i, *it) : within(*it, i)) {
      return;
    } else if (i.quiet ? within(*it, i) : within(i, *it)) {
      it = intervals_.erase(it);
    } else {
      ++it;
    }
  }
  intervals_.push_back(i);
  if (intervals_.size() > kKept) intervals_.pop_front();
  dirty_ = true;
}

std::optional<SyncEstimator::Estimate> SyncEstimator::estimate() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dirty_) refit();
  dirty_ = false;
  return fit_;
}

bool SyncEstimator::claim_probe(std::int64_t k, std::int64_t every) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (last_probe_ && k - *last_probe_ < every && k >= *last_probe_) return false;
  last_probe_ = k;
  return true;
}

namespace {

// Whether the arc of `i` (widened by the tolerance) meets a window of the estimate.
template <typename I>
bool fits(const I& i, std::int64_t period, std::int64_t lo, std::int64_t hi) {
  if (i.quiet) {
    // Misfit when a window's middle falls in it.
    const std::int64_t a = i.a + kQuietTolerance, b = i.b - kQuietTolerance, mid = (lo + hi) / 2;
    if (b <= a) return true;
    const std::int64_t k = (a - mid) / period - 1;
    for (std::int64_t j = k; j <= k + 3; ++j) {
      if (mid + j * period > a && mid + j * period < b) return false;
    }
    return true;
  }
  const std::int64_t a = i.a - kTolerance, b = i.b + kTolerance;
  const std::int64_t first = (a - hi) / period - 1;  // a window ending before a, or near it
  for (std::int64_t j = first; j <= first + 2; ++j) {
    if (lo + j * period <= b && hi + j * period >= a) return true;
  }
  return false;
}

}  // namespace

std::optional<SyncEstimator::Estimate> SyncEstimator::fine(std::int64_t first,
                                                           std::int64_t last) const {
  std::vector<std::pair<std::int64_t, Score>> scored;
  for (std::int64_t p = std::max(kMinPeriod, first - kFineSpan);
       p <= std::min(kMaxPeriod, last + kFineSpan); ++p) {
    scored.emplace_back(p, score(p, intervals_.begin(), intervals_.end()));
  }
  const auto run = best_run(scored, false);
  if (!run || run->last - run->first > 2 * kMaxSpread) return std::nullopt;
  const std::int64_t period = (run->first + run->last) / 2;
  const Score s = score(period, intervals_.begin(), intervals_.end());
  if (s.misfits > std::max(1, s.informative / 8) || s.ambiguous || s.hi - s.lo > kMaxWindow) {
    return std::nullopt;
  }
  // Two of the newest observations in a row, or three of the last eight, outside the windows:
  // the passes have moved.
  int misfits = 0;
  bool last_missed = false;
  for (std::size_t i = intervals_.size() > 8 ? intervals_.size() - 8 : 0; i < intervals_.size();
       ++i) {
    const bool missed = !fits(intervals_[i], period, s.lo, s.hi);
    misfits += missed ? 1 : 0;
    if (missed && last_missed && i + 1 == intervals_.size()) return std::nullopt;
    last_missed = missed;
  }
  if (misfits >= 3) return std::nullopt;
  Estimate e;
  e.period = period, e.lo = s.lo, e.hi = s.hi;
  e.spread = (run->last - run->first) / 2 + 1;
  e.anchor = intervals_.back().b;
  return e;
}

void SyncEstimator::refit() {
  if (fit_) {
    if (auto kept = fine(fit_->period - fit_->spread, fit_->period + fit_->spread)) {
      fit_ = kept;
      return;
    }
    // It stopped fitting: search again (below), over the last minutes first.
    fit_.reset();
    last_coarse_.reset();
  }
  if (intervals_.size() < kMinObservations) return;
  // Coarse, over the last few minutes only: a long span would need a finer step.
  const std::int64_t newest = intervals_.back().b;
  if (last_coarse_ && newest - *last_coarse_ < kCoarseEvery && newest >= *last_coarse_) return;
  last_coarse_ = newest;
  auto recent = intervals_.end();
  while (recent != intervals_.begin() && newest - std::prev(recent)->a <= kCoarseSpan) --recent;
  std::vector<std::pair<std::int64_t, Score>> scored;
  for (std::int64_t p = kMinPeriod; p <= kMaxPeriod; p += kCoarseStep) {
    scored.emplace_back(p, score(p, recent, intervals_.end()));
  }
  const auto coarse = best_run(scored, true);
  if (!coarse) return;
  std::int64_t span_lo = recent->a;
  for (auto it = recent; it != intervals_.end(); ++it) span_lo = std::min(span_lo, it->a);
  if (newest - span_lo < 2 * coarse->last) return;  // one or two passes say nothing of the period
  fit_ = fine(coarse->first, coarse->last);
  if (!fit_ && recent != intervals_.begin()) {
    intervals_.erase(intervals_.begin(), recent);  // older passes that no longer fit
    fit_ = fine(coarse->first, coarse->last);
  }
}

std::shared_ptr<SyncEstimator> sync_estimator_of(const CometClient& client) {
  ClientCore& core = ClientAccess::core(client);
  std::lock_guard<std::mutex> lock(core.sync_mutex);
  if (!core.sync) core.sync = std::make_shared<SyncEstimator>();
  return core.sync;
}

}  // namespace cometapi::detail
