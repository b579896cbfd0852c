// Soak: imagine-then-U1 workflows on 8 threads against a simulator that misbehaves the way the
// real stack does (fixed seed): plain HTTP faults (500, 502, 503, 429, dropped connections,
// truncated JSON, slow answers), the gateway's code-5 family, trueai's envelope and the bare 429,
// an account with 3 jobs running and 10 queued (most jobs wait for a slot; beyond that a submit is
// refused as queue full), and the MODAL lag after /submit/modal. Every workflow must end in success
// or a typed error within its deadline, and no job may be paid for twice by the SDK's own retries.
// Prints its counts (also to soak-figures.txt in the working directory).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "cometapi/cometapi.hpp"
#include "cometapi/testing/fake_server.hpp"

namespace cometapi {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kThreads = 8;
constexpr auto kDeadline = std::chrono::seconds(60);  // per workflow, all its jobs included

// The transport faults of the first soak, and the faults the real gateway and upstreams add.
constexpr const char* kHttpFaults =
    "500=0.04,502=0.02,503=0.02,429=0.04,drop=0.03,truncate=0.02,slow=0.01";
constexpr const char* kStackFaults =
    ",do_request_failed=0.01,read_response_body_failed=0.01,empty_response_body=0.01,"
    "trueai_unavailable=0.01,429_empty=0.01";

struct Outcome {
  bool success = false;
  std::optional<ErrorKind> error;
  std::string stage;  // "imagine", "wait", "upscale", "zoom"
  bool maybe_submitted = false;
  milliseconds took{0};
};

struct Soak {
  int workflows = 300;
  bool custom_zoom = false;  // after U1, a Custom Zoom through /submit/modal and its MODAL lag
  std::string name = "soak";
  // Faults hit about a quarter of the requests and an imagine-then-U1 workflow makes 5 or more:
  // well over a third of them get through (about half in practice).
  int min_successes = 120;
};

void run(const Soak& soak) {
  testing::FakeServerOptions sim;
  sim.api_keys = {"sk-soak"};
  sim.speed = 50;  // a job takes about 40 ms of real time
  sim.seed = 20261129;
  sim.faults = std::string(kHttpFaults) + kStackFaults;
  sim.slow_delay = milliseconds(1500);
  sim.retry_after = std::chrono::seconds(0);
  // The account model with the upstream's defaults: 8 threads share 3 running slots and a queue
  // of 10 (jobs a client lost to a fault still run and hold their slot).
  sim.concurrency = 3;
  sim.queue_size = 10;
  sim.modal_lag = std::chrono::milliseconds(3000);  // the default, 60 ms of real time here
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

  std::vector<Outcome> outcomes(soak.workflows);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i = next++; i < soak.workflows; i = next++) {
      Outcome& out = outcomes[i];
      const auto started = Clock::now();
      auto fail = [&](const Error& error, const char* stage) {
        out.error = error.kind;
        out.stage = stage;
        out.maybe_submitted = error.maybe_submitted;
      };
      ImagineRequest imagine;
      imagine.prompt = soak.name + " job " + std::to_string(i);
      imagine.state = soak.name + "-" + std::to_string(i);
      auto submitted = client.submit_imagine(imagine);
      if (!submitted) {
        fail(submitted.error(), "imagine");
      } else if (auto grid = poller.wait(submitted->result); !grid) {
        fail(grid.error(), "wait");
      } else {
        PressOptions press;
        press.state = soak.name + "-" + std::to_string(i) + "-u1";
        auto upscaled = poller.upscale(grid->id, 1, press);
        if (!upscaled) {
          fail(upscaled.error(), "upscale");
        } else if (!soak.custom_zoom) {
          out.success = upscaled->status == TaskStatus::Success && !upscaled->image_url.empty();
        } else if (auto zoomed = poller.custom_zoom(upscaled->id, 1.5); !zoomed) {
          fail(zoomed.error(), "zoom");
        } else {
          out.success = zoomed->status == TaskStatus::Success && !zoomed->image_url.empty();
        }
      }
      out.took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
      // Told the account's queue is full, a client waits before it submits more (else it burns
      // through its remaining jobs in a few milliseconds): about one job's time here.
      if (out.error == ErrorKind::RateLimited) std::this_thread::sleep_for(milliseconds(50));
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
  // Nothing was paid for twice: every state was submitted (created) at most once. Custom Zoom
  // carries no state (""): its modal can be continued only once, the simulator refuses a second.
  int duplicated = 0;
  for (const auto& [state, count] : server.submits_by_state()) {
    if (state.empty()) continue;
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
  report << soak.name << ": " << soak.workflows << " workflows on " << kThreads << " threads in "
         << elapsed.count() << " ms (slowest " << slowest.count() << " ms)\n"
         << soak.name << ": " << successes << " succeeded, " << soak.workflows - successes
         << " ended in a typed error, " << ambiguous << " of them flagged maybe_submitted\n"
         << soak.name << ": " << server.journal().size() << " requests, " << faults
         << " faults injected (";
  for (const auto& [kind, count] : fault_counts) report << kind << "=" << count << " ";
  report << "), " << server.submits() << " jobs created, " << duplicated
         << " states submitted twice\n";
  for (const auto& [what, count] : failures) {
    report << soak.name << ": error " << what << ": " << count << "\n";
  }
  std::cout << report.str();
  std::ofstream(soak.name + "-figures.txt") << report.str();

  EXPECT_EQ(duplicated, 0);
  EXPECT_GT(successes, soak.min_successes);
  EXPECT_GT(faults, soak.workflows / 6);  // the faults really happened
}

TEST(Soak, ThreeHundredWorkflowsThroughFaults) { run(Soak{}); }

// Custom Zoom goes through /submit/modal, after which the task reads MODAL for the lag: the SDK
// must wait through that MODAL after its own modal submit, not return it as the result.
TEST(Soak, CustomZoomThroughTheModalLag) {
  Soak soak;
  soak.workflows = 120;
  soak.custom_zoom = true;
  soak.name = "soak-modal";
  soak.min_successes = 30;  // three jobs and some eight requests per workflow
  run(soak);
}

}  // namespace
}  // namespace cometapi
