// The job examples, run as a user would: built binaries, environment variables, a simulator at
// 100x speed polled every 10 ms.
#include <cstdio>
#include <map>
#include <optional>

#include "../tool/subprocess.hpp"
#include "jobs_fixture.hpp"

#if defined(COMETAPI_BATCH_EXE) && defined(COMETAPI_GUI_LOOP_EXE)
namespace cometapi::test {
namespace {

struct Ran {
  int exit_code = -1;
  std::string output;  // stdout only
};

// Runs an example with the simulator's address in its environment.
Ran run(const std::string& program, std::vector<std::string> args,
        const std::map<std::string, std::optional<std::string>>& env = {}) {
  cometmj::test::RunSpec spec;
  spec.args = std::move(args);
  spec.env = env;
  const auto ran = cometmj::test::run(program, spec);
  return {ran.exit_code, ran.out};
}

class JobExamples : public JobsTest {
 protected:
  std::map<std::string, std::optional<std::string>> env() const {
    return {{"COMETAPI_POLL_MS", std::string("10")},
            {"COMETAPI_KEY", std::string(kJobsKey)},
            {"COMETAPI_BASE_URL", server_->base_url()}};
  }
  std::string journal() const { return dir_.path() + "/example.db"; }
};

TEST_F(JobExamples, BatchSavesOneUpscalePerPromptAndResumesNothingTwice) {
  const Ran ran = run(COMETAPI_BATCH_EXE,
                      {journal(), dir_.path(), "a koi pond", "a red fox", "a lighthouse"}, env());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  for (const char* file : {"/0001-U1.png", "/0002-U1.png", "/0003-U1.png"}) {
    EXPECT_TRUE(is_png(dir_.path() + file)) << file;
    EXPECT_NE(ran.output.find(dir_.path() + file), std::string::npos) << ran.output;
  }
  EXPECT_EQ(server_->submits(), 6);
  // Without prompts it continues the journal: nothing is left, so nothing is sent.
  const Ran again = run(COMETAPI_BATCH_EXE, {journal(), dir_.path()}, env());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(server_->submits(), 6);
  expect_no_duplicates();

  EXPECT_EQ(run(COMETAPI_BATCH_EXE, {}).exit_code, 2);
}

TEST_F(JobExamples, GuiLoopKeepsDrawingFramesWhileJobsRun) {
  const Ran ran =
      run(COMETAPI_GUI_LOOP_EXE, {journal(), dir_.path(), "a koi pond", "a red fox"}, env());
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("job 1 done"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("job 2 done"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find(", 0 failed"), std::string::npos) << ran.output;
  // The loop ran many frames while the jobs ran (each frame is 16 ms; the jobs take longer).
  long frames = 0;
  std::sscanf(ran.output.c_str() + ran.output.find("frames "), "frames %ld", &frames);
  EXPECT_GT(frames, 2) << ran.output;
  EXPECT_TRUE(is_png(dir_.path() + "/0002-U1.png"));
}

}  // namespace
}  // namespace cometapi::test
#endif
