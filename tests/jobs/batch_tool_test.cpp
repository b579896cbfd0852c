// `cometmj batch` as a user runs it: JSON lines with options of their own, --json events, the
// default journal under $XDG_DATA_HOME, and a bad line refused before anything is recorded.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../tool/subprocess.hpp"
#include "jobs_fixture.hpp"

namespace cometapi::test {
namespace {

class BatchToolTest : public JobsTest {
 protected:
  cometmj::test::RunResult cometmj(std::vector<std::string> args) const {
    cometmj::test::RunSpec run;
    run.args = std::move(args);
    run.args.insert(run.args.end(), {"--poll-interval", "5"});
    run.env["COMETAPI_KEY"] = std::string(kJobsKey);
    run.env["COMETAPI_BASE_URL"] = server_->base_url();
    run.env["XDG_DATA_HOME"] = dir_.path() + "/data";
    return cometmj::test::run(COMETMJ_EXE, run);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(BatchToolTest, JsonLinesCarryTheirOwnOptionsAndEventsComeAsJson) {
  // A finished grid to describe by URL.
  ImagineRequest imagine;
  imagine.prompt = "something to describe";
  const std::string grid = CometClient(client_options()).submit_imagine(imagine).value().result;
  server_->advance(std::chrono::seconds(5));
  const std::string file = write("jobs.jsonl",
                                 "# a comment, then a blank line\n\n"
                                 "a plain prompt\n"
                                 "{\"prompt\": \"two upscales\", \"then\": \"U2,U4\", \"out\": \"" +
                                     dir_.path() +
                                     "/koi\", \"label\": \"cover\"}\n"
                                     "{\"kind\": \"describe\", \"images\": [\"" +
                                     server_->base_url() + "/mj/image/" + grid + "\"]}\n");
  auto ran = cometmj({"--json", "batch", file, "--then", "U1", "--out", dir_.path() + "/out"});
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  std::stringstream lines(ran.out);
  int events = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);  // every stdout line is one JSON object
    EXPECT_TRUE(j.contains("job") && j.contains("status") && j.contains("message")) << line;
    ++events;
  }
  EXPECT_GT(events, 6);
  EXPECT_TRUE(is_png(dir_.path() + "/out/0001-U1.png"));
  EXPECT_TRUE(is_png(dir_.path() + "/koi/0002-U2.png"));
  EXPECT_TRUE(is_png(dir_.path() + "/koi/0002-U4.png"));

  // The default journal, and what `jobs` lists from it.
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/data/cometmj/journal.db"));
  auto listed = cometmj({"--json", "jobs"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<nlohmann::json> jobs;
  std::stringstream rows(listed.out);
  for (std::string line; std::getline(rows, line);) jobs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0]["tasks"], 2);
  EXPECT_EQ(jobs[1]["label"], "cover");
  EXPECT_EQ(jobs[1]["tasks"], 3);
  EXPECT_EQ(jobs[2]["kind"], "describe");
  EXPECT_EQ(jobs[2]["status"], "done");
  EXPECT_EQ(jobs[2]["tasks"], 1);  // describe has no U buttons to press
  auto plain = cometmj({"jobs"});
  EXPECT_NE(plain.err.find("3 done"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("6 task(s) paid for"), std::string::npos) << plain.err;
  expect_no_duplicates();
}

TEST_F(BatchToolTest, OnATerminalALiveBlockShowsRunningJobsAndASummary) {
  std::string prompts;
  for (int i = 1; i <= 6; ++i) prompts += "live prompt " + std::to_string(i) + "\n";
  const std::string file = write("live.txt", prompts);
  cometmj::test::RunSpec run;
  run.args = {"batch", file, "--then", "U1", "--out", dir_.path() + "/out", "--poll-interval", "5"};
  run.env["COMETAPI_KEY"] = std::string(kJobsKey);
  run.env["COMETAPI_BASE_URL"] = server_->base_url();
  run.env["XDG_DATA_HOME"] = dir_.path() + "/data";
  run.env["TERM"] = std::string("xterm");
  run.stderr_tty = true;
  auto ran = cometmj::test::run(COMETMJ_EXE, run);
  ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  // One line per running job ("job 3 U1 IN_PROGRESS 45%  line 3: live prompt 3"), redrawn in
  // place.
  EXPECT_NE(ran.err.find(" imagine "), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find(": live prompt "), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("\x1b["), std::string::npos);
  EXPECT_NE(ran.err.find("6 done, 0 running, 0 failed, 0 need attention, 0 queued (of 6)"),
            std::string::npos)
      << ran.err;
  // stdout is not the terminal, so it still has one plain line per event.
  EXPECT_NE(ran.out.find("job 6: saved "), std::string::npos) << ran.out;
}

TEST_F(BatchToolTest, ABadLineIsRefusedBeforeAnythingIsRecordedOrSent) {
  const std::string file = write("bad.jsonl", "a fine prompt\n{\"kind\": \"painting\"}\n");
  auto ran = cometmj({"batch", file});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("line 2"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("painting"), std::string::npos) << ran.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/cometmj/journal.db"));
  EXPECT_EQ(server_->submits(), 0);
  auto none = cometmj({"resume"});
  EXPECT_EQ(none.exit_code, 2);  // no journal yet: says so
  EXPECT_NE(none.err.find("no journal"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace cometapi::test
