// cometapi_bench_jobs: how close a JobRunner comes to the ideal wall time, and what it costs in
// HTTP requests per job.
//
//   cometapi_bench_jobs [--jobs=120] [--speed=20] [--slots=3] [--then=U1|none] [--poll_ms=10]
//                       [--faults=SPEC] [--journal=PATH]
//
// The simulator runs in process, sped up (a task takes 1800 ms / speed of real time), and counts
// every request. The ideal is tasks x task time / slots: what `slots` tasks running back to back
// would take with no polling delay, no submit latency and no journal. One JSON object on stdout.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cometapi/cometapi.hpp>
#include <cometapi/jobs.hpp>
#include <cometapi/testing/fake_server.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

std::string flag(int argc, char** argv, const char* name, const char* fallback) {
  const std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = std::atoi(flag(argc, argv, "jobs", "120").c_str());
  const double speed = std::atof(flag(argc, argv, "speed", "20").c_str());
  const int slots = std::atoi(flag(argc, argv, "slots", "3").c_str());
  const std::string then = flag(argc, argv, "then", "U1");
  const int poll_ms = std::atoi(flag(argc, argv, "poll_ms", "10").c_str());
  const std::string faults = flag(argc, argv, "faults", "");
  std::string journal = flag(argc, argv, "journal", "");
  if (journal.empty()) {
    journal = (std::filesystem::temp_directory_path() /
               ("cometapi-bench-jobs-" + std::to_string(::getpid()) + ".db"))
                  .string();
  }

  cometapi::testing::FakeServerOptions sim;
  sim.speed = speed;
  sim.faults = faults;
  sim.retry_after = std::chrono::seconds(0);
  cometapi::testing::FakeCometServer server(sim);
  server.start();
  const double task_ms =
      static_cast<double>((sim.sync_delay + sim.submitted_for + sim.in_progress_for).count()) /
      speed;

  cometapi::ClientOptions options;
  options.api_key = "sk-test";
  options.base_url = server.base_url();
  auto store = cometapi::JobStore::open(journal);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().to_string().c_str());
    return 1;
  }
  cometapi::JobRunnerOptions runner_options;
  runner_options.max_in_flight = slots;
  runner_options.poll_interval = std::chrono::milliseconds(poll_ms);
  runner_options.refusal_backoff = std::chrono::milliseconds(poll_ms);
  const std::string out = journal + ".out";
  std::filesystem::create_directories(out);

  std::vector<cometapi::JobSpec> specs;
  for (int i = 0; i < jobs; ++i) {
    cometapi::JobSpec spec;
    spec.prompt = "bench prompt " + std::to_string(i);
    if (then != "none") spec.then = {then};
    spec.out_dir = out;
    specs.push_back(spec);
  }
  const int tasks = jobs * (then == "none" ? 1 : 2);

  const auto start = std::chrono::steady_clock::now();
  cometapi::JobRunner runner(cometapi::CometClient(options), *store, runner_options);
  // One submit() per job, as an application hands them over; the slowest call is a figure of its
  // own (submit() only queues, so it should stay far below a millisecond while jobs run).
  std::vector<cometapi::JobHandle> handles;
  std::chrono::nanoseconds slowest_submit{0};
  for (cometapi::JobSpec& spec : specs) {
    const auto before = std::chrono::steady_clock::now();
    handles.push_back(runner.submit(std::move(spec)));
    slowest_submit = std::max(slowest_submit, std::chrono::steady_clock::now() - before);
  }
  runner.wait_idle();
  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const auto stats = runner.stats();
  runner.stop();

  int done = 0;
  for (const auto& handle : handles) done += handle.status() == cometapi::JobStatus::Done ? 1 : 0;
  int requests = 0;
  for (const auto& entry : server.requests_by_path()) requests += entry.second;
  int duplicates = 0;
  for (const auto& entry : server.submits_by_state()) duplicates += entry.second > 1 ? 1 : 0;
  const double ideal_ms = tasks * task_ms / slots;
  std::printf(
      "{\"jobs\":%d,\"tasks\":%d,\"slots\":%d,\"task_ms\":%.1f,\"wall_ms\":%.0f,"
      "\"ideal_ms\":%.0f,\"ratio\":%.3f,\"requests_per_job\":%.2f,\"submits\":%llu,"
      "\"refusals\":%llu,\"done\":%d,\"duplicates\":%d,\"slowest_submit_us\":%.1f}\n",
      jobs, tasks, slots, task_ms, wall_ms, ideal_ms, wall_ms / ideal_ms,
      static_cast<double>(requests) / jobs, static_cast<unsigned long long>(stats.submits),
      static_cast<unsigned long long>(stats.refusals), done, duplicates,
      std::chrono::duration<double, std::micro>(slowest_submit).count());
  std::error_code ignored;
  std::filesystem::remove_all(out, ignored);
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(journal + suffix, ignored);
  return done == jobs ? 0 : 1;
}
