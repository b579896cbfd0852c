// The learned schedule against the simulator with the gateway's bulk sync on (a pass every 15 s),
// through real libcurl, on the simulator's manual clock (SimClock): deterministic, nothing sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "sim_fixture.hpp"

namespace cometapi::test {
namespace {

using std::chrono::milliseconds;
constexpr std::int64_t kPeriod = 15000;

class ScheduleTest : public SimTest {
 protected:
  void configure(testing::FakeServerOptions& o) override {
    o.sync_period = milliseconds(kPeriod);
    o.sync_delay = milliseconds(1000);
    o.submitted_for = milliseconds(5000);
    o.in_progress_for = milliseconds(45000);
    o.on_request = [this](const testing::RequestRecord& r) {
      if (r.path.size() > 6 && r.path.compare(r.path.size() - 6, 6, "/fetch") == 0) ++fetches_;
    };
  }
  void SetUp() override {
    SimTest::SetUp();
    epoch_ = server_->now_ms();            // the manual clock has not moved: pass 0
    server_->advance(milliseconds(7300));  // start between two passes
  }
  // The pass that showed a result the upstream had at `finish`.
  std::int64_t visible_at(std::int64_t finish) const {
    return epoch_ + (finish - epoch_ + kPeriod - 1) / kPeriod * kPeriod;
  }
  std::int64_t passes_between(std::int64_t from, std::int64_t to) const {
    return (to - epoch_) / kPeriod - (from - epoch_) / kPeriod;
  }

  std::int64_t epoch_ = 0;
  std::atomic<int> fetches_{0};
};

struct Waited {
  std::int64_t lag, requests, passes;
};

TEST_F(ScheduleTest, WaitsLockOntoThePassesAndPollJustAfterThem) {
  // One task after another on one client: each wait learns a little (a lone wait polls densely
  // only at its start), the later ones poll once per pass, just after it.
  std::vector<Waited> waits;
  for (int i = 0; i < 16; ++i) {
    const std::string id = imagine("lighthouse " + std::to_string(i));
    const std::int64_t submitted = server_->now_ms();
    const int before = fetches_;
    auto task = TaskPoller(*client_).wait(id);
    ASSERT_TRUE(task.ok()) << task.error().to_string();
    const std::int64_t visible = visible_at(task->finish_time);
    waits.push_back(
        {server_->now_ms() - visible, fetches_ - before, passes_between(submitted, visible)});
    server_->advance(milliseconds(3100 * (i % 4)));  // the next submit elsewhere in a period
  }
  std::int64_t requests = 0, passes = 0;
  for (std::size_t i = 12; i < waits.size(); ++i) {
    EXPECT_GE(waits[i].lag, 0) << "wait " << i;
    EXPECT_LE(waits[i].lag, 1000) << "wait " << i;
    requests += waits[i].requests, passes += waits[i].passes;
  }
  EXPECT_LE(static_cast<double>(requests), 1.2 * static_cast<double>(passes));

  // The old schedule, pinned, on the same gateway: later.
  WaitOptions old;
  old.schedule = PollSchedule::Intervals;
  std::int64_t old_lag = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string id = imagine("harbour " + std::to_string(i));
    auto task = TaskPoller(*client_).wait(id, old);
    ASSERT_TRUE(task.ok()) << task.error().to_string();
    old_lag += server_->now_ms() - visible_at(task->finish_time);
    server_->advance(milliseconds(3100 * i));
  }
  std::int64_t learned_lag = 0;
  for (std::size_t i = 12; i < waits.size(); ++i) learned_lag += waits[i].lag;
  EXPECT_LT(learned_lag, old_lag);
}

TEST_F(ScheduleTest, TheWatcherLocksOntoThePasses) {
  // A chain of tasks: each one's end submits the next, so the watcher always has one to watch.
  std::map<std::string, std::int64_t> lags;
  std::vector<std::string> order;
  TaskWatcher* watcher_ptr = nullptr;
  WatchOptions options;
  options.on_done = [&](const std::string& id, const Result<Task>& outcome) {
    ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
    lags[id] = server_->now_ms() - visible_at(outcome->finish_time);
    if (order.size() < 12) {
      order.push_back(imagine("chain " + std::to_string(order.size())));
      watcher_ptr->add(order.back());
    }
  };
  TaskWatcher watcher(*client_, options);
  watcher_ptr = &watcher;
  order.push_back(imagine("chain 0"));
  watcher.add(order.back());
  watcher.run();
  ASSERT_EQ(lags.size(), 12u);
  for (std::size_t i = 8; i < order.size(); ++i) {
    EXPECT_GE(lags[order[i]], 0) << "task " << i;
    EXPECT_LE(lags[order[i]], 1000) << "task " << i;
  }
}

}  // namespace
}  // namespace cometapi::test
