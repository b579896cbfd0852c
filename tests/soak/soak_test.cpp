// Soak: 300 imagine-then-U1 workflows against a simulator that misbehaves (5% 500, 2% 502, 2% 503,
// 5% 429, 3% dropped connections, 2% truncated JSON, 1% slow answers; fixed seed). Every workflow
// must end in success or a typed error within its deadline, and no job may be paid for twice by
// the SDK's own retries. Prints its counts (also to soak-figures.txt in the working directory).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "cometapi/cometapi.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace cometapi {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kWorkflows = 300;
constexpr int kThreads = 8;
constexpr auto kDeadline = std::chrono::seconds(60);  // per workflow, both jobs included

struct Outcome {
  bool success = false;
  std::optional<ErrorKind> error;
  std::string stage;  // "imagine", "wait", "upscale"
  bool maybe_submitted = false;
  milliseconds took{0};
};

TEST(Soak, ThreeHundredWorkflowsThroughFaults) {
  testing::FakeServerOptions sim;
  sim.api_keys = {"sk-soak"};
  sim.speed = 50;  // a job takes about 40 ms of real time
  sim.seed = 20261129;
  sim.faults = "500=0.05,502=0.02,503=0.02,429=0.05,drop=0.03,truncate=0.02,slow=0.01";
  sim.slow_delay = milliseconds(1500);
  sim.retry_after = std::chrono::seconds(0);
  sim.concurrency = 1000;
  testing::FakeCometServer server(sim);
  server.start();

  ClientOptions options;
  options.api_key = "sk-soak";
  options.base_url = server.base_url();
  options.request_timeout = milliseconds(1000);      // a "slow" answer becomes a timeout
  options.retry.initial_backoff = milliseconds(10);  // the defaults, scaled down 50x like time
  options.retry.max_backoff = milliseconds(160);
  const CometClient client(options);

  WaitOptions wait;
  wait.first_poll = milliseconds(40);
  wait.max_interval = milliseconds(300);
  wait.timeout = std::chrono::seconds(25);
  wait.stall_timeout = std::chrono::seconds(20);
  const TaskPoller poller(client, wait);

  std::vector<Outcome> outcomes(kWorkflows);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < kWorkflows; i = next++) {
      Outcome& out = outcomes[i];
      const auto started = Clock::now();
      auto fail = [&](const Error& error, const char* stage) {
        out.error = error.kind;
        out.stage = stage;
        out.maybe_submitted = error.maybe_submitted;
      };
      ImagineRequest imagine;
      imagine.prompt = "soak job " + std::to_string(i);
      imagine.state = "soak-" + std::to_string(i);
      auto submitted = client.submit_imagine(imagine);
      if (!submitted) {
        fail(submitted.error(), "imagine");
      } else if (auto grid = poller.wait(submitted->result); !grid) {
        fail(grid.error(), "wait");
      } else {
        PressOptions press;
        press.state = "soak-" + std::to_string(i) + "-u1";
        auto upscaled = poller.upscale(grid->id, 1, press);
        if (!upscaled) {
          fail(upscaled.error(), "upscale");
        } else {
          out.success = upscaled->status == TaskStatus::Success && !upscaled->image_url.empty();
        }
      }
      out.took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    }
  };
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker);
  for (auto& thread : threads) thread.join();
  const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);

  int successes = 0, ambiguous = 0;
  milliseconds slowest{0};
  std::map<std::string, int> failures;
  for (const Outcome& out : outcomes) {
    EXPECT_TRUE(out.success || out.error.has_value()) << "a workflow ended without a result";
    EXPECT_LE(out.took, kDeadline);
    slowest = std::max(slowest, out.took);
    if (out.success) ++successes;
    if (out.error) {
      std::ostringstream key;
      key << out.stage << "/" << *out.error;
      ++failures[key.str()];
    }
    if (out.maybe_submitted) ++ambiguous;
  }
  // Nothing was paid for twice: every state was submitted (created) at most once.
  int duplicated = 0;
  for (const auto& [state, count] : server.submits_by_state()) {
    EXPECT_LE(count, 1) << "state " << state << " was submitted " << count << " times";
    if (count > 1) ++duplicated;
  }
  int faults = 0;
  std::map<std::string, int> fault_counts;
  for (const auto& record : server.journal()) {
    if (record.fault != testing::FaultKind::None) {
      ++faults;
      ++fault_counts[std::string(testing::to_string(record.fault))];
    }
  }

  std::ostringstream report;
  report << "soak: " << kWorkflows << " workflows on " << kThreads << " threads in "
         << elapsed.count() << " ms (slowest " << slowest.count() << " ms)\n"
         << "soak: " << successes << " succeeded, " << kWorkflows - successes
         << " ended in a typed error, " << ambiguous << " of them flagged maybe_submitted\n"
         << "soak: " << server.journal().size() << " requests, " << faults << " faults injected (";
  for (const auto& [kind, count] : fault_counts) report << kind << "=" << count << " ";
  report << "), " << server.submits() << " jobs created, " << duplicated
         << " states submitted twice\n";
  for (const auto& [what, count] : failures)
    report << "soak: error " << what << ": " << count << "\n";
  std::cout << report.str();
  std::ofstream("soak-figures.txt") << report.str();

  EXPECT_EQ(duplicated, 0);
  EXPECT_GT(successes, kWorkflows / 2);  // faults hit ~20% of requests; most workflows get through
  EXPECT_GT(faults, 50);                 // the faults really happened
}

}  // namespace
}  // namespace cometapi
