// JobStore on a real SQLite file: what is written is read back by another connection, the file is
// in WAL mode with synchronous=FULL, and state tokens are unique.
#include <sqlite3.h>

#include <set>

#include "jobs_fixture.hpp"
#include "pacer.hpp"

namespace cometapi::test {
namespace {

std::string pragma(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  std::string value;
  sqlite3_exec(
      db, sql,
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) = values[0] != nullptr ? values[0] : "";
        return 0;
      },
      &value, nullptr);
  sqlite3_close(db);
  return value;
}

Job two_step_job(const std::string& prompt) {
  Job job;
  job.spec.prompt = prompt;
  job.spec.then = {"U1"};
  job.spec.out_dir = "/tmp/out";
  job.spec.label = "line 1";
  job.steps.resize(2);
  job.steps[1].index = 1;
  job.steps[1].button = "U1";
  return job;
}

TEST(JobStore, WhatIsWrittenIsReadBackFromTheFileByAnotherConnection) {
  TempDir dir;
  const std::string path = dir.path() + "/journal.db";
  std::vector<Job> jobs{two_step_job("a red fox"), two_step_job("a blue bird")};
  {
    auto store = JobStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().to_string();
    ASSERT_TRUE((*store)->add(jobs).ok());
    EXPECT_EQ(jobs[0].id + 1, jobs[1].id);
    jobs[0].status = JobStatus::Running;
    jobs[0].steps[0].phase = StepPhase::Submitted;
    jobs[0].steps[0].task_id = "1750000000000123";
    jobs[0].steps[0].task_status = "IN_PROGRESS";
    jobs[0].steps[0].attempts = 1;
    ASSERT_TRUE((*store)->update(jobs[0], jobs[0].steps[0]).ok());
  }
  auto reopened = JobStore::open(path);
  ASSERT_TRUE(reopened.ok());
  auto listed = (*reopened)->list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  const Job& job = (*listed)[0];
  EXPECT_EQ(job.status, JobStatus::Running);
  EXPECT_EQ(job.spec.prompt, "a red fox");
  EXPECT_EQ(job.spec.then, std::vector<std::string>{"U1"});
  EXPECT_EQ(job.spec.label, "line 1");
  ASSERT_EQ(job.steps.size(), 2u);
  EXPECT_EQ(job.steps[0].phase, StepPhase::Submitted);
  EXPECT_EQ(job.steps[0].task_id, "1750000000000123");
  EXPECT_EQ(job.steps[0].task_status, "IN_PROGRESS");
  EXPECT_EQ(job.steps[0].attempts, 1);
  EXPECT_EQ(job.steps[0].state, jobs[0].steps[0].state);
  EXPECT_EQ(job.steps[1].button, "U1");
  EXPECT_EQ(job.steps[1].phase, StepPhase::Pending);
  EXPECT_EQ(job.tasks(), 1);

  EXPECT_EQ(pragma(path, "PRAGMA journal_mode"), "wal");
  auto missing = (*reopened)->get(999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST(JobStore, EveryStepHasItsOwnStateToken) {
  TempDir dir;
  auto store = JobStore::open(dir.path() + "/journal.db");
  ASSERT_TRUE(store.ok());
  std::vector<Job> jobs;
  for (int i = 0; i < 50; ++i) jobs.push_back(two_step_job("p" + std::to_string(i)));
  ASSERT_TRUE((*store)->add(jobs).ok());
  std::set<std::string> tokens;
  for (const Job& job : jobs) {
    for (const JobStep& step : job.steps) {
      EXPECT_FALSE(step.state.empty());
      tokens.insert(step.state);
    }
  }
  EXPECT_EQ(tokens.size(), 100u);
}

TEST(JobStore, AFolderThatDoesNotExistIsAnErrorNamingThePath) {
  auto store = JobStore::open("/nonexistent-folder-for-cometapi/journal.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::LocalFile);
  EXPECT_NE(store.error().message.find("/nonexistent-folder-for-cometapi/journal.db"),
            std::string::npos);
}

TEST(Pacer, HalvesOnRefusalAndClimbsBackByOneTaskPerWindow) {
  using namespace std::chrono_literals;
  detail::Pacer pacer(4, 100ms);
  const auto t0 = detail::Pacer::Clock::time_point{} + 1h;
  EXPECT_TRUE(pacer.may_submit(3, t0));
  EXPECT_FALSE(pacer.may_submit(4, t0));
  pacer.refused(t0, std::nullopt);
  EXPECT_DOUBLE_EQ(pacer.window(), 2.0);
  EXPECT_FALSE(pacer.may_submit(0, t0 + 99ms));  // backing off
  EXPECT_TRUE(pacer.may_submit(1, t0 + 100ms));
  EXPECT_FALSE(pacer.may_submit(2, t0 + 100ms));  // the window is 2 now
  pacer.refused(t0, std::nullopt);                // a second refusal in a row waits twice as long
  EXPECT_DOUBLE_EQ(pacer.window(), 1.0);
  EXPECT_FALSE(pacer.may_submit(0, t0 + 199ms));
  pacer.refused(t0, 5000ms);  // a longer Retry-After wins; never below one task
  EXPECT_DOUBLE_EQ(pacer.window(), 1.0);
  EXPECT_FALSE(pacer.may_submit(0, t0 + 4999ms));
  pacer.accepted();
  pacer.finished();  // 1 + 1/1
  EXPECT_DOUBLE_EQ(pacer.window(), 2.0);
  pacer.finished();  // 2 + 1/2
  pacer.finished();  // 2.5 + 0.4
  EXPECT_NEAR(pacer.window(), 2.9, 1e-9);
  for (int i = 0; i < 20; ++i) pacer.finished();
  EXPECT_DOUBLE_EQ(pacer.window(), 4.0);  // capped at max_in_flight
}

}  // namespace
}  // namespace cometapi::test
