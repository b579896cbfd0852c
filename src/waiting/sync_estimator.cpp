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
constexpr std::int64_t kTolerance = 150, kQuietTolerance = 100;
// The periods considered, and the coarse search's step through them.
constexpr std::int64_t kMinPeriod = 5000, kMaxPeriod = 60000, kCoarseStep = 25;
// How far beyond the coarse periods the fine search (1 ms steps) looks.
constexpr std::int64_t kFineSpan = 2 * kCoarseStep;
// Observations kept; the coarse search uses those of the last kCoarseSpan ms.
constexpr std::size_t kKept = 100, kMinObservations = 5;
constexpr std::int64_t kCoarseSpan = 4 * 60 * 1000;
// The coarse search, the costly one, runs at most once per this much time observed; after each
// that finds nothing, twice as seldom, up to kCoarseEveryMax (passes too irregular to fit would
// otherwise cost a search a second).
constexpr std::int64_t kCoarseEvery = 1000, kCoarseEveryMax = 16000;
// Of those, how many must be shorter than half the period: long ones fit almost any phase.
constexpr int kMinSharp = 4;
// Best regions that lie within this span of each other make one window (see score()).
constexpr std::int64_t kMergeSpan = 1000;
// Periods known only to within 2 * kMaxSpread are no estimate.
constexpr std::int64_t kMaxSpread = 300;

std::int64_t floor_mod(std::int64_t x, std::int64_t m) { return ((x % m) + m) % m; }
std::int64_t floor_div(std::int64_t x, std::int64_t m) { return (x - floor_mod(x, m)) / m; }

struct Score {
  int informative = 0;  // observations shorter than the period
  int sharp = 0;        // observations shorter than half of it
  int misfits = 0;      // of those, how many the best window misses
  bool ambiguous = false;
  std::int64_t lo = 0, hi = 0;
};

// For one period: the phase window covered by the most observations, each widened by the
// tolerance and laid on the circle of that period (three times round: a window may wrap).
template <typename It>
Score score(std::int64_t period, It begin, It end) {
  using Event = std::pair<std::int64_t, int>;  // position, +1 opens / -1 closes
  // Reused: the coarse search scores some 2,200 periods in a row.
  thread_local std::vector<Event> lap, events;
  lap.clear();
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
      lap.emplace_back(start, -1);
      lap.emplace_back(start + length, +1);
      continue;
    }
    const std::int64_t length = it->b - it->a + 2 * kTolerance;
    if (length >= period) continue;
    ++s.informative;
    if (2 * length <= period) ++s.sharp;
    const std::int64_t start = floor_mod(it->a - kTolerance, period);
    lap.emplace_back(start, +1);
    lap.emplace_back(start + length, -1);
  }
  // At one position arcs open before they close: the arcs are closed intervals.
  const auto before = [](const Event& x, const Event& y) {
    return x.first < y.first || (x.first == y.first && x.second > y.second);
  };
  std::sort(lap.begin(), lap.end(), before);
  // The three laps, each the first moved on by a period: merged, not sorted again.
  events.clear();
  events.reserve(3 * lap.size());
  std::size_t next[3] = {0, 0, 0};
  while (true) {
    int pick = -1;
    Event best_event{};
    for (int k = 0; k < 3; ++k) {
      if (next[k] == lap.size()) continue;
      const Event e{lap[next[k]].first + k * period, lap[next[k]].second};
      if (pick < 0 || before(e, best_event)) pick = k, best_event = e;
    }
    if (pick < 0) break;
    events.push_back(best_event);
    ++next[pick];
  }
  int cover = 0, best = -(1 << 30);
  thread_local std::vector<std::pair<std::int64_t, std::int64_t>> regions;  // the best, in order
  regions.clear();
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    cover += events[i].second;
    // events[i] opens and the next closes: a local maximum of the cover. From the second lap on,
    // each point of the circle is covered by every arc that covers it, wrapping ones included; a
    // region that opens on the second lap closes before the end of the third (arcs are shorter
    // than the period), so the third lap's events are all there to close it where it closes.
    if (events[i].second < 0 || events[i + 1].second > 0 || events[i].first < period ||
        events[i].first >= 2 * period) {
      continue;
    }
    if (cover > best) {
      best = cover;
      regions.clear();
    }
    if (cover == best) regions.emplace_back(events[i].first - period, events[i + 1].first - period);
  }
  s.misfits = s.informative + always - (best == -(1 << 30) ? 0 : best);
  if (regions.empty()) return s;
  // Regions that fit as well as each other, close together (a quiet observation can split one
  // window in two): one window over all of them. Far apart, the phase is not known.
  std::size_t after_gap = 0;
  std::int64_t widest_gap = -1;
  for (std::size_t r = 0; r < regions.size(); ++r) {
    const std::int64_t next_lo =
        r + 1 < regions.size() ? regions[r + 1].first : regions.front().first + period;
    if (next_lo - regions[r].second > widest_gap) {
      widest_gap = next_lo - regions[r].second;
      after_gap = (r + 1) % regions.size();
    }
  }
  s.lo = regions[after_gap].first;
  const std::size_t last = (after_gap + regions.size() - 1) % regions.size();
  s.hi = regions[last].second + (last < after_gap ? period : 0);
  s.ambiguous = regions.size() > 1 && s.hi - s.lo > kMergeSpan;
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
  std::vector<Run> runs;
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
    runs.push_back({scored[i].first, scored[j].first});
    i = j + 1;
  }
  if (runs.empty()) return std::nullopt;
  if (!prefer_long) {
    return *std::max_element(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
      return x.last - x.first < y.last - y.first;
    });
  }
  // The longest periods, when every other run that fits as well is a divisor of them (a change
  // seen every 15 s fits 7.5 s as well). Two unrelated periods that fit as well: too few
  // observations to tell, no estimate yet.
  const Run& longest = runs.back();
  const std::int64_t slack = 2 * (scored.size() > 1 ? scored[1].first - scored[0].first : 1);
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    const std::int64_t times = (longest.first + longest.last) / (runs[r].first + runs[r].last);
    bool divides = false;
    for (std::int64_t m = std::max<std::int64_t>(2, times); m <= times + 1 && !divides; ++m) {
      divides =
          m * runs[r].first <= longest.last + slack && m * runs[r].last >= longest.first - slack;
    }
    if (!divides) return std::nullopt;
  }
  return longest;
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

namespace {

// Whether the arc of `i` (widened by the tolerance) meets a window of the estimate.
template <typename I>
bool fits(const I& i, std::int64_t period, std::int64_t lo, std::int64_t hi) {
  if (i.quiet) {
    // Misfit when a window's middle falls in it.
    const std::int64_t a = i.a + kQuietTolerance, b = i.b - kQuietTolerance, mid = (lo + hi) / 2;
    if (b <= a) return true;
    const std::int64_t k = floor_div(a - mid, period) - 1;
    for (std::int64_t j = k; j <= k + 3; ++j) {
      if (mid + j * period > a && mid + j * period < b) return false;
    }
    return true;
  }
  const std::int64_t a = i.a - kTolerance, b = i.b + kTolerance;
  const std::int64_t first = floor_div(a - hi, period) - 1;  // a window ending before a, or near it
  for (std::int64_t j = first; j <= first + 2; ++j) {
    if (lo + j * period <= b && hi + j * period >= a) return true;
  }
  return false;
}

}  // namespace

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
  if (!fit_) return;
  // Checked against the estimate the waits poll by, not a refit (which bends to fit them, and
  // the polls it placed are all it hears of, each spanning one of its windows): two that it
  // cannot explain within kRecentChecks passes mean the passes have moved. Learning starts over
  // from the newer of them.
  if (!fits(i, fit_->period, fit_->lo, fit_->hi)) {
    misfits_.push_back(i.a);
    // Check again at the next pass, with a probe of the same kind as the last (most likely the
    // one that saw this), rather than kProbeEvery passes later.
    last_probe_.reset();
    after_next_ = !after_next_;
  }
  while (!misfits_.empty() && misfits_.front() < i.a - kRecentChecks * fit_->period) {
    misfits_.pop_front();
  }
  if (misfits_.size() < 2) return;
  // The newest misfit is surely of the new passes; older observations may be of the old.
  const std::int64_t from = misfits_.back();
  while (!intervals_.empty() && intervals_.front().b < from) intervals_.pop_front();
  fit_.reset();
  last_coarse_.reset();
  misfits_.clear();
}

std::optional<SyncEstimator::Estimate> SyncEstimator::estimate() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (dirty_) refit();
  dirty_ = false;
  return fit_;
}

SyncEstimator::Probe SyncEstimator::claim_probe(std::int64_t middle, std::int64_t period,
                                                std::int64_t every) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Passes from the last one probed, rounded: a refit may move a window a little.
  if (last_probe_) {
    const std::int64_t passes = floor_div(middle - *last_probe_ + period / 2, period);
    if (passes >= 0 && passes < every) return Probe::None;
  }
  last_probe_ = middle;
  after_next_ = !after_next_;
  return after_next_ ? Probe::After : Probe::Before;
}

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
  if (last_coarse_ && newest - *last_coarse_ < coarse_every_ && newest >= *last_coarse_) return;
  last_coarse_ = newest;
  coarse_every_ = std::min(2 * coarse_every_, kCoarseEveryMax);  // until one finds the passes
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
  if (fit_) coarse_every_ = kCoarseEvery;
}

std::shared_ptr<SyncEstimator> sync_estimator_of(const CometClient& client) {
  ClientCore& core = ClientAccess::core(client);
  std::lock_guard<std::mutex> lock(core.sync_mutex);
  if (!core.sync) core.sync = std::make_shared<SyncEstimator>();
  return core.sync;
}

}  // namespace cometapi::detail
