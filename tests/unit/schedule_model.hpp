// A model gateway for the learned schedule's unit tests: bulk passes at known times, jobs that
// move at every pass, and waits and a watcher driven by PollPlanner with every poll computed (no
// HTTP, no clock). Deterministic.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "waiting/schedule.hpp"
#include "waiting/sync_estimator.hpp"

namespace cometapi::detail::model {

using std::chrono::milliseconds;
inline constexpr std::int64_t kMinute = 60 * 1000;

// The times of the gateway's passes; a read shows the state of the last pass.
struct Gateway {
  std::vector<std::int64_t> passes;

  // Passes every `period` from `phase` up to `until`.
  Gateway& every(std::int64_t period, std::int64_t phase, std::int64_t until) {
    for (std::int64_t t = phase; t < until; t += period) passes.push_back(t);
    std::sort(passes.begin(), passes.end());
    return *this;
  }
  // Passes in (from, to].
  std::int64_t count(std::int64_t from, std::int64_t to) const {
    return std::upper_bound(passes.begin(), passes.end(), to) -
           std::upper_bound(passes.begin(), passes.end(), from);
  }
  // The first pass at or after `t`: the one that shows a result ready at `t`.
  std::int64_t first_from(std::int64_t t) const {
    return *std::lower_bound(passes.begin(), passes.end(), t);
  }
};

// A task submitted at `submit` whose result the upstream has at `ready`. It changes at every pass
// in between (progress), as a running job does.
struct Job {
  std::int64_t submit, ready;
  std::int64_t start = -1;  // when it starts to move, if queued after its submit (queued())
  std::int64_t moves_from() const { return start < 0 ? submit : start; }
};

struct Outcome {
  std::int64_t lag = 0;  // from the pass that made the result visible to the wait's end
  std::int64_t requests = 0;
  std::int64_t passes = 0;  // passes from the submit to that pass, both counted
};

inline const Intervals kDefaults{milliseconds(2000), 1.5, milliseconds(15000), milliseconds(15000)};

// Runs one wait per job, all at once (in time order), each with its own planner over `estimator`
// (null: the configured intervals only, today's schedule).
// `last_submit_estimate`: set to the estimate as it stood when the last job was submitted.
inline std::vector<Outcome> run(
    const Gateway& gateway, const std::vector<Job>& jobs,
    const std::shared_ptr<SyncEstimator>& estimator,
    std::optional<SyncEstimator::Estimate>* last_submit_estimate = nullptr) {
  struct Wait {
    PollPlanner planner;
    std::int64_t next = 0, visible = 0, last_state = -1;
    std::optional<std::int64_t> last_answer;
    bool done = false;
  };
  const auto at = [](std::int64_t t) { return Clock::time_point(milliseconds(t)); };
  std::vector<Wait> waits;
  std::vector<Outcome> out(jobs.size());
  for (const Job& job : jobs) {
    waits.push_back({PollPlanner(estimator, kDefaults), 0, gateway.first_from(job.ready)});
    waits.back().next = job.submit + waits.back().planner.next_delay(at(job.submit)).count();
  }
  while (true) {
    std::size_t i = waits.size();
    for (std::size_t j = 0; j < waits.size(); ++j) {
      if (!waits[j].done && (i == waits.size() || waits[j].next < waits[i].next)) i = j;
    }
    if (i == waits.size()) break;
    Wait& w = waits[i];
    const std::int64_t t = w.next;
    if (last_submit_estimate && estimator && t >= jobs.back().submit && !*last_submit_estimate) {
      *last_submit_estimate = estimator->estimate();
    }
    ++out[i].requests;
    const std::int64_t state = gateway.count(jobs[i].moves_from(), std::min(t, w.visible));
    const bool changed = w.last_state >= 0 && state != w.last_state;
    std::optional<Clock::time_point> since;
    if (w.last_answer) since = at(*w.last_answer);
    w.planner.answered(at(t), changed, since, t >= jobs[i].moves_from());
    w.last_answer = t, w.last_state = state;
    if (t >= w.visible) {
      w.done = true;
      out[i].lag = t - w.visible;
      out[i].passes = gateway.count(jobs[i].submit, w.visible);
      continue;
    }
    w.next = t + w.planner.next_delay(at(t)).count();
  }
  return out;
}

// One watcher over all jobs, as TaskWatcher does it: a cycle reads every job submitted and not
// done, each job observed on its own, and the planner paces the cycles (every 5 s while it knows
// nothing, at most 20 s apart).
inline std::vector<Outcome> run_watcher(const Gateway& gateway, const std::vector<Job>& jobs,
                                        const std::shared_ptr<SyncEstimator>& estimator) {
  struct Seen {
    std::int64_t state = -1, at = 0;
    bool moving = false, done = false;
  };
  const auto at = [](std::int64_t t) { return Clock::time_point(milliseconds(t)); };
  PollPlanner planner(estimator,
                      {milliseconds(5000), 1.0, milliseconds(5000), milliseconds(20000)});
  std::vector<Seen> seen(jobs.size());
  std::vector<Outcome> out(jobs.size());
  std::size_t left = jobs.size();
  std::int64_t t = jobs.front().submit;
  while (left > 0) {
    bool changed_any = false;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      Seen& s = seen[i];
      if (s.done || jobs[i].submit > t) continue;
      const std::int64_t visible = gateway.first_from(jobs[i].ready);
      const std::int64_t state = gateway.count(jobs[i].moves_from(), std::min(t, visible));
      const bool changed = s.state >= 0 && state != s.state;
      if (estimator && s.state >= 0) {
        if (changed) estimator->observe_change(s.at, t);
        if (!changed && s.moving && t >= jobs[i].moves_from()) {
          estimator->observe_quiet(s.at, t);
        }
      }
      changed_any = changed_any || changed;
      ++out[i].requests;  // its share of the cycle's request
      s.moving = changed, s.state = state, s.at = t;
      if (t >= visible) {
        s.done = true, --left;
        out[i].lag = t - visible;
        out[i].passes = gateway.count(jobs[i].submit, visible);
      }
    }
    planner.answered(at(t), changed_any, std::nullopt);
    t += planner.next_delay(at(t)).count();
  }
  return out;
}

// Jobs submitted every 7 to 19 s between `from` and `until`, running 20 to 90 s.
inline std::vector<Job> jobs_between(std::int64_t from, std::int64_t until,
                                     std::uint32_t seed = 12345) {
  std::vector<Job> jobs;
  std::uint32_t x = seed;
  const auto next = [&x](std::uint32_t n) {
    x = x * 1103515245u + 12345u;
    return (x >> 8) % n;
  };
  for (std::int64_t t = from; t < until; t += 7000 + next(12000)) {
    jobs.push_back({t, t + 20000 + next(70000)});
  }
  return jobs;
}

// The jobs run `at_once` at a time, the others queued in submit order (they do not move while
// queued), as an account's jobs do upstream.
inline std::vector<Job> queued(std::vector<Job> jobs, std::size_t at_once) {
  for (std::size_t i = at_once; i < jobs.size(); ++i) {
    const std::int64_t start = std::max(jobs[i].submit, jobs[i - at_once].ready);
    jobs[i].ready += start - jobs[i].submit;
    jobs[i].start = start;
  }
  return jobs;
}

inline std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

struct Figures {
  std::int64_t median_lag, p95_lag, max_lag;
  double requests_per_pass;
};

// The figures of the waits whose job was submitted at or after `from`.
inline Figures figures(const std::vector<Job>& jobs, const std::vector<Outcome>& out,
                       std::int64_t from) {
  std::vector<std::int64_t> lags;
  std::int64_t requests = 0, passes = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].submit < from) continue;
    lags.push_back(out[i].lag);
    requests += out[i].requests, passes += out[i].passes;
  }
  return {percentile(lags, 0.5), percentile(lags, 0.95), percentile(lags, 1.0),
          static_cast<double>(requests) / static_cast<double>(passes)};
}

// run() on a fresh estimator, which must have `period` (within 20 ms) by the last job's submit.
// (Not at the very end: the last wait, alone, may drop the estimate for a pass or two.)
inline std::vector<Outcome> run_learning(const Gateway& gateway, const std::vector<Job>& jobs,
                                         std::int64_t period) {
  auto estimator = std::make_shared<SyncEstimator>();
  std::optional<SyncEstimator::Estimate> e;
  auto out = run(gateway, jobs, estimator, &e);
  EXPECT_TRUE(e);
  if (e) EXPECT_NEAR(static_cast<double>(e->period), static_cast<double>(period), 20.0);
  return out;
}

}  // namespace cometapi::detail::model
