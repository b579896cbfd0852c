// Requirement 9: the cometmj-sim binary, started on a free port and driven with the curl command
// line, as a script would.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>

#include "test_support.hpp"

extern char** environ;

namespace simtest {
namespace {

#if defined(COMETMJ_SIM_PATH) && defined(COMETAPI_CURL_PATH)

// The running binary; killed if a test ends early.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), COMETMJ_SIM_PATH);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, COMETMJ_SIM_PATH, &actions, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
  }
  ~SimProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // The first stdout line, waiting at most `timeout_ms`.
  std::string read_line(int timeout_ms) {
    std::string line;
    char c = 0;
    while (true) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, timeout_ms) <= 0) return line;
      if (read(out_, &c, 1) != 1 || c == '\n') return line;
      line.push_back(c);
    }
  }

  // Sends `sig` (0: none) and returns the exit status; -1 if it did not exit normally within
  // 20 s, in which case it is killed.
  int stop(int sig) {
    if (sig != 0) kill(pid_, sig);
    int status = 0;
    for (int i = 0; i < 2000; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(10000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
};

struct CurlResult {
  int exit_code = -1;
  int http_status = 0;
  std::string body;
};

// Runs curl with `args` (already shell-quoted) and splits off the status that -w appends.
CurlResult curl(const std::string& args) {
  const std::string command = std::string(COMETAPI_CURL_PATH) +
                              " -sS --max-time 20 -w '\\n%{http_code}' " + args + " 2>/dev/null";
  CurlResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const auto nl = out.rfind('\n');
  if (nl != std::string::npos) {
    r.http_status = std::atoi(out.c_str() + nl + 1);
    r.body = out.substr(0, nl);
  }
  return r;
}

const std::string kAuth = "-H 'Authorization: Bearer sk-cli' ";

TEST(CometmjSim, ImagineThenFetchWithCurl) {
  SimProcess sim({"--port", "0", "--key", "sk-cli", "--manual-clock", "--seed", "3"});
  const std::string base = sim.read_line(20000);
  ASSERT_TRUE(std::regex_match(base, std::regex("http://127\\.0\\.0\\.1:[0-9]+"))) << base;

  CurlResult r = curl("-X POST " + kAuth + "-H 'Content-Type: application/json' " +
                      "-d '{\"prompt\":\"a red fox --ar 1:1\",\"state\":\"cli\"}' " + base +
                      "/mj/submit/imagine");
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.http_status, 200) << r.body;
  const json submit = json::parse(r.body);
  EXPECT_EQ(submit["code"], 1);
  EXPECT_EQ(submit["description"], "Submit success");
  ASSERT_TRUE(submit["result"].is_string());
  const std::string id = submit["result"];
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]{16}")));

  // Right after the submit the gateway has not synced: status "" and "0%", nulls.
  r = curl(kAuth + base + "/mj/task/" + id + "/fetch");
  ASSERT_EQ(r.http_status, 200) << r.body;
  json task = json::parse(r.body);
  EXPECT_EQ(task["id"], id);
  EXPECT_EQ(task["status"], "");
  EXPECT_EQ(task["progress"], "0%");
  EXPECT_TRUE(task["buttons"].is_null());
  EXPECT_TRUE(task["properties"].is_null());
  EXPECT_EQ(task["state"], "");

  r = curl("-X POST -d '' '" + base + "/_sim/advance?ms=5000'");
  ASSERT_EQ(r.http_status, 200) << r.body;

  r = curl(kAuth + base + "/mj/task/" + id + "/fetch");
  task = json::parse(r.body);
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_EQ(task["progress"], "100%");
  EXPECT_EQ(task["state"], "cli");
  EXPECT_EQ(task["imageUrl"], base + "/mj/image/" + id);
  ASSERT_EQ(task["buttons"].size(), 9u);
  EXPECT_EQ(task["buttons"][0]["label"], "U1");
  EXPECT_EQ(task["buttons"][4]["emoji"], "🔄");

  // The image needs no key and is a PNG.
  char path[] = "/tmp/cometmj-sim-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  r = curl("-o " + std::string(path) + " " + base + "/mj/image/" + id);
  EXPECT_EQ(r.http_status, 200);
  std::string png(8, '\0');
  FILE* file = std::fopen(path, "rb");
  ASSERT_NE(file, nullptr);
  png.resize(std::fread(png.data(), 1, png.size(), file));
  std::fclose(file);
  std::remove(path);
  EXPECT_EQ(png, std::string("\x89PNG\r\n\x1a\n", 8));

  r = curl("-H 'Authorization: Bearer sk-wrong' " + base + "/mj/task/" + id + "/fetch");
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(json::parse(r.body)["error"]["type"], "comet_api_error");

  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

TEST(CometmjSim, DroppedConnectionIsAnEmptyReplyForCurl) {
  SimProcess sim({"--port", "0", "--manual-clock"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  CurlResult r = curl("'" + base + "/_sim/fail-next?kind=drop&path=/mj/submit'");  // GET works too
  ASSERT_EQ(r.http_status, 200) << r.body;
  r = curl(
      "-X POST -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' "
      "-d '{\"prompt\":\"x\"}' " +
      base + "/mj/submit/imagine");
  EXPECT_EQ(r.exit_code, 52);  // curl: "Empty reply from server"
  r = curl(base + "/_sim/stats");
  EXPECT_EQ(json::parse(r.body)["tasks_created"], 1);  // yet the job exists
  EXPECT_EQ(sim.stop(SIGINT), 0);
}

TEST(CometmjSim, RefusesAPortInUse) {
  SimProcess probe({"--port", "0"});
  const std::string base = probe.read_line(20000);
  ASSERT_FALSE(base.empty());
  const std::string port = base.substr(base.rfind(':') + 1);
  SimProcess second({"--port", port});
  EXPECT_EQ(second.stop(0), 1);  // signal 0: just wait for it to exit with its error
}

#else

TEST(CometmjSim, ImagineThenFetchWithCurl) {
  GTEST_SKIP() << "cometmj-sim target or curl not available in this build";
}

#endif

}  // namespace
}  // namespace simtest
