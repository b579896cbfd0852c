// JobRunner against the simulator over HTTP: jobs run, follow-ups are pressed, files are saved,
// the caller is never blocked, callbacks go through the caller's executor.
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "jobs_fixture.hpp"
#include "silent_server.hpp"

namespace cometapi::test {
namespace {

using namespace std::chrono_literals;

TEST_F(JobsTest, ImagineThenTwoUpscalesSavesBothImagesAndRecordsEveryStep) {
  JobRunner runner(CometClient(client_options()), store_, runner_options());
  JobHandle handle = runner.submit(imagine("a red fox", {"U1", "U3"}, dir_.path()));
  const Job job = handle.wait();
  ASSERT_EQ(job.status, JobStatus::Done) << job.error;
  ASSERT_EQ(job.steps.size(), 3u);
  EXPECT_EQ(job.tasks(), 3);
  for (int i : {1, 2}) {
    const JobStep& step = job.steps[static_cast<std::size_t>(i)];
    EXPECT_EQ(step.phase, StepPhase::Saved);
    EXPECT_TRUE(is_png(step.file)) << step.file;
    auto task = server_->task(step.task_id);
    ASSERT_TRUE(task.has_value());
    EXPECT_EQ(task->action, "UPSCALE");
    EXPECT_EQ(task->parent_id, job.steps[0].task_id);
    EXPECT_EQ(task->state, step.state);  // the token went out with the press
  }
  EXPECT_EQ(job.steps[1].file, dir_.path() + "/0001-U1.png");
  // The grid is not a final image here: not saved.
  EXPECT_EQ(job.steps[0].phase, StepPhase::Finished);
  EXPECT_TRUE(job.steps[0].file.empty());
  // The journal says the same as the handle.
  auto stored = store_->get(job.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, JobStatus::Done);
  EXPECT_EQ(stored->steps[2].file, job.steps[2].file);
  EXPECT_EQ(stored->steps[0].task_status, "SUCCESS");
  EXPECT_EQ(server_->submits(), 3);
  expect_no_duplicates();
}

TEST_F(JobsTest, CallbacksArriveThroughTheCallersExecutor) {
  // The caller's "GUI loop": callbacks are posted to this queue and run by this thread only.
  std::mutex mutex;
  std::deque<std::function<void()>> posted;
  JobRunnerOptions options = runner_options();
  options.executor = [&](std::function<void()> call) {
    std::lock_guard<std::mutex> lock(mutex);
    posted.push_back(std::move(call));
  };
  const std::thread::id caller = std::this_thread::get_id();
  int done = 0;
  int progress_events = 0;
  bool all_on_caller = true;
  options.on_progress = [&](const JobEvent&) {
    ++progress_events;
    all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
  };
  options.on_done = [&](const Job& job) {
    ++done;
    all_on_caller = all_on_caller && std::this_thread::get_id() == caller;
    EXPECT_EQ(job.status, JobStatus::Done) << job.error;
  };
  options.max_in_flight = 10;
  JobRunner runner(CometClient(client_options()), store_, options);

  std::vector<JobHandle> handles;
  for (int i = 0; i < 100; ++i)
    handles.push_back(runner.submit(imagine("prompt " + std::to_string(i))));
  while (done < 100) {
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(mutex);
      batch.swap(posted);
    }
    for (auto& call : batch) call();
    if (batch.empty()) std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(all_on_caller);
  EXPECT_GT(progress_events, 100);
  for (const JobHandle& handle : handles) EXPECT_EQ(handle.status(), JobStatus::Done);
  // One list-by-condition per cycle for all jobs, not one fetch per job per cycle.
  EXPECT_EQ(server_->requests_to("/mj/task/") - server_->requests_to("/mj/task/list"), 0);
  expect_no_duplicates();
}

// submit() only queues the job: against a service that never answers a byte, 100 calls return
// and, after stop(), every job is on file, none lost, and at most the one submit that was in
// flight got further than "recorded". (How fast submit() returns is a figure for bench/.)
TEST_F(JobsTest, SubmitReturnsWhileTheServiceNeverAnswers) {
  SilentServer silent;
  ClientOptions client = client_options();
  client.base_url = silent.base_url();
  // A submit() that waited on the network would take 100 x 5 s, past the test's timeout. A submit
  // already in flight when stop() comes is let finish (its answer names the task), so at most 5 s.
  client.request_timeout = 5s;
  JobRunnerOptions options = runner_options();
  options.max_in_flight = 4;
  {
    JobRunner runner(CometClient(client), store_, options);
    for (int i = 0; i < 100; ++i) {
      JobHandle handle = runner.submit(imagine("never answered " + std::to_string(i)));
      EXPECT_NE(handle.status(), JobStatus::Done);
    }
    runner.stop();
  }
  auto jobs = store_->list();
  ASSERT_TRUE(jobs) << jobs.error().to_string();
  ASSERT_EQ(jobs->size(), 100u);
  int sent = 0;
  for (const Job& job : *jobs) {
    EXPECT_NE(job.status, JobStatus::Done) << job.id;
    if (job.steps.at(0).phase != StepPhase::Pending) ++sent;
  }
  EXPECT_LE(sent, 1);
}

TEST_F(JobsTest, ASubmitAnsweredWith500IsNeedsAttentionAndIsNeverSentAgain) {
  ClientOptions client = client_options();
  client.retry.max_retries = 0;
  server_->fail_next("/mj/submit/imagine", testing::FaultKind::InternalError);
  JobRunner runner(CometClient(client), store_, runner_options());
  const Job job = runner.submit(imagine("a 500 after the task was made", {"U1"})).wait();
  ASSERT_EQ(job.status, JobStatus::NeedsAttention);
  EXPECT_EQ(job.steps[0].phase, StepPhase::Ambiguous);
  EXPECT_NE(job.error.find(job.steps[0].state), std::string::npos) << job.error;
  EXPECT_NE(job.error.find("Server"), std::string::npos) << job.error;
  // The simulator made the task; the runner never learnt its id and never sent it again.
  EXPECT_EQ(server_->submits_with_state(job.steps[0].state), 1);
  EXPECT_EQ(server_->submits(), 1);
  EXPECT_EQ(job.tasks(), 1);  // paid for, as far as anyone knows
  auto stored = store_->get(job.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, JobStatus::NeedsAttention);
}

TEST_F(JobsTest, ARefusedPromptFailsWithTheServicesReasonRecorded) {
  JobRunner runner(CometClient(client_options()), store_, runner_options());
  const Job job = runner.submit(imagine("a bannedword here", {"U1"})).wait();
  ASSERT_EQ(job.status, JobStatus::Failed);
  EXPECT_NE(job.error.find("BannedPrompt"), std::string::npos) << job.error;
  EXPECT_EQ(job.steps[1].phase, StepPhase::Pending);  // never pressed
  EXPECT_EQ(job.tasks(), 0);
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(JobsTest, AFailedTaskFailsTheJobWithTheTaskId) {
  server_->fail_prompt("explode", "Job failed: content");
  JobRunner runner(CometClient(client_options()), store_, runner_options());
  const Job job = runner.submit(imagine("explode please", {"U1"})).wait();
  ASSERT_EQ(job.status, JobStatus::Failed);
  EXPECT_NE(job.error.find("TaskFailed"), std::string::npos) << job.error;
  EXPECT_NE(job.error.find("Job failed: content"), std::string::npos) << job.error;
  EXPECT_FALSE(job.steps[0].task_id.empty());
  EXPECT_EQ(job.tasks(), 1);
}

TEST_F(JobsTest, AJobCancelledBeforeItsSubmitSendsNothing) {
  JobRunner runner(CometClient(client_options()), store_, runner_options());
  runner.drain();  // nothing is submitted, so the cancel surely comes first
  JobHandle handle = runner.submit(imagine("never sent"));
  handle.cancel();
  const Job job = handle.wait();
  EXPECT_EQ(job.status, JobStatus::Cancelled);
  EXPECT_EQ(server_->submits(), 0);
  EXPECT_TRUE(runner.idle());
}

TEST_F(JobsTest, StopLeavesUnfinishedJobsInTheStoreAndWaitReturns) {
  JobRunnerOptions options = runner_options();
  JobRunner runner(CometClient(client_options()), store_, options);
  runner.drain();
  std::vector<JobHandle> handles = runner.submit({imagine("one"), imagine("two")});
  while (handles[1].id() == 0) std::this_thread::sleep_for(1ms);  // recorded
  runner.stop();
  EXPECT_EQ(handles[0].wait().status, JobStatus::Queued);  // wait() returns once stopped
  auto listed = store_->list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].status, JobStatus::Queued);
  EXPECT_EQ(server_->submits(), 0);
}

}  // namespace
}  // namespace cometapi::test
