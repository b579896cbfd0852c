// The seams of the redesign, over real HTTP: cancellation reaches the backoff sleep and the
// transfer in flight; a paid task's id is handed out before the wait and kept on failure; inputs
// of a two-step flow are checked before its first request.
#include <atomic>
#include <thread>

#include "silent_server.hpp"
#include "sim_fixture.hpp"

namespace cometapi {
namespace {

using std::chrono::milliseconds;
using test::SilentServer;
using test::SimTest;
using Steady = std::chrono::steady_clock;

constexpr const char* kPng1x1 =
    "data:image/"
    "png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM"
    "IQAAAABJRU5ErkJggg==";

// Cancels `token` after `delay` of real time and remembers when.
class Canceller {
 public:
  Canceller(CancellationToken token, milliseconds delay)
      : thread_([this, token, delay] {
          std::this_thread::sleep_for(delay);
          cancelled_at_ = Steady::now();
          token.cancel();
        }) {}
  ~Canceller() { thread_.join(); }
  Steady::time_point cancelled_at() {
    thread_.join();
    thread_ = std::thread([] {});
    return cancelled_at_;
  }

 private:
  Steady::time_point cancelled_at_;
  std::thread thread_;
};

class RealTimeTest : public SimTest {
 protected:
  // These tests are about real time: the system clock, not the simulator's.
  ClientOptions real_time_options() const {
    ClientOptions options = client_options();
    options.clock = nullptr;
    return options;
  }
};

TEST_F(RealTimeTest, CancelDuringARetryAfterBackoffReturnsAtOnce) {
  ClientOptions options = real_time_options();
  options.retry.max_retries = 5;
  CometClient client(options);
  const std::string id = imagine("patience");
  // Every fetch gets 503 with Retry-After: 2 s, so the call sleeps 2 s between attempts.
  server_->fail_next("/mj/task/", testing::FaultKind::ServiceUnavailable, 100);
  CancellationToken token;
  CallOptions call;
  call.cancel = token;
  Canceller canceller(token, milliseconds(100));
  auto fetched = client.fetch_task(id, call);
  const auto returned = Steady::now();
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().kind, ErrorKind::Cancelled) << fetched.error().to_string();
  EXPECT_LT(returned - canceller.cancelled_at(), milliseconds(250));
}

TEST_F(RealTimeTest, CancelDuringARequestTheServerNeverAnswersReturnsAtOnce) {
  SilentServer silent;
  ClientOptions options = real_time_options();
  options.base_url = silent.base_url();
  CometClient client(options);
  WaitOptions wait;
  wait.first_poll = milliseconds(1);
  CancellationToken token;
  wait.cancel = token;
  Canceller canceller(token, milliseconds(100));
  auto waited = TaskPoller(client).wait("1773314942177684", wait);
  const auto returned = Steady::now();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().kind, ErrorKind::Cancelled) << waited.error().to_string();
  EXPECT_EQ(waited.error().task_id, "1773314942177684");
  EXPECT_LT(returned - canceller.cancelled_at(), milliseconds(250));
}

TEST_F(RealTimeTest, ACallDeadlineBoundsARequestTheServerNeverAnswers) {
  SilentServer silent;
  ClientOptions options = real_time_options();
  options.base_url = silent.base_url();
  CometClient client(options);
  CallOptions call;
  call.deadline = Steady::now() + milliseconds(300);
  const auto started = Steady::now();
  auto fetched = client.fetch_task("1", call);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.error().kind, ErrorKind::DeadlineExceeded) << fetched.error().to_string();
  EXPECT_LT(Steady::now() - started, milliseconds(2000));  // not the 10 s request timeout
}

class SeamsTest : public SimTest {};

TEST_F(SeamsTest, OnSubmittedFiresBeforeTheWaitAndTaskIdSurvivesAFailure) {
  const Task grid = finished(imagine("a fox in the snow"));
  // From now on every job with this prompt fails: the upscale will.
  server_->fail_prompt("fox", "Job failed: upstream error");
  std::vector<std::string> reported;
  int fetches_before_report = -1;
  PressOptions options;
  options.on_submitted = [&](const std::string& id) {
    reported.push_back(id);
    fetches_before_report = server_->requests_to("/mj/task/" + id + "/fetch");
  };
  auto result = TaskPoller(*client_).upscale(grid.id, 1, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TaskFailed) << result.error().to_string();
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(fetches_before_report, 0);  // reported before anything waited on it
  EXPECT_EQ(result.error().task_id, reported[0]);
  EXPECT_NE(reported[0], grid.id);
}

TEST_F(SeamsTest, ANonPngOrUrlSafeMaskMakesNoRequestAtAll) {
  const Task grid = finished(imagine("a lake at dusk"));
  const std::size_t before = server_->journal().size();
  for (const char* mask : {"data:image/png;base64,aGVsbG8=",  // "hello": not a PNG
                           "data:image/png;base64,iVBORw0KGgo_AAAANSUhEUg-A"}) {
    auto result = TaskPoller(*client_).vary_region(grid.id, mask, "a boat");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument) << result.error().to_string();
    EXPECT_NE(result.error().message.find("mask"), std::string::npos);
  }
  EXPECT_EQ(server_->journal().size(), before);
  // A real PNG mask goes through.
  auto ok = TaskPoller(*client_).upscale(grid.id, 1);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  auto varied = TaskPoller(*client_).vary_region(ok->id, kPng1x1, "a boat");
  EXPECT_TRUE(varied.ok()) << varied.error().to_string();
}

TEST_F(SeamsTest, AHugeBlendImageAndAnInvalidUtf8PromptAreRefusedWithNothingSent) {
  const std::size_t before = server_->journal().size();
  BlendRequest blend;
  // 50 MB of image bytes (base64), past the 10 MiB default of max_image_bytes.
  blend.base64_array = {
      std::string("data:image/png;base64,") + std::string(50'000'000 / 3 * 4, 'A'), kPng1x1};
  auto big = client_->submit_blend(blend);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(big.error().message.find("base64_array[0]"), std::string::npos);
  EXPECT_NE(big.error().message.find("max_image_bytes"), std::string::npos);

  ImagineRequest imagine;
  imagine.prompt = "a caf\xE9 at night";  // Latin-1, not UTF-8
  auto bad = client_->submit_imagine(imagine);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(bad.error().message.find("prompt"), std::string::npos);
  EXPECT_NE(bad.error().message.find("UTF-8"), std::string::npos);
  EXPECT_EQ(server_->journal().size(), before);
}

}  // namespace
}  // namespace cometapi
