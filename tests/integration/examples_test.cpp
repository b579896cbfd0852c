// The example programs, run as a user would: built binaries, environment variables, a simulator.
#include <sys/wait.h>

#include <cstdio>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

ProcessResult run(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

using test::SimTest;

#ifdef COMETAPI_SUBMIT_ACTION_EXE
TEST_F(SimTest, SubmitActionExamplePrintsTheNewTaskId) {
  const Task grid = finished(imagine("example fox"));
  const std::string env = "COMETAPI_KEY=" + std::string(test::kSimKey) +
                          " COMETAPI_BASE_URL=" + server_->base_url() + " ";
  ProcessResult ok = run(env + COMETAPI_SUBMIT_ACTION_EXE " " + grid.id + " U1");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  const std::string new_id = trim(ok.output);
  auto created = server_->task(new_id);
  ASSERT_TRUE(created.has_value()) << ok.output;
  EXPECT_EQ(created->action, "UPSCALE");
  EXPECT_EQ(created->parent_id, grid.id);

  // A button the task does not have: one line on stderr, exit 1.
  ProcessResult missing = run(env + COMETAPI_SUBMIT_ACTION_EXE " " + grid.id + " U9");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(std::count(missing.output.begin(), missing.output.end(), '\n'), 1) << missing.output;
  EXPECT_NE(missing.output.find("U9"), std::string::npos);

  // No key: the error names the variable.
  ProcessResult no_key =
      run("env -u COMETAPI_KEY " COMETAPI_SUBMIT_ACTION_EXE " " + grid.id + " U1");
  EXPECT_EQ(no_key.exit_code, 1);
  EXPECT_NE(no_key.output.find("COMETAPI_KEY"), std::string::npos);

  ProcessResult usage = run(COMETAPI_SUBMIT_ACTION_EXE);
  EXPECT_EQ(usage.exit_code, 2);
}

TEST(DemoExample, RunsTheMainJobOnTheBuiltInSimulator) {
  ProcessResult demo = run("env -u COMETAPI_KEY " COMETAPI_DEMO_EXE " 'a test prompt'");
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  EXPECT_NE(demo.output.find("built-in simulator"), std::string::npos) << demo.output;
  EXPECT_NE(demo.output.find("Done. Upscaled image: http://127.0.0.1:"), std::string::npos)
      << demo.output;
}
#endif

}  // namespace
}  // namespace cometapi
