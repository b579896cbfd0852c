// The example programs, run as a user would: built binaries, environment variables, a simulator.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

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

#ifdef COMETAPI_WORKFLOW_EXAMPLES
// The workflow examples wait in real time, so they run against a simulator at 100x speed (a job
// takes about 20 ms) and poll it every 20 ms.
class FastSimExamples : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::FakeServerOptions options;
    options.api_keys = {test::kSimKey};
    options.speed = 100;
    // An account large enough for watch_many's twenty jobs at once (pacing is JobRunner's job).
    options.concurrency = 32;
    server_ = std::make_unique<testing::FakeCometServer>(options);
    server_->start();
    env_ = "COMETAPI_POLL_MS=20 COMETAPI_KEY=" + std::string(test::kSimKey) +
           " COMETAPI_BASE_URL=" + server_->base_url() + " ";
    ClientOptions client_options;
    client_options.api_key = test::kSimKey;
    client_options.base_url = server_->base_url();
    client_ = std::make_unique<CometClient>(client_options);
  }
  TaskPoller fast_poller() const {
    WaitOptions wait;
    wait.first_poll = wait.max_interval = std::chrono::milliseconds(20);
    wait.timeout = std::chrono::seconds(60);
    return TaskPoller(*client_, wait);
  }
  std::string temp_path(const std::string& name) const {
    return ::testing::TempDir() + "cometapi_" + std::to_string(::getpid()) + "_" + name;
  }
  std::unique_ptr<testing::FakeCometServer> server_;
  std::unique_ptr<CometClient> client_;
  std::string env_;
};

// A real 1x1 PNG.
const char kPngBase64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg"
    "==";

TEST_F(FastSimExamples, UpscaleWorkflowSavesAPng) {
  const std::string out = temp_path("upscaled.png");
  ProcessResult result = run(env_ + COMETAPI_UPSCALE_WORKFLOW_EXE " 'a koi pond' 2 " + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream file(out, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(detect_image_type(bytes), "image/png");
  EXPECT_NE(result.output.find("SUCCESS"), std::string::npos);
  std::remove(out.c_str());

  ProcessResult usage = run(env_ + COMETAPI_UPSCALE_WORKFLOW_EXE);
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(FastSimExamples, VaryRegionRepaintsWithTheMask) {
  ImagineRequest imagine;
  imagine.prompt = "a quiet street";
  auto submitted = client_->submit_imagine(imagine);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  auto grid = fast_poller().wait(submitted->result);
  ASSERT_TRUE(grid.ok()) << grid.error().to_string();
  auto image = fast_poller().upscale(grid->id, 1);
  ASSERT_TRUE(image.ok()) << image.error().to_string();

  const std::string mask = temp_path("mask.png");
  {
    std::ofstream file(mask, std::ios::binary);
    file << *bytes_from_data_uri(std::string("data:image/png;base64,") + kPngBase64);
  }
  ProcessResult result =
      run(env_ + COMETAPI_VARY_REGION_EXE " " + image->id + " " + mask + " 'a red umbrella'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(trim(result.output).rfind(server_->base_url() + "/mj/image/", 0), 0u) << result.output;
  std::remove(mask.c_str());

  ProcessResult no_mask =
      run(env_ + COMETAPI_VARY_REGION_EXE " " + image->id + " /nonexistent.png 'x'");
  EXPECT_EQ(no_mask.exit_code, 2);
  EXPECT_NE(no_mask.output.find("/nonexistent.png"), std::string::npos);
}

TEST_F(FastSimExamples, WatchManyWatchesTwentyJobsWithListRequests) {
  ProcessResult result = run(env_ + COMETAPI_WATCH_MANY_EXE " 'a lighthouse' 20");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("20 succeeded, 0 failed"), std::string::npos) << result.output;
  EXPECT_EQ(server_->submits(), 20);
  // One list request per cycle for 20 ids (chunk 100), and no per-task fetches.
  int fetches = 0;
  for (const auto& [path, count] : server_->requests_by_path()) {
    if (path.find("/fetch") != std::string::npos) fetches += count;
  }
  EXPECT_EQ(fetches, 0);
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(FastSimExamples, WebhookReceiverConfirmsCallbacksWithAFetch) {
  ImagineRequest imagine;
  imagine.prompt = "hooked";
  imagine.state = "hook-1";
  auto submitted = client_->submit_imagine(imagine);
  ASSERT_TRUE(submitted.ok());
  ASSERT_TRUE(fast_poller().wait(submitted->result).ok());

  const int port = free_port();
  ProcessResult result;
  std::thread receiver([&] {
    result = run(env_ + COMETAPI_WEBHOOK_RECEIVER_EXE " " + std::to_string(port) + " --max 1");
  });
  httplib::Client hook("127.0.0.1", port);
  hook.set_connection_timeout(std::chrono::seconds(2));
  // A forged callback for a task that does not exist is refused...
  const std::string forged = R"({"id":"1000000000000000","status":"SUCCESS","progress":"100%"})";
  int refused_status = 0;
  for (int i = 0; i < 400 && refused_status == 0; ++i) {  // the receiver may still be starting
    if (auto answer = hook.Post("/hook", forged, "application/json")) {
      refused_status = answer->status;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ASSERT_NE(refused_status, 0) << "the receiver never answered";
  EXPECT_EQ(refused_status, 404);
  // ... and a real one (upstream shape: raw CDN URL, nulls) is confirmed with the service's view.
  const std::string payload = R"({"id":")" + submitted->result +
                              R"(","status":"SUCCESS","progress":"100%","failReason":null,)"
                              R"("imageUrl":"https://cdn.example/x.png","state":"hook-1"})";
  auto accepted = hook.Post("/hook", payload, "application/json");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200);
  receiver.join();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("confirmed " + submitted->result + " SUCCESS 100% state=hook-1"),
            std::string::npos)
      << result.output;
}
#endif

}  // namespace
}  // namespace cometapi
