// The learned schedule (SyncEstimator + PollPlanner) against a model gateway whose bulk passes
// happen at known times: no HTTP, no clock, every poll computed. Deterministic.
#include "waiting/schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "schedule_model.hpp"
#include "waiting/sync_estimator.hpp"

namespace cometapi::detail {
namespace {

using namespace model;
using std::chrono::milliseconds;

TEST(SyncEstimator, NoEstimateFromTooFewObservations) {
  SyncEstimator estimator;
  estimator.observe_change(1000, 4000);
  estimator.observe_change(15000, 17000);
  EXPECT_FALSE(estimator.estimate());
}

TEST(SyncEstimator, FindsPeriodAndWindowFromNarrowIntervals) {
  SyncEstimator estimator;
  // Passes at 3700 + k * 15000; each observation brackets one, 0.3 to 4 s wide.
  const std::int64_t pass[] = {3700, 18700, 48700, 63700, 93700, 108700, 153700};
  const std::int64_t before[] = {1000, 300, 2500, 2900, 100, 3100, 1800};
  const std::int64_t after[] = {900, 200, 1400, 100, 700, 300, 1200};
  for (int i = 0; i < 7; ++i) estimator.observe_change(pass[i] - before[i], pass[i] + after[i]);
  const auto e = estimator.estimate();
  ASSERT_TRUE(e);
  EXPECT_NEAR(static_cast<double>(e->period), 15000.0, 20.0);
  const std::int64_t k = e->pass_after(200000);
  const std::int64_t next_pass = 3700 + 15000 * ((200000 - 3700) / 15000 + 1);
  EXPECT_LE(e->window_lo(k) - 250, next_pass);
  EXPECT_GE(e->window_hi(k) + 250, next_pass);
  EXPECT_LE(e->hi - e->lo, 1500);
}

TEST(SyncEstimator, DivisorsOfThePeriodAreNotTaken) {
  SyncEstimator estimator;
  // Narrow observations of passes every 30 s: 15 s and 10 s fit them as well; 30 s is the answer.
  for (std::int64_t k = 0; k < 8; ++k) {
    estimator.observe_change(5000 + k * 30000 - 600, 5000 + k * 30000 + 400);
  }
  const auto e = estimator.estimate();
  ASSERT_TRUE(e);
  EXPECT_NEAR(static_cast<double>(e->period), 30000.0, 30.0);
}

TEST(LearnedSchedule, LocksOnAndPollsJustAfterEachPass) {
  const Gateway gateway = Gateway().every(15000, 3700, 130 * kMinute);
  const std::vector<Job> jobs = jobs_between(0, 120 * kMinute);
  const auto out = run_learning(gateway, jobs, 15000);
  // After the first minutes: a result is seen within a second of its pass, at about one request
  // per pass.
  const Figures learned = figures(jobs, out, 5 * kMinute);
  EXPECT_LE(learned.median_lag, 1000);
  EXPECT_LE(learned.p95_lag, 1500);
  // Each task here moves at every pass, and the first poll of a wait may come just before its
  // first pass: the simulator's bench shows 1.01 (docs/performance.md).
  EXPECT_LE(learned.requests_per_pass, 1.25);
  // Today's schedule, for comparison: later and busier.
  const Figures old = figures(jobs, run(gateway, jobs, nullptr), 5 * kMinute);
  EXPECT_GT(old.median_lag, 3 * learned.median_lag);
  EXPECT_GT(old.requests_per_pass, learned.requests_per_pass);
}

TEST(LearnedSchedule, RecoversWhenThePeriodChanges) {
  // 15 s for 40 minutes, then 12 s at another phase.
  Gateway gateway = Gateway().every(15000, 3700, 40 * kMinute);
  gateway.every(12000, 40 * kMinute + 11100, 130 * kMinute);
  const std::vector<Job> jobs = jobs_between(0, 120 * kMinute);
  const auto out = run_learning(gateway, jobs, 12000);
  // The waits submitted from five minutes after the change on see their results within a
  // second or so of the pass again (the probes see passes where the old windows say none can
  // be; two such within 16 passes drop the estimate, and it is learned again).
  const Figures after = figures(jobs, out, 45 * kMinute);
  EXPECT_LE(after.median_lag, 1000);
  EXPECT_LE(after.p95_lag, 1500);
  EXPECT_LE(after.requests_per_pass, 1.25);
}

TEST(LearnedSchedule, AGatewaySlowerThanTheCapCostsTwoPollsPerPass) {
  // Passes every 20 s, waits capped at 15 s (max_interval): one poll at the cap, before the
  // pass, and one just after its window. No follow-up for the capped one (it was early, not the
  // pass late). Today's backoff costs as much and sees results seconds later.
  const Gateway gateway = Gateway().every(20000, 9000, 70 * kMinute);
  const std::vector<Job> jobs = jobs_between(0, 60 * kMinute);
  const Figures learned = figures(jobs, run_learning(gateway, jobs, 20000), 5 * kMinute);
  const Figures old = figures(jobs, run(gateway, jobs, nullptr), 5 * kMinute);
  EXPECT_LE(learned.median_lag, 1000);
  EXPECT_LE(learned.p95_lag, 1500);
  EXPECT_LE(learned.requests_per_pass, 2.2);
  EXPECT_LE(learned.requests_per_pass, old.requests_per_pass + 0.1);
}

TEST(LearnedSchedule, NeverLaterThanTheOldScheduleByMoreThanOnePass) {
  struct Case {
    const char* name;
    Gateway gateway;
  };
  std::vector<Case> cases;
  cases.push_back({"steady", Gateway().every(15000, 3700, 50 * kMinute)});
  Gateway changed = Gateway().every(15000, 3700, 20 * kMinute);
  cases.push_back({"period change", changed.every(20000, 20 * kMinute + 11100, 50 * kMinute)});
  // Passes that come up to 3 s late or early, at random.
  Gateway jittery;
  std::uint32_t x = 7;
  for (std::int64_t t = 3700; t < 50 * kMinute; t += 15000) {
    x = x * 1103515245u + 12345u;
    jittery.passes.push_back(t + static_cast<std::int64_t>((x >> 8) % 6000) - 3000);
  }
  cases.push_back({"jitter", jittery});
  cases.push_back({"slow gateway", Gateway().every(40000, 9000, 50 * kMinute)});
  const std::vector<Job> jobs = jobs_between(0, 40 * kMinute);
  for (const Case& c : cases) {
    const auto learned = run(c.gateway, jobs, std::make_shared<SyncEstimator>());
    const auto old = run(c.gateway, jobs, nullptr);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      EXPECT_LE(learned[i].lag, old[i].lag + 15000) << c.name << ", job " << i;
    }
  }
}

TEST(LearnedSchedule, WithoutAnEstimateItIsTheIntervalsUpToTheLearningPace) {
  PollPlanner learned(std::make_shared<SyncEstimator>(), kDefaults);
  PollPlanner plain(nullptr, kDefaults);
  Clock::time_point t{};
  std::vector<milliseconds> plain_delays, learned_delays;
  for (int i = 0; i < 10; ++i) {
    plain_delays.push_back(plain.next_delay(t));
    learned_delays.push_back(learned.next_delay(t));
    t += plain_delays.back();
    learned.answered(t, true, std::nullopt);
    plain.answered(t, true, std::nullopt);
  }
  EXPECT_EQ(plain_delays,
            (std::vector<milliseconds>{milliseconds(2000), milliseconds(3000), milliseconds(4500),
                                       milliseconds(6750), milliseconds(10125), milliseconds(15000),
                                       milliseconds(15000), milliseconds(15000),
                                       milliseconds(15000), milliseconds(15000)}));
  // The same while they grow, up to the learning pace; from there, until the passes are known,
  // learning polls every 70 to 100 % of that pace, varied.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(learned_delays[i], plain_delays[i]);
  std::set<milliseconds> learning(learned_delays.begin() + 4, learned_delays.end());
  EXPECT_GT(learning.size(), 3u);
  for (milliseconds d : learning) {
    EXPECT_GE(d, milliseconds(PollPlanner::kLearningPace * 7 / 10));
    EXPECT_LE(d, milliseconds(PollPlanner::kLearningPace));
  }
}

}  // namespace
}  // namespace cometapi::detail
