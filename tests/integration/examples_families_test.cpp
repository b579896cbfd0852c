// The four endpoint-family examples (imagine, describe, blend, video), run as a user would: the
// built binaries, environment variables, and a simulator on loopback. The child processes wait in
// real time, so the simulator runs on its scaled clock (speed 100: a job takes ~20 ms) instead of
// the manual one, and COMETAPI_POLL_MS makes the examples poll every 20 ms.
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

#if defined(COMETAPI_IMAGINE_EXE) && defined(COMETAPI_DESCRIBE_EXE) && \
    defined(COMETAPI_BLEND_EXE) && defined(COMETAPI_VIDEO_EXE)

using nlohmann::json;

struct ExampleRun {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  std::vector<std::string> err_lines;
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class ExampleFamiliesTest : public test::SimTest {
 protected:
  void configure(testing::FakeServerOptions& options) override {
    options.manual_clock = false;
    options.speed = 100;
  }

  void SetUp() override {
    test::SimTest::SetUp();
    std::string pattern = ::testing::TempDir() + "cometapi_examples_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    test::SimTest::TearDown();
    std::filesystem::remove_all(dir_);
  }

  // Writes a small file that passes the SDK's magic-byte check (a PNG signature and IHDR).
  std::string png_file(const std::string& name) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary)
        << std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29);
    return path;
  }

  std::string text_file(const std::string& name) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "this is not an image\n";
    return path;
  }

  // Runs `exe args...` with the key and base URL of the simulator (env_prefix replaces them).
  ExampleRun run(const char* exe, const std::vector<std::string>& args,
                 std::string env_prefix = {}) const {
    if (env_prefix.empty()) {
      env_prefix = "env COMETAPI_KEY=" + std::string(test::kSimKey) +
                   " COMETAPI_BASE_URL=" + server_->base_url();
    }
    const std::string err_path = dir_ + "/stderr.txt";
    // `timeout` keeps a broken example from hanging the suite for the wait's 15-minute deadline.
    std::string command = "timeout 60 " + env_prefix + " COMETAPI_POLL_MS=20 " + quote(exe);
    for (const std::string& arg : args) command += " " + quote(arg);
    command += " 2>" + quote(err_path);

    ExampleRun result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) result.out.append(buffer, n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    result.err_lines = split_lines(result.err);
    return result;
  }

  // The body of the last request to `path`, parsed; null when there was none.
  json last_body(const std::string& path) const {
    const auto journal = server_->journal();
    for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
      if (it->path == path) return json::parse(it->body, nullptr, false);
    }
    return nullptr;
  }

  // The id in the "task <id>" line of an example's output.
  static std::string task_id_in(const std::string& out) {
    std::smatch match;
    return std::regex_search(out, match, std::regex("^task ([0-9]{16})$", std::regex::multiline))
               ? match[1].str()
               : std::string();
  }

  std::string dir_;
};

std::string describe(const ExampleRun& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

// ---- imagine ----------------------------------------------------------------------------------

TEST_F(ExampleFamiliesTest, ImaginePrintsTheImageUrlAndTheButtons) {
  ExampleRun r = run(COMETAPI_IMAGINE_EXE, {"a fox in the snow --ar 3:2"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string id = task_id_in(r.out);
  ASSERT_FALSE(id.empty()) << describe(r);
  EXPECT_EQ(r.out, "task " + id + "\nimage " + server_->base_url() + "/mj/image/" + id +
                       "\nbuttons U1 U2 U3 U4 🔄 V1 V2 V3 V4\n")
      << describe(r);
  EXPECT_EQ(last_body("/mj/submit/imagine"), (json{{"prompt", "a fox in the snow --ar 3:2"}}));
  auto task = server_->task(id);
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->status, "SUCCESS");
  // Progress went to stderr, ending at 100%.
  ASSERT_FALSE(r.err_lines.empty());
  EXPECT_EQ(r.err_lines.back(), "  SUCCESS 100%");
}

TEST_F(ExampleFamiliesTest, ImagineReportsARefusalInOneLine) {
  ExampleRun r = run(COMETAPI_IMAGINE_EXE, {"a bannedword"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.err_lines.size(), 1u) << describe(r);
  EXPECT_NE(r.err_lines[0].find("BannedPrompt"), std::string::npos) << r.err;
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(ExampleFamiliesTest, ImagineReportsAFailedTask) {
  server_->fail_prompt("doomed", "Job failed: no luck");
  ExampleRun r = run(COMETAPI_IMAGINE_EXE, {"a doomed job"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_FALSE(task_id_in(r.out).empty()) << describe(r);  // the id came first
  ASSERT_FALSE(r.err_lines.empty());
  EXPECT_NE(r.err_lines.back().find("TaskFailed"), std::string::npos) << r.err;
  EXPECT_NE(r.err_lines.back().find("no luck"), std::string::npos) << r.err;
}

// ---- describe ---------------------------------------------------------------------------------

TEST_F(ExampleFamiliesTest, DescribeAFilePrintsFourSuggestions) {
  ExampleRun r = run(COMETAPI_DESCRIBE_EXE, {png_file("photo.png")});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const auto suggestions = split_lines(r.out);
  ASSERT_EQ(suggestions.size(), 4u) << describe(r);
  for (const std::string& line : suggestions) EXPECT_GT(line.size(), 10u) << line;
  const json body = last_body("/mj/submit/describe");
  ASSERT_TRUE(body.is_object()) << body;
  EXPECT_EQ(body.at("base64").get<std::string>().rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u)
      << body;
  EXPECT_FALSE(body.contains("link"));
}

TEST_F(ExampleFamiliesTest, DescribeAUrlSendsTheLink) {
  ExampleRun r = run(COMETAPI_DESCRIBE_EXE, {"https://cdn.example.test/photo.jpg"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(r.out).size(), 4u) << describe(r);
  EXPECT_EQ(last_body("/mj/submit/describe"),
            (json{{"link", "https://cdn.example.test/photo.jpg"}}));
}

TEST_F(ExampleFamiliesTest, DescribeRefusesAFileThatIsNotAnImage) {
  const std::string path = text_file("notes.txt");
  ExampleRun r = run(COMETAPI_DESCRIBE_EXE, {path});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  ASSERT_EQ(r.err_lines.size(), 1u) << describe(r);
  EXPECT_NE(r.err.find("InvalidArgument"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_TRUE(server_->journal().empty());  // refused before anything was sent

  ExampleRun missing = run(COMETAPI_DESCRIBE_EXE, {dir_ + "/no-such-file.png"});
  EXPECT_EQ(missing.exit_code, 1) << describe(missing);
  EXPECT_EQ(missing.err_lines.size(), 1u) << describe(missing);
}

// ---- blend ------------------------------------------------------------------------------------

TEST_F(ExampleFamiliesTest, BlendPrintsTheImageUrl) {
  ExampleRun r = run(COMETAPI_BLEND_EXE, {png_file("a.png"), png_file("b.png"), png_file("c.png")});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string id = task_id_in(r.out);
  ASSERT_FALSE(id.empty()) << describe(r);
  EXPECT_EQ(r.out, "task " + id + "\nimage " + server_->base_url() + "/mj/image/" + id + "\n");
  const json body = last_body("/mj/submit/blend");
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.at("base64Array").size(), 3u);
  EXPECT_EQ(body.at("dimensions"), "SQUARE");
  EXPECT_EQ(server_->task(id)->action, "BLEND");
}

TEST_F(ExampleFamiliesTest, BlendWantsTwoToFiveFiles) {
  const std::string png = png_file("a.png");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, {png}, std::vector<std::string>(6, png)}) {
    ExampleRun r = run(COMETAPI_BLEND_EXE, args);
    EXPECT_EQ(r.exit_code, 2) << args.size() << " files\n" << describe(r);
    EXPECT_NE(r.err.find("usage"), std::string::npos) << r.err;
  }
  ExampleRun bad = run(COMETAPI_BLEND_EXE, {png, text_file("b.txt")});
  EXPECT_EQ(bad.exit_code, 1) << describe(bad);
  EXPECT_EQ(bad.err_lines.size(), 1u) << describe(bad);
  EXPECT_TRUE(server_->journal().empty());
}

// ---- video ------------------------------------------------------------------------------------

TEST_F(ExampleFamiliesTest, VideoFromAFilePrintsFourVideoUrls) {
  ExampleRun r = run(COMETAPI_VIDEO_EXE, {png_file("frame.png"), "the fox runs"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::string id = task_id_in(r.out);
  ASSERT_FALSE(id.empty()) << describe(r);
  std::string expected = "task " + id + "\n";
  for (int i = 0; i < 4; ++i) {
    expected +=
        "video " + server_->base_url() + "/mj/video/" + id + "/" + std::to_string(i) + ".mp4\n";
  }
  EXPECT_EQ(r.out, expected);
  const json body = last_body("/mj/submit/video");
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body.at("image").get<std::string>().rfind("data:image/png;base64,", 0), 0u);
  EXPECT_EQ(body.at("prompt"), "the fox runs");
  EXPECT_EQ(body.at("motion"), "low");
}

TEST_F(ExampleFamiliesTest, VideoFromAUrl) {
  ExampleRun r = run(COMETAPI_VIDEO_EXE, {"https://cdn.example.test/frame.png"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(split_lines(r.out).size(), 5u) << describe(r);  // the id and four videos
  EXPECT_EQ(last_body("/mj/submit/video"),
            (json{{"image", "https://cdn.example.test/frame.png"}, {"motion", "low"}}));

  ExampleRun usage = run(COMETAPI_VIDEO_EXE, {});
  EXPECT_EQ(usage.exit_code, 2) << describe(usage);
}

// ---- all four ---------------------------------------------------------------------------------

TEST_F(ExampleFamiliesTest, EveryExampleNeedsTheKey) {
  const std::string png = png_file("a.png");
  const std::pair<const char*, std::vector<std::string>> runs[] = {
      {COMETAPI_IMAGINE_EXE, {"a fox"}},
      {COMETAPI_DESCRIBE_EXE, {png}},
      {COMETAPI_BLEND_EXE, {png, png}},
      {COMETAPI_VIDEO_EXE, {png}}};
  for (const auto& [exe, args] : runs) {
    ExampleRun r = run(exe, args, "env -u COMETAPI_KEY COMETAPI_BASE_URL=" + server_->base_url());
    EXPECT_EQ(r.exit_code, 1) << exe << "\n" << describe(r);
    ASSERT_EQ(r.err_lines.size(), 1u) << exe << "\n" << describe(r);
    EXPECT_NE(r.err.find("COMETAPI_KEY"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(server_->journal().empty());
}

#endif

}  // namespace
}  // namespace cometapi
