// Resuming from the journal: recorded tasks are watched again, unsent submits are sent, an
// ambiguous submit is never sent again on its own, and the user's two ways out of it.
#include "jobs_fixture.hpp"

namespace cometapi::test {
namespace {

class ResumeTest : public JobsTest {
 protected:
  // A job as a crashed runner left it, written straight into the journal.
  Job record(std::vector<std::string> then, StepPhase first_phase, std::string task_id = {}) {
    Job job;
    job.spec = imagine("resumed " + std::to_string(++count_), std::move(then), dir_.path());
    job.steps.resize(1 + job.spec.then.size());
    for (std::size_t i = 1; i < job.steps.size(); ++i) {
      job.steps[i].index = static_cast<int>(i);
      job.steps[i].button = job.spec.then[i - 1];
    }
    std::vector<Job> one{job};
    EXPECT_TRUE(store_->add(one).ok());
    job = one.front();
    job.status = first_phase == StepPhase::Pending ? JobStatus::Queued : JobStatus::Running;
    job.steps[0].phase = first_phase;
    job.steps[0].task_id = std::move(task_id);
    EXPECT_TRUE(store_->update(job).ok());
    return job;
  }
  // What the crashed runner had sent for it: an imagine with the step's token.
  std::string send(const Job& job) {
    ImagineRequest request;
    request.prompt = job.spec.prompt;
    request.state = job.steps[0].state;
    auto sent = CometClient(client_options()).submit_imagine(request);
    EXPECT_TRUE(sent.ok());
    return sent.ok() ? sent->result : std::string();
  }
  int count_ = 0;
};

TEST_F(ResumeTest, WatchesRecordedTasksSendsUnsentSubmitsAndFlagsInFlightOnes) {
  const Job sent_with_id = record({"U1"}, StepPhase::Pending);
  Job watched = sent_with_id;
  watched.steps[0].task_id = send(sent_with_id);  // sent, and the id was recorded
  watched.steps[0].phase = StepPhase::Submitted;
  watched.status = JobStatus::Running;
  ASSERT_TRUE(store_->update(watched).ok());
  const Job never_sent = record({"U2"}, StepPhase::Pending);
  const Job in_flight_lost = record({"U1"}, StepPhase::Submitting);  // died before the request
  const Job in_flight_made = record({"U1"}, StepPhase::Submitting);
  const std::string made_id = send(in_flight_made);  // died after the request, before the id

  JobRunner runner(CometClient(client_options()), store_, runner_options());
  std::vector<JobHandle> handles = runner.resume();
  ASSERT_EQ(handles.size(), 4u);
  runner.wait_idle();

  auto by_id = [&](std::int64_t id) { return store_->get(id).value(); };
  const Job a = by_id(watched.id);
  EXPECT_EQ(a.status, JobStatus::Done) << a.error;
  EXPECT_EQ(a.steps[0].task_id, watched.steps[0].task_id);  // the same task, watched again
  EXPECT_TRUE(is_png(a.steps[1].file));
  const Job b = by_id(never_sent.id);
  EXPECT_EQ(b.status, JobStatus::Done) << b.error;
  EXPECT_TRUE(is_png(b.steps[1].file));
  EXPECT_EQ(server_->submits_with_state(b.steps[0].state), 1);

  for (const Job* job : {&in_flight_lost, &in_flight_made}) {
    const Job c = by_id(job->id);
    EXPECT_EQ(c.status, JobStatus::NeedsAttention);
    EXPECT_EQ(c.steps[0].phase, StepPhase::Ambiguous);
    EXPECT_NE(c.error.find(job->steps[0].state), std::string::npos) << c.error;
    EXPECT_EQ(c.steps[1].phase, StepPhase::Pending);
  }
  // Never sent again by the runner.
  EXPECT_EQ(server_->submits_with_state(in_flight_lost.steps[0].state), 0);
  EXPECT_EQ(server_->submits_with_state(in_flight_made.steps[0].state), 1);

  // The user's choices: the lost one is sent again (a new token), the made one is adopted.
  const Job again = runner.resubmit(in_flight_lost.id).wait();
  EXPECT_EQ(again.status, JobStatus::Done) << again.error;
  EXPECT_NE(again.steps[0].state, in_flight_lost.steps[0].state);
  EXPECT_EQ(server_->submits_with_state(again.steps[0].state), 1);
  const Job adopted = runner.adopt(in_flight_made.id, made_id).wait();
  EXPECT_EQ(adopted.status, JobStatus::Done) << adopted.error;
  EXPECT_EQ(adopted.steps[0].task_id, made_id);
  EXPECT_TRUE(is_png(adopted.steps[1].file));
  EXPECT_EQ(server_->submits_with_state(in_flight_made.steps[0].state), 1);
  expect_no_duplicates();
  // A second resume finds nothing left to do.
  EXPECT_TRUE(runner.resume().empty());
}

TEST_F(ResumeTest, ResubmitRefusesAJobWithoutAnAmbiguousSubmit) {
  const Job pending = record({}, StepPhase::Pending);
  JobRunner runner(CometClient(client_options()), store_, runner_options());
  runner.drain();
  const Job refused = runner.resubmit(pending.id).wait();
  EXPECT_EQ(refused.status, JobStatus::Failed);
  EXPECT_NE(refused.error.find("no ambiguous submit"), std::string::npos) << refused.error;
  EXPECT_EQ(server_->submits(), 0);
  EXPECT_EQ(store_->get(pending.id).value().status, JobStatus::Queued);  // left as it was
}

}  // namespace
}  // namespace cometapi::test
