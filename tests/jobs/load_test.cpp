// 200 jobs at once: paced through refusals with 0 failed and 0 duplicates, and under the
// simulator's fault mix every job ends in success or a typed, recorded state.
#include <atomic>
#include <map>
#include <thread>

#include "jobs_fixture.hpp"

namespace cometapi::test {
namespace {

constexpr int kJobs = 200;

std::vector<JobSpec> many(const std::string& out) {
  std::vector<JobSpec> specs;
  for (int i = 0; i < kJobs; ++i) {
    JobSpec spec;
    spec.prompt = "catalogue item " + std::to_string(i);
    spec.out_dir = out;
    specs.push_back(spec);
  }
  return specs;
}

TEST_F(JobsTest, TwoHundredJobsThroughRefusalsFinishWithNoFailureAndNoDuplicate) {
  ClientOptions client = client_options();
  client.retry.max_retries = 0;  // every refusal reaches the runner's pacer
  // The account refuses a share of all requests with 429 (nothing created), a run of 12 submits
  // in a row among them.
  server_->set_faults("429=0.15");
  server_->fail_next("/mj/submit/imagine", testing::FaultKind::TooManyRequests, 12);
  JobRunnerOptions options = runner_options();
  options.max_in_flight = 3;
  // The runner's own view, event by event: never more than 3 tasks submitted and unfinished.
  std::map<std::int64_t, bool> running;
  int most_running = 0;
  options.on_progress = [&](const JobEvent& event) {
    running[event.job.id] = event.job.steps[0].phase == StepPhase::Submitted;
    int now = 0;
    for (const auto& entry : running) now += entry.second ? 1 : 0;
    most_running = std::max(most_running, now);
  };
  JobRunner runner(CometClient(client), store_, options);
  std::vector<JobHandle> handles = runner.submit(many(dir_.path()));
  runner.wait_idle();

  int done = 0;
  for (const JobHandle& handle : handles) {
    const Job job = handle.snapshot();
    if (job.status == JobStatus::Done && is_png(job.steps[0].file)) ++done;
    EXPECT_EQ(job.status, JobStatus::Done) << job.id << ": " << job.error;
  }
  EXPECT_EQ(done, kJobs);
  EXPECT_LE(most_running, 3);
  const JobRunner::Stats stats = runner.stats();
  EXPECT_GE(stats.refusals, 12u);
  EXPECT_EQ(stats.submits, kJobs + stats.refusals);
  EXPECT_EQ(server_->submits(), kJobs);
  EXPECT_EQ(server_->submits_by_state().size(), static_cast<std::size_t>(kJobs));
  expect_no_duplicates();
}

// The simulator's account model: 3 running, 10 queued, then "queue full" (nothing created).
// On the simulator's manual clock: no task moves until the account has refused a submit, so the
// queue fills however slowly the runner submits (on real time, under ASan on a loaded machine,
// the tasks could finish as fast as they came and the queue never filled).
class AccountModelTest : public JobsTest {
 protected:
  void configure(testing::FakeServerOptions& options) override {
    options.concurrency = 3;
    options.queue_size = 10;
    options.manual_clock = true;
  }
};

TEST_F(AccountModelTest, TwoHundredJobsPushedPastTheQueueFinishWithNoFailureAndNoDuplicate) {
  ClientOptions client = client_options();
  client.retry.max_retries = 0;  // every "queue full" reaches the runner's pacer
  JobRunnerOptions options = runner_options();
  options.max_in_flight = 20;  // more than 3 running + 10 queued: the account refuses the rest
  JobRunner runner(CometClient(client), store_, options);
  std::atomic<bool> idle{false};
  std::thread time([&] {
    while (!idle && runner.stats().refusals == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // Then the simulated time runs, 0.2 s per real millisecond, until every job is done.
    while (!idle) {
      server_->advance(std::chrono::milliseconds(200));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<JobHandle> handles = runner.submit(many(dir_.path()));
  runner.wait_idle();
  idle = true;
  time.join();
  for (const JobHandle& handle : handles) {
    const Job job = handle.snapshot();
    EXPECT_EQ(job.status, JobStatus::Done) << job.id << ": " << job.error;
    EXPECT_TRUE(is_png(job.steps[0].file)) << job.id;
  }
  const JobRunner::Stats stats = runner.stats();
  EXPECT_GT(stats.refusals, 0u) << "the queue never filled";
  std::printf("account model: %llu refusals, pace at the end %.2f\n",
              static_cast<unsigned long long>(stats.refusals), stats.pace);
  EXPECT_EQ(stats.submits, kJobs + stats.refusals);
  EXPECT_EQ(server_->submits(), kJobs);
  expect_no_duplicates();
}

class FaultMixTest : public JobsTest {
 protected:
  void configure(testing::FakeServerOptions& options) override {
    options.faults = "500=0.05,502=0.02,503=0.02,429=0.05,drop=0.03,truncate=0.02,slow=0.01";
    options.seed = 7;
  }
};

TEST_F(FaultMixTest, TwoHundredJobsEndInSuccessOrATypedRecordedState) {
  JobRunnerOptions options = runner_options();
  options.max_in_flight = 6;
  JobRunner runner(CometClient(client_options()), store_, options);
  std::vector<JobSpec> specs = many(dir_.path());
  for (JobSpec& spec : specs) spec.then = {"U1"};
  std::vector<JobHandle> handles = runner.submit(std::move(specs));
  runner.wait_idle();

  std::map<JobStatus, int> by_status;
  auto stored = store_->list();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), static_cast<std::size_t>(kJobs));
  for (const Job& job : *stored) {
    ++by_status[job.status];
    ASSERT_TRUE(is_final(job.status)) << job.id;
    if (job.status == JobStatus::Done) {
      EXPECT_TRUE(is_png(job.steps[1].file)) << job.id;
      continue;
    }
    // Not done: the journal says why, naming the kind of error.
    EXPECT_FALSE(job.error.empty()) << job.id;
    const bool typed = job.error.find("Server") != std::string::npos ||
                       job.error.find("Connection") != std::string::npos ||
                       job.error.find("ResponseInvalid") != std::string::npos ||
                       job.error.find("Timeout") != std::string::npos ||
                       job.error.find("RateLimited") != std::string::npos;
    EXPECT_TRUE(typed) << job.id << ": " << job.error;
    if (job.status == JobStatus::NeedsAttention) {
      bool ambiguous = false;
      for (const JobStep& step : job.steps) ambiguous |= step.phase == StepPhase::Ambiguous;
      EXPECT_TRUE(ambiguous) << job.id;
    }
  }
  EXPECT_GT(by_status[JobStatus::Done], kJobs / 2);
  EXPECT_EQ(by_status[JobStatus::Done] + by_status[JobStatus::Failed] +
                by_status[JobStatus::NeedsAttention],
            kJobs);
  expect_no_duplicates();
  std::printf("fault mix: %d done, %d failed, %d need attention\n", by_status[JobStatus::Done],
              by_status[JobStatus::Failed], by_status[JobStatus::NeedsAttention]);
}

}  // namespace
}  // namespace cometapi::test
