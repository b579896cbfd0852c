// `cometmj sim`, the simulator's one command line, started on a free port and driven with the
// curl command line, as a script would.
#include <fcntl.h>
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

#if defined(COMETMJ_PATH) && defined(COMETAPI_CURL_PATH)

// The running binary; killed if a test ends early.
class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    // The request log goes to stderr; keep the test output readable.
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), {COMETMJ_PATH, "sim"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, COMETMJ_PATH, &actions, nullptr, argv.data(), environ) != 0) {
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
  SimProcess sim({"--port", "0", "--accept-key", "sk-cli", "--manual-clock", "--seed", "3"});
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
  char path[] = "/tmp/cometmj-sim-test-XXXXXX";  // NOLINT: mkstemp's template
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
  EXPECT_EQ(second.stop(0), 4);  // signal 0: just wait for it to exit (4: service trouble)
}

// POSTs `body` to `path` with the default key and returns the answer.
CurlResult submit(const std::string& base, const std::string& path, const std::string& body) {
  return curl(
      "-X POST -H 'Authorization: Bearer sk-test' -H 'Content-Type: application/json' "
      "-d '" +
      body + "' " + base + path);
}

CurlResult fetch_with_curl(const std::string& base, const std::string& id) {
  return curl("-H 'Authorization: Bearer sk-test' " + base + "/mj/task/" + id + "/fetch");
}

TEST(CometmjSim, FailsPromptsWithBoomByDefault) {
  // What docs/simulator.md promises a newcomer: "boom" fails without any flag.
  SimProcess sim({"--manual-clock"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  const json answer = json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"boom"})").body);
  const std::string id = answer.at("result");
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=10000'");
  const json task = json::parse(fetch_with_curl(base, id).body);
  EXPECT_EQ(task["status"], "FAILURE");
  EXPECT_NE(task["failReason"].get<std::string>().find("boom"), std::string::npos) << task;
  EXPECT_EQ(sim.stop(SIGINT), 0);
}

TEST(CometmjSim, ScriptingFlags) {
  SimProcess sim({"--manual-clock", "--fail-prompt", "explode", "--stall-prompt", "stuck",
                  "--stall-at", "submitted", "--ban", "volcano", "--seed", "9"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  const std::string failing =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"explode now"})").body)
          .at("result");
  const std::string stuck =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"stuck here"})").body)
          .at("result");
  const json banned =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"volcano"})").body);
  EXPECT_EQ(banned["code"], 24);
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=10000'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, failing).body)["status"], "FAILURE");
  EXPECT_EQ(json::parse(fetch_with_curl(base, stuck).body)["status"], "SUBMITTED");
  // With --fail-prompt given, "boom" is an ordinary word again.
  const std::string boom =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"boom"})").body).at("result");
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=10000'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, boom).body)["status"], "SUCCESS");
  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

TEST(CometmjSim, FaultsFlavourAndAccountFlags) {
  SimProcess sim({"--manual-clock", "--faults", "do_request_failed=1", "--flavour", "trueai",
                  "--concurrency", "1", "--queue", "0"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  CurlResult r = submit(base, "/mj/submit/imagine", R"({"prompt":"x"})");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.body, R"({"description":"do_request_failed ","type":"upstream_error","code":5})");
  EXPECT_EQ(json::parse(curl(base + "/_sim/stats").body)["tasks_created"], 0);
  EXPECT_EQ(sim.stop(SIGTERM), 0);

  SimProcess account({"--manual-clock", "--flavour", "trueai", "--concurrency", "1", "--queue", "1",
                      "--show-queued-code"});
  const std::string base2 = account.read_line(20000);
  ASSERT_FALSE(base2.empty());
  EXPECT_EQ(json::parse(submit(base2, "/mj/submit/imagine", R"({"prompt":"a"})").body)["code"], 1);
  const json queued = json::parse(submit(base2, "/mj/submit/imagine", R"({"prompt":"b"})").body);
  EXPECT_EQ(queued["code"], 22);
  EXPECT_EQ(queued["properties"]["numberOfQueues"], 1);
  const json full = json::parse(submit(base2, "/mj/submit/imagine", R"({"prompt":"c"})").body);
  EXPECT_EQ(full["code"], 9);  // trueai's queue-full answer
  EXPECT_EQ(full["description"], "提交失败，队列已满，请稍后重试");
  EXPECT_EQ(account.stop(SIGTERM), 0);
}

TEST(CometmjSim, ModalLagAndSyncPeriodFlags) {
  SimProcess sim({"--manual-clock", "--sync-period", "15", "--modal-lag", "0"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  const std::string id =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"tick"})").body).at("result");
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=14999'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, id).body)["status"], "");  // not synced yet
  const json tasks = json::parse(curl(base + "/_sim/tasks").body);
  EXPECT_EQ(tasks.at(0)["upstreamStatus"], "SUCCESS");
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=1'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, id).body)["status"], "SUCCESS");
  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

TEST(CometmjSim, RealisticMeansTheLivePace) {
  SimProcess sim({"--manual-clock", "--realistic"});
  const std::string base = sim.read_line(20000);
  ASSERT_FALSE(base.empty());
  const std::string id =
      json::parse(submit(base, "/mj/submit/imagine", R"({"prompt":"slow"})").body).at("result");
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=14999'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, id).body)["status"], "");  // before the first sync
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=1'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, id).body)["status"], "IN_PROGRESS");  // a long job
  curl("-X POST -d '' '" + base + "/_sim/advance?ms=45000'");
  EXPECT_EQ(json::parse(fetch_with_curl(base, id).body)["status"], "SUCCESS");
  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

TEST(CometmjSim, RefusesABadFaultSpec) {
  SimProcess sim({"--faults", "nonsense=1"});
  EXPECT_EQ(sim.stop(0), 2);  // a usage error
}

#else

TEST(CometmjSim, ImagineThenFetchWithCurl) {
  GTEST_SKIP() << "cometmj target or curl not available in this build";
}

#endif

}  // namespace
}  // namespace simtest
