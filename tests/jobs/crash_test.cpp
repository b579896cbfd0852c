// A real `cometmj batch` process on 60 prompts (imagine + U1 + save), killed with SIGKILL at five
// moments chosen by what it has recorded (never by time), resumed after each kill: in the end every
// job has its PNG, no state was submitted twice, and a submit in flight at a kill was never sent
// again without the user asking.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "../tool/subprocess.hpp"
#include "jobs_fixture.hpp"

namespace cometapi::test {
namespace {

constexpr int kPrompts = 60;

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class CrashTest : public JobsTest {
 protected:
  void configure(testing::FakeServerOptions& options) override {
    options.speed = 50;  // a task takes about 36 ms of real time
    // A slowed submit has made its task and keeps its answer this long: a kill then lands while
    // the submit is in flight, whatever the machine's speed.
    options.slow_delay = std::chrono::milliseconds(20000);
  }

  cometmj::test::RunSpec spec(std::vector<std::string> args) const {
    cometmj::test::RunSpec run;
    run.args = std::move(args);
    run.args.insert(run.args.end(), {"--journal", journal(), "--poll-interval", "10"});
    run.env["COMETAPI_KEY"] = std::string(kJobsKey);
    run.env["COMETAPI_BASE_URL"] = server_->base_url();
    run.env["NO_COLOR"] = std::string("1");
    run.timeout = std::chrono::seconds(120);
    return run;
  }
  std::string journal() const { return dir_.path() + "/journal.db"; }
  std::string out() const { return dir_.path() + "/out"; }

  // Runs the tool and kills it once it has printed `submitted` "submitted as task" lines (each
  // printed after the journal recorded the id). Returns the run; exit 137 when killed.
  cometmj::test::RunResult run_killed(std::vector<std::string> args, int submitted) {
    cometmj::test::RunSpec run = spec(std::move(args));
    run.on_output = [submitted](pid_t child, const std::string& out, const std::string&) {
      if (count_of(out, " submitted as task ") < submitted) return false;
      kill(child, SIGKILL);
      return true;
    };
    return cometmj::test::run(COMETMJ_EXE, run);
  }

  // Runs the tool and kills it while a submit is in flight: the next submit is answered slowly
  // (its task is made at once), and the kill comes as soon as the simulator has made that task.
  cometmj::test::RunResult run_killed_in_flight(std::vector<std::string> args) {
    server_->fail_next("/mj/submit/", testing::FaultKind::Slow, 1);
    const int before = server_->submits();
    std::atomic<pid_t> child{0};
    cometmj::test::RunSpec run = spec(std::move(args));
    run.on_output = [&child](pid_t pid, const std::string&, const std::string&) {
      child = pid;
      return true;
    };
    cometmj::test::RunResult result;
    std::thread runner([&] { result = cometmj::test::run(COMETMJ_EXE, run); });
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while ((server_->submits() == before || child == 0) &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (child != 0) kill(child, SIGKILL);
    runner.join();
    return result;
  }

  // The sim's states, to tell a lost submit from one that made a task.
  std::map<std::string, std::string> task_by_state() const {
    std::map<std::string, std::string> found;
    for (const auto& task : server_->tasks()) found[task.state] = task.id;
    return found;
  }
};

TEST_F(CrashTest, SixtyJobsKilledFiveTimesEndWithEveryPngAndNoDuplicate) {
  {
    std::ofstream prompts(dir_.path() + "/prompts.txt");
    for (int i = 1; i <= kPrompts; ++i) prompts << "catalogue prompt number " << i << "\n";
  }
  const std::vector<std::string> batch{
      "batch", dir_.path() + "/prompts.txt", "--then", "U1", "--out", out()};
  // Kill 1: the first batch run, after 8 submits recorded; kills 2, 4 and 5: resumes, after 10,
  // 18 and 22 more; kill 3: a resume, with a submit on the wire.
  auto first = run_killed(batch, 8);
  ASSERT_EQ(first.exit_code, 128 + SIGKILL) << first.out << first.err;
  for (int more : {10, 0, 18, 22}) {
    auto resumed = more == 0 ? run_killed_in_flight({"resume"}) : run_killed({"resume"}, more);
    ASSERT_EQ(resumed.exit_code, 128 + SIGKILL) << resumed.out << resumed.err;
  }
  // No submit was ever sent twice, and none was sent again under a new token on its own.
  for (const auto& [state, count] : server_->submits_by_state()) {
    EXPECT_EQ(count, 1) << state;
    EXPECT_EQ(state.find("-g0"), state.size() - 3) << "resubmitted without being asked: " << state;
  }

  // The last resume runs to the end by itself.
  auto last = cometmj::test::run(COMETMJ_EXE, spec({"resume"}));
  auto listed = cometmj::test::run(COMETMJ_EXE, spec({"jobs", "--json"}));
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto jobs = store_->list();
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), static_cast<std::size_t>(kPrompts));

  // Every job is done, or needs attention because a submit was in flight at a kill; the latter
  // are exactly the ones the resume reported, and their token went out at most once.
  const auto made = task_by_state();
  std::vector<std::string> choices{"resume"};
  int attention = 0;
  for (const Job& job : *jobs) {
    if (job.status == JobStatus::Done) continue;
    ASSERT_EQ(job.status, JobStatus::NeedsAttention) << job.id << ": " << job.error;
    ++attention;
    EXPECT_NE(last.err.find("job " + std::to_string(job.id) + " needs attention"),
              std::string::npos)
        << last.err;
    for (const JobStep& step : job.steps) {
      if (step.phase != StepPhase::Ambiguous) continue;
      EXPECT_LE(server_->submits_with_state(step.state), 1);
      // The user's part: look the token up; adopt the task it made, or send it again.
      auto found = made.find(step.state);
      if (found != made.end()) {
        choices.insert(choices.end(), {"--adopt", std::to_string(job.id) + "=" + found->second});
      } else {
        choices.insert(choices.end(), {"--resubmit", std::to_string(job.id)});
      }
    }
  }
  EXPECT_EQ(last.exit_code, 1) << last.out << last.err;
  EXPECT_GE(attention, 1);  // at least the submit killed on the wire
  std::printf("after 5 kills: %d job(s) needed attention\n", attention);
  if (attention > 0) {
    auto fixed = cometmj::test::run(COMETMJ_EXE, spec(choices));
    EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  }

  jobs = store_->list();
  ASSERT_TRUE(jobs.ok());
  std::set<std::string> files;
  for (const Job& job : *jobs) {
    EXPECT_EQ(job.status, JobStatus::Done) << job.id << ": " << job.error;
    ASSERT_EQ(job.steps.size(), 2u);
    EXPECT_TRUE(is_png(job.steps[1].file)) << job.id << " " << job.steps[1].file;
    files.insert(job.steps[1].file);
  }
  EXPECT_EQ(files.size(), static_cast<std::size_t>(kPrompts));
  // Each job paid for exactly its two tasks: no state twice, no lost submit sent again blindly.
  expect_no_duplicates();
  EXPECT_EQ(server_->submits(), 2 * kPrompts);
}

TEST_F(CrashTest, CtrlCStopsSubmittingAndExitsWithEverythingRecorded) {
  {
    std::ofstream prompts(dir_.path() + "/prompts.txt");
    for (int i = 1; i <= 20; ++i) prompts << "interrupted prompt " << i << "\n";
  }
  cometmj::test::RunSpec run =
      spec({"batch", dir_.path() + "/prompts.txt", "--then", "U1", "--out", out()});
  run.on_output = [](pid_t child, const std::string& out, const std::string&) {
    if (count_of(out, " submitted as task ") < 4) return false;
    kill(child, SIGINT);
    return true;
  };
  auto interrupted = cometmj::test::run(COMETMJ_EXE, run);
  EXPECT_EQ(interrupted.exit_code, 130) << interrupted.out << interrupted.err;
  EXPECT_NE(interrupted.err.find("cometmj resume"), std::string::npos) << interrupted.err;
  const int sent = server_->submits();
  // Nothing was left half-recorded: a resume finishes every job, with no duplicate.
  auto resumed = cometmj::test::run(COMETMJ_EXE, spec({"resume"}));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  for (const Job& job : store_->list().value()) {
    EXPECT_EQ(job.status, JobStatus::Done) << job.id << ": " << job.error;
  }
  EXPECT_GE(server_->submits(), sent);
  EXPECT_EQ(server_->submits(), 40);
  expect_no_duplicates();
}

}  // namespace
}  // namespace cometapi::test
