// Connections and watching, against the simulator (cometapi::testing::FakeCometServer) running in
// this process on 127.0.0.1. Each benchmark runs once (Iterations(1)); the figures are counters.
//
//   Connections/Sequential   1,000 fetch_task calls in a row from one client: TCP connections
//   Connections/Threads8     8 threads sharing one client, 250 fetches each: TCP connections
//   Watch/TaskWatcher        1,000 tasks to completion with TaskWatcher (list-by-condition)
//   Watch/FetchEach          the same 1,000 tasks, one fetch_task per pending task per cycle
//
// The simulator runs on a manual clock: each "sleep" between cycles advances it by the interval,
// so 1,000 tasks that take a simulated minute finish in a second or two of real time.
//
// CPU time: client_cpu_ms is the CPU time of the thread that drives the client (the SDK makes all
// its calls on the calling thread, and TaskWatcher::run() cycles on it), so it is the client's
// whole cost; process_cpu_ms also counts the simulator's threads in this process.
#include <benchmark/benchmark.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cometapi/cometapi.hpp>
#include <cometapi/testing/fake_server.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using cometapi::testing::FakeCometServer;
using cometapi::testing::FakeServerOptions;
using std::chrono::milliseconds;

constexpr int kSequentialCalls = 1000;
constexpr int kThreads = 8;
constexpr int kCallsPerThread = 250;
constexpr int kWatchTasks = 1000;
constexpr milliseconds kInterval{5000};  // simulated time between cycles, as WatchOptions' default

double cpu_ms(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The simulator's manual clock as the SDK's: the watcher's pauses advance the simulator.
class SimClock final : public cometapi::Clock {
 public:
  explicit SimClock(FakeCometServer& server) : server_(server) {}
  time_point now() const override { return time_point(milliseconds(server_.now_ms())); }
  bool sleep_until(time_point until, const cometapi::CancellationToken* cancel) const override {
    const auto left = std::chrono::duration_cast<milliseconds>(until - now());
    if (left.count() > 0) server_.advance(left);
    return !(cancel && cancel->cancelled());
  }

 private:
  FakeCometServer& server_;
};

cometapi::ClientOptions client_options(const FakeCometServer& server) {
  cometapi::ClientOptions options;
  options.api_key = "sk-test";
  options.base_url = server.base_url();
  options.proxy = "";
  return options;
}

FakeServerOptions sim_options() {
  FakeServerOptions options;
  options.manual_clock = true;
  // A realistic job in simulated time: ~10 s before the first sync, 5 s SUBMITTED, 45 s running.
  options.sync_delay = milliseconds(10000);
  options.submitted_for = milliseconds(5000);
  options.in_progress_for = milliseconds(45000);
  options.concurrency = 1000000;  // only changes the submit answer's queue note
  return options;
}

std::string submit_one(const cometapi::CometClient& client, int n) {
  cometapi::ImagineRequest request;
  request.prompt = "a lighthouse in a storm, oil painting, variant " + std::to_string(n);
  auto submitted = client.submit_imagine(request);
  return submitted ? submitted->result : std::string();
}

// ---- 3. connections --------------------------------------------------------------------------

void Connections_Sequential(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    FakeCometServer server(sim_options());
    server.start();
    const std::string id = submit_one(cometapi::CometClient(client_options(server)), 0);
    server.reset_journal();  // counts from here: the client below is the only one
    state.ResumeTiming();

    cometapi::CometClient client(client_options(server));
    int ok = 0;
    for (int i = 0; i < kSequentialCalls; ++i) ok += client.fetch_task(id).ok() ? 1 : 0;

    state.PauseTiming();
    if (id.empty() || ok != kSequentialCalls) state.SkipWithError("a call failed");
    state.counters["calls"] = ok;
    state.counters["connections"] = server.connections_accepted();
    server.stop();
    state.ResumeTiming();
  }
}
BENCHMARK(Connections_Sequential)
    ->Name("Connections/Sequential")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void Connections_Threads8(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    FakeCometServer server(sim_options());
    server.start();
    const std::string id = submit_one(cometapi::CometClient(client_options(server)), 0);
    server.reset_journal();
    state.ResumeTiming();

    const cometapi::CometClient client(client_options(server));
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kCallsPerThread; ++i) {
          if (client.fetch_task(id)) ok.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (auto& thread : threads) thread.join();

    state.PauseTiming();
    if (id.empty() || ok.load() != kThreads * kCallsPerThread) state.SkipWithError("a call failed");
    state.counters["calls"] = ok.load();
    state.counters["connections"] = server.connections_accepted();
    server.stop();
    state.ResumeTiming();
  }
}
BENCHMARK(Connections_Threads8)
    ->Name("Connections/Threads8")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ---- 4. watching -----------------------------------------------------------------------------

// 1,000 tasks submitted at simulated time 0; watching starts with the counters at zero.
struct WatchFixture {
  FakeCometServer server{sim_options()};
  std::vector<std::string> ids;

  bool prepare() {
    server.start();
    const cometapi::CometClient client(client_options(server));
    for (int i = 0; i < kWatchTasks; ++i) {
      std::string id = submit_one(client, i);
      if (id.empty()) return false;
      ids.push_back(std::move(id));
    }
    server.reset_journal();
    return true;
  }
};

void report(benchmark::State& state, FakeCometServer& server, int completed, std::uint64_t cycles,
            double client_cpu, double process_cpu) {
  state.counters["tasks"] = kWatchTasks;
  state.counters["completed"] = completed;
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["requests"] = server.requests_to("/mj/task/");
  state.counters["connections"] = server.connections_accepted();
  state.counters["client_cpu_ms"] = client_cpu;
  state.counters["process_cpu_ms"] = process_cpu;
  if (completed != kWatchTasks) state.SkipWithError("not every task completed");
}

void Watch_TaskWatcher(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    WatchFixture fixture;
    if (!fixture.prepare()) {
      state.SkipWithError("submit failed");
      break;
    }
    FakeCometServer& server = fixture.server;
    std::atomic<int> completed{0};
    cometapi::WatchOptions options;
    options.interval = kInterval;
    options.on_done = [&completed](const std::string&, const cometapi::Result<cometapi::Task>& r) {
      if (r && r->status == cometapi::TaskStatus::Success) completed.fetch_add(1);
    };
    state.ResumeTiming();

    const double thread0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    const double process0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    cometapi::ClientOptions client = client_options(server);
    client.clock = std::make_shared<SimClock>(server);
    cometapi::TaskWatcher watcher(cometapi::CometClient(client), options);
    watcher.add(fixture.ids);
    watcher.run();
    const double client_cpu = cpu_ms(CLOCK_THREAD_CPUTIME_ID) - thread0;
    const double process_cpu = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - process0;

    state.PauseTiming();
    report(state, server, completed.load(), watcher.stats().cycles, client_cpu, process_cpu);
    server.stop();
    state.ResumeTiming();
  }
}
BENCHMARK(Watch_TaskWatcher)
    ->Name("Watch/TaskWatcher")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The loop a user writes without TaskWatcher: every cycle, fetch each task still pending.
void Watch_FetchEach(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    WatchFixture fixture;
    if (!fixture.prepare()) {
      state.SkipWithError("submit failed");
      break;
    }
    FakeCometServer& server = fixture.server;
    state.ResumeTiming();

    const double thread0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    const double process0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    const cometapi::CometClient client(client_options(server));
    std::vector<std::string> pending = fixture.ids;
    int completed = 0;
    std::uint64_t cycles = 0;
    bool failed = false;
    while (!pending.empty() && !failed) {
      ++cycles;
      std::vector<std::string> still;
      for (const std::string& id : pending) {
        auto task = client.fetch_task(id);
        if (!task) {
          failed = true;
          break;
        }
        if (task->status == cometapi::TaskStatus::Success) {
          ++completed;
        } else if (!cometapi::is_terminal(task->status)) {
          still.push_back(id);
        }
      }
      pending.swap(still);
      if (!pending.empty()) server.advance(kInterval);
    }
    const double client_cpu = cpu_ms(CLOCK_THREAD_CPUTIME_ID) - thread0;
    const double process_cpu = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - process0;

    state.PauseTiming();
    report(state, server, completed, cycles, client_cpu, process_cpu);
    server.stop();
    state.ResumeTiming();
  }
}
BENCHMARK(Watch_FetchEach)
    ->Name("Watch/FetchEach")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
