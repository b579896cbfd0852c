// Waiting against the simulator's bulk sync (15 s passes), on a virtual clock shared by the
// simulator and the client: the lag from the pass that made each result visible to the SDK
// returning it, and the requests it took, for TaskPoller::wait and TaskWatcher under each schedule.
// A plain program: one run, one JSON object on stdout (docs/performance.md, rows 9 and 10).
//
//   cometapi_bench_wait [--tasks N] [--only NAME] [--start MS] [--seed N] [--epoch MS] [--check]
//
// --check: exit 1 if a learned schedule misses the goal once learned (median lag <= 1 s, p95 <=
// 2 s, <= 1.2 requests per pass per task, per cycle for the watcher). On virtual time, so the
// answer is the same on any machine: ctest runs it at a few starts and seeds.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cometapi/cometapi.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace {

using namespace cometapi;
using std::chrono::milliseconds;

// The simulator's start, pass 0 (--epoch sets another; the figures do not depend on it).
std::int64_t kEpoch = 1'700'000'000'000;
// How long after a pass the run starts (--start), and the seed of the submit times (--seed).
std::int64_t kStart = 7300;
std::uint32_t kSeed = 2024;
bool g_check = false;  // --check
int g_missed = 0;      // goals missed (--check)
constexpr std::int64_t kPeriod = 15000;

// Virtual time shared by the simulator and the client. The bench's threads take part: time moves
// only when every one of them sleeps, straight to the earliest wake-up, and then exactly one runs
// until it sleeps again. So a run is the same on any machine, however loaded.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(testing::FakeCometServer* server) : server_(server) {}
  time_point now() const override { return time_point(milliseconds(server_->now_ms())); }

  void join() const {
    std::lock_guard<std::mutex> lock(mutex_);
    ++running_;
  }
  void leave() const {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
    dispatch();
  }

  bool sleep_until(time_point until, const CancellationToken* cancel) const override {
    const std::int64_t wake =
        std::chrono::duration_cast<milliseconds>(until.time_since_epoch()).count();
    std::uint64_t id = 0, hook = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancel && cancel->cancelled()) return false;
      id = ++seq_;
      sleepers_.emplace(std::make_pair(wake, id));
    }
    if (cancel) {
      hook = cancel->on_cancel([this] {
        std::lock_guard<std::mutex> lock(mutex_);
        wake_.notify_all();
      });
    }
    bool granted = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      --running_;
      dispatch();
      wake_.wait(lock, [&] { return granted_ == id || (cancel && cancel->cancelled()); });
      granted = granted_ == id;
      if (granted) {
        granted_ = 0;
      } else {
        sleepers_.erase(std::make_pair(wake, id));
        ++running_;
      }
    }
    if (cancel) cancel->remove_on_cancel(hook);
    return granted && !(cancel && cancel->cancelled());
  }

 private:
  // With nobody running, wakes the earliest sleeper (moving time to its wake-up).
  void dispatch() const {
    if (running_ > 0 || granted_ != 0 || sleepers_.empty()) return;
    const auto first = *sleepers_.begin();
    sleepers_.erase(sleepers_.begin());
    const std::int64_t ahead = first.first - server_->now_ms();
    if (ahead > 0) server_->advance(milliseconds(ahead));
    granted_ = first.second;
    ++running_;
    wake_.notify_all();
  }

  testing::FakeCometServer* server_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  mutable int running_ = 0;
  mutable std::uint64_t seq_ = 0, granted_ = 0;
  mutable std::set<std::pair<std::int64_t, std::uint64_t>> sleepers_;
};

struct Plan {
  std::int64_t submit_at;  // ms after the start
};

// Submits spread over the run: 4 to 16 s apart (fixed seed), so the tasks' phases against the
// passes vary; the account's queue (6 running at once) makes their durations vary too.
std::vector<Plan> plan(int tasks) {
  std::vector<Plan> out;
  std::uint32_t x = kSeed;
  std::int64_t t = 1000;
  for (int i = 0; i < tasks; ++i) {
    out.push_back({t});
    x = x * 1103515245u + 12345u;
    t += 4000 + (x >> 8) % 12000;
  }
  return out;
}

struct Sample {
  std::int64_t submit = 0, visible = 0, seen = 0, requests = 0;
};

// The first pass at or after `finish`: the one that shows the result.
std::int64_t pass_at_or_after(std::int64_t finish) {
  return kEpoch + (finish - kEpoch + kPeriod - 1) / kPeriod * kPeriod;
}
std::int64_t passes_between(std::int64_t from, std::int64_t to) {  // passes in (from, to]
  return (to - kEpoch) / kPeriod - (from - kEpoch) / kPeriod;
}

struct Setup {
  std::unique_ptr<testing::FakeCometServer> server;
  std::shared_ptr<VirtualClock> clock;
  std::unique_ptr<CometClient> client;
  std::mutex mutex;
  std::map<std::string, std::int64_t> fetches;  // per task id
  std::vector<std::int64_t> lists;              // when each list-by-condition came
};

void start(Setup& s) {
  testing::FakeServerOptions o;
  o.manual_clock = true;
  o.epoch_ms = kEpoch;
  o.sync_period = milliseconds(kPeriod);
  o.sync_delay = milliseconds(1000);
  o.submitted_for = milliseconds(5000);
  o.in_progress_for = milliseconds(45000);
  o.concurrency = 6;
  o.queue_size = 1000;
  o.on_request = [&s](const testing::RequestRecord& r) {
    const std::string& p = r.path;
    if (p.find("/list-by-condition") != std::string::npos) {
      std::lock_guard<std::mutex> lock(s.mutex);
      s.lists.push_back(s.server->now_ms());
    }
    const auto at = p.find("/task/");
    if (at != std::string::npos && p.size() > 6 && p.compare(p.size() - 6, 6, "/fetch") == 0) {
      std::lock_guard<std::mutex> lock(s.mutex);
      ++s.fetches[p.substr(at + 6, p.size() - 6 - at - 6)];
    }
  };
  s.server = std::make_unique<testing::FakeCometServer>(o);
  s.server->start();
  // Start between two passes, not on one.
  s.server->advance(milliseconds(kStart));
  s.clock = std::make_shared<VirtualClock>(s.server.get());
  ClientOptions c;
  c.api_key = "sk-test";
  c.base_url = s.server->base_url();
  c.clock = s.clock;
  s.client = std::make_unique<CometClient>(c);
}

std::string submit(Setup& s) {
  ImagineRequest r;
  r.prompt = "a lighthouse at dusk";
  auto submitted = s.client->submit_imagine(r);
  if (!submitted) {
    std::fprintf(stderr, "submit failed: %s\n", submitted.error().to_string().c_str());
    std::exit(1);
  }
  return submitted->result;
}

// One TaskPoller::wait per task, each on its own thread, all at once.
std::vector<Sample> run_waits(int tasks, const WaitOptions& wait) {
  Setup s;
  start(s);
  const std::vector<Plan> p = plan(tasks);
  std::vector<Sample> out(p.size());
  std::vector<std::thread> threads;
  const std::int64_t t0 = s.server->now_ms();
  for (std::size_t i = 0; i < p.size(); ++i) s.clock->join();
  for (std::size_t i = 0; i < p.size(); ++i) {
    threads.emplace_back([&, i] {
      s.clock->sleep_until(Clock::time_point(milliseconds(t0 + p[i].submit_at)), nullptr);
      const std::string id = submit(s);
      out[i].submit = s.server->now_ms();
      auto task = TaskPoller(*s.client).wait(id, wait);
      out[i].seen = s.server->now_ms();
      if (!task) {
        std::fprintf(stderr, "wait failed: %s\n", task.error().to_string().c_str());
        std::exit(1);
      }
      out[i].visible = pass_at_or_after(task->finish_time);
      {
        std::lock_guard<std::mutex> lock(s.mutex);
        out[i].requests = s.fetches[id];
      }
      s.clock->leave();
    });
  }
  for (auto& t : threads) t.join();
  s.server->stop();
  return out;
}

// One TaskWatcher for all tasks, submitted by another thread as planned.
// Tasks submitted in the first kLearning ms of a run are left out of the "steady" figures.
constexpr std::int64_t kLearning = 5 * 60 * 1000;

struct WatchCount {
  std::int64_t requests = 0, passes = 0, steady_requests = 0, steady_passes = 0;
};

std::vector<Sample> run_watcher(int tasks, WatchOptions watch, WatchCount* count) {
  Setup s;
  start(s);
  const std::vector<Plan> p = plan(tasks);
  std::vector<Sample> out(p.size());
  std::map<std::string, std::size_t> index;
  std::mutex mutex;
  watch.stall_timeout = watch.timeout = milliseconds(24LL * 3600 * 1000);
  watch.on_done = [&](const std::string& id, const Result<Task>& outcome) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = index.find(id);
    if (it == index.end()) return;
    if (!outcome) {
      std::fprintf(stderr, "watch failed: %s\n", outcome.error().to_string().c_str());
      std::exit(1);
    }
    out[it->second].seen = s.server->now_ms();
    out[it->second].visible = pass_at_or_after(outcome->finish_time);
  };
  // A task that never syncs keeps the watcher busy between submits, as a long-lived watcher is.
  s.server->stall_prompt("sentinel", testing::StallAt::NotSynced);
  ImagineRequest sentinel;
  sentinel.prompt = "sentinel";
  const std::string sentinel_id = s.client->submit_imagine(sentinel)->result;
  TaskWatcher watcher(*s.client, watch);
  watcher.add(sentinel_id);
  const std::int64_t t0 = s.server->now_ms();
  s.clock->join();
  s.clock->join();
  std::thread cycles([&] {
    watcher.run();
    s.clock->leave();
  });
  for (std::size_t i = 0; i < p.size(); ++i) {
    s.clock->sleep_until(Clock::time_point(milliseconds(t0 + p[i].submit_at)), nullptr);
    const std::string id = submit(s);
    {
      std::lock_guard<std::mutex> lock(mutex);
      index[id] = i;
      out[i].submit = s.server->now_ms();
    }
    watcher.add(id);
  }
  // Until every task is done.
  while (watcher.pending().size() > 1) {
    s.clock->sleep_until(s.clock->now() + milliseconds(1000), nullptr);
  }
  const std::int64_t end = s.server->now_ms();
  watcher.stop();
  s.clock->leave();
  cycles.join();
  for (std::int64_t at : s.lists) {
    ++count->requests;
    if (at >= t0 + kLearning) ++count->steady_requests;
  }
  count->passes = passes_between(t0, end);
  count->steady_passes = passes_between(t0 + kLearning, end);
  s.server->stop();
  return out;
}

std::int64_t percentile(std::vector<std::int64_t> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

void report(const char* name, const std::vector<Sample>& samples, bool last,
            const WatchCount* watched = nullptr) {
  std::vector<std::int64_t> lags, steady;
  std::int64_t requests = 0, passes = 0, steady_requests = 0, steady_passes = 0;
  const std::int64_t start = samples.empty() ? 0 : samples.front().submit;
  for (const Sample& x : samples) {
    lags.push_back(x.seen - x.visible);
    requests += x.requests;
    passes += passes_between(x.submit, x.visible);
    if (x.submit - start >= kLearning) {
      steady.push_back(x.seen - x.visible);
      steady_requests += x.requests;
      steady_passes += passes_between(x.submit, x.visible);
    }
  }
  const double n = static_cast<double>(samples.size());
  // The figures once learned: printed, and what --check holds against the goal.
  const std::int64_t steady_median = percentile(steady, 0.5), steady_p95 = percentile(steady, 0.95);
  const double steady_per_pass =
      watched ? static_cast<double>(watched->steady_requests) /
                    static_cast<double>(watched->steady_passes)
              : static_cast<double>(steady_requests) / static_cast<double>(steady_passes);
  std::printf(
      "  \"%s\": {\"tasks\": %zu, \"lag_median_ms\": %lld, \"lag_p95_ms\": %lld, "
      "\"lag_max_ms\": %lld, \"passes_per_task\": %.2f, ",
      name, samples.size(), static_cast<long long>(percentile(lags, 0.5)),
      static_cast<long long>(percentile(lags, 0.95)), static_cast<long long>(percentile(lags, 1.0)),
      static_cast<double>(passes) / n);
  std::printf(
      "\"steady_tasks\": %zu, \"steady_lag_median_ms\": %lld, \"steady_lag_p95_ms\": %lld, ",
      steady.size(), static_cast<long long>(steady_median), static_cast<long long>(steady_p95));
  if (!watched && steady_passes > 0) {
    std::printf("\"steady_requests_per_pass_per_task\": %.3f, ", steady_per_pass);
  }
  if (watched) {
    std::printf(
        "\"requests\": %lld, \"passes_watched\": %lld, \"requests_per_pass\": %.3f, "
        "\"steady_requests_per_pass\": %.3f}",
        static_cast<long long>(watched->requests), static_cast<long long>(watched->passes),
        static_cast<double>(watched->requests) / static_cast<double>(watched->passes),
        steady_per_pass);
  } else {
    std::printf("\"requests_per_task\": %.2f, \"requests_per_pass_per_task\": %.3f}",
                static_cast<double>(requests) / n,
                static_cast<double>(requests) / static_cast<double>(passes));
  }
  std::printf("%s\n", last ? "" : ",");
  std::fflush(stdout);
  if (!g_check || std::string(name).find("_learned") == std::string::npos) return;
  if (steady_median > 1000 || steady_p95 > 2000 || steady_per_pass > 1.2) {
    ++g_missed;
    std::fprintf(stderr, "%s misses the goal: median %lld ms, p95 %lld ms, %.3f per pass\n", name,
                 static_cast<long long>(steady_median), static_cast<long long>(steady_p95),
                 steady_per_pass);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 200;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--check") {
      g_check = true;
      continue;
    }
    if (!value) break;
    ++i;
    if (arg == "--tasks") tasks = std::atoi(value);
    if (arg == "--only") only = value;
    if (arg == "--epoch") kEpoch = std::atoll(value);
    if (arg == "--start") kStart = std::atoll(value);
    if (arg == "--seed") kSeed = static_cast<std::uint32_t>(std::strtoul(value, nullptr, 10));
  }
  const auto want = [&only](const char* name) { return only.empty() || only == name; };
  std::printf("{\n  \"period_ms\": %lld,\n", static_cast<long long>(kPeriod));

  WaitOptions today;
  today.schedule = PollSchedule::Intervals;
  WaitOptions fixed5 = today;
  fixed5.first_poll = fixed5.max_interval = milliseconds(5000);
  fixed5.backoff_factor = 1.0;
  WaitOptions learned;
  learned.schedule = PollSchedule::Learned;
  if (want("wait_today")) report("wait_today", run_waits(tasks, today), false);
  if (want("wait_fixed5")) report("wait_fixed5", run_waits(tasks, fixed5), false);
  if (want("wait_learned")) report("wait_learned", run_waits(tasks, learned), false);

  WatchOptions watch_today;
  watch_today.schedule = PollSchedule::Intervals;
  WatchOptions watch_learned;
  watch_learned.schedule = PollSchedule::Learned;
  if (want("watch_today")) {
    WatchCount count;
    auto samples = run_watcher(tasks, watch_today, &count);
    report("watch_today", samples, false, &count);
  }
  if (want("watch_learned")) {
    WatchCount count;
    auto samples = run_watcher(tasks, watch_learned, &count);
    report("watch_learned", samples, true, &count);
  } else {
    std::printf("  \"end\": true\n");
  }
  std::printf("}\n");
  return g_missed > 0 ? 1 : 0;
}
