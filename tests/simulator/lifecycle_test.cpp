// Requirement 1: the lifecycle on a clock the test controls.
#include <regex>
#include <set>
#include <thread>

#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

int percent(const json& task) { return std::stoi(task["progress"].get<std::string>()); }

TEST_F(SimTest, ImagineGoesThroughEveryPhase) {
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "a red fox"}, {"state", "s-1"}});
  ASSERT_EQ(a.status, 200);
  const std::string id = result_id(a.body_json());

  json t = fetch(id);  // not synced yet
  EXPECT_EQ(t["status"], "");
  EXPECT_EQ(t["progress"], "0%");
  EXPECT_EQ(t["state"], "");  // echoed only after the first sync
  EXPECT_TRUE(t["buttons"].is_null());
  EXPECT_TRUE(t["properties"].is_null());
  EXPECT_EQ(t["imageUrl"], "");
  EXPECT_EQ(t["submitTime"], 1750000000000);
  EXPECT_EQ(t["startTime"], 0);
  EXPECT_EQ(t["finishTime"], 0);
  EXPECT_EQ(t["action"], "IMAGINE");
  EXPECT_EQ(t["prompt"], "a red fox");

  server_->advance(300ms);
  t = fetch(id);
  EXPECT_EQ(t["status"], "SUBMITTED");
  EXPECT_EQ(t["progress"], "0%");
  EXPECT_EQ(t["state"], "s-1");
  EXPECT_EQ(t["promptEn"], "a red fox");
  EXPECT_EQ(t["properties"]["finalPrompt"], "a red fox");
  EXPECT_TRUE(t["buttons"].is_null());

  server_->advance(300ms);
  t = fetch(id);
  EXPECT_EQ(t["status"], "IN_PROGRESS");
  EXPECT_EQ(t["progress"], "5%");
  EXPECT_EQ(t["startTime"], 1750000000600);
  const std::string preview = t["imageUrl"];
  EXPECT_TRUE(std::regex_match(
      preview, std::regex(server_->base_url() + "/mj/image/" + id + "\\?rand=[0-9]+")))
      << preview;
  EXPECT_NE(fetch(id)["imageUrl"], preview);  // the rand query changes on every fetch
  EXPECT_TRUE(t["buttons"].is_null());

  server_->advance(600ms);
  t = fetch(id);
  EXPECT_EQ(t["status"], "IN_PROGRESS");
  EXPECT_EQ(t["progress"], "50%");

  server_->advance(600ms);
  t = fetch(id);
  EXPECT_EQ(t["status"], "SUCCESS");
  EXPECT_EQ(t["progress"], "100%");
  EXPECT_EQ(t["imageUrl"], server_->base_url() + "/mj/image/" + id);
  EXPECT_EQ(t["finishTime"], 1750000001800);
  EXPECT_EQ(t["failReason"], "");
  ASSERT_TRUE(t["buttons"].is_array());
  EXPECT_EQ(t["buttons"].size(), 9u);
}

TEST_F(SimTest, ProgressOnlyRises) {
  const std::string id = imagine("steady");
  server_->advance(600ms);
  int last = 0;
  std::set<int> seen;
  for (int step = 0; step < 12; ++step) {
    const json t = fetch(id);
    ASSERT_EQ(t["status"], "IN_PROGRESS");
    const int p = percent(t);
    EXPECT_GE(p, last);
    EXPECT_GE(p, 5);
    EXPECT_LE(p, 95);
    last = p;
    seen.insert(p);
    server_->advance(100ms);
  }
  EXPECT_GE(seen.size(), 10u);
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

TEST_F(SimTest, TaskIdsAreSixteenDigitsAndUnique) {
  auto options = manual_options();
  options.queue_size = 40;  // all 40 are accepted (37 of them queued)
  restart(options);
  std::set<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    const std::string id = imagine("same millisecond " + std::to_string(i));
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9]{16}"))) << id;
    EXPECT_EQ(id.substr(0, 13), "1750000000000");  // epoch ms of the (manual) clock
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 40u);
}

TEST_F(SimTest, ManualClockStandsStillInRealTime) {
  const std::string id = imagine("frozen");
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(fetch(id)["status"], "");
  EXPECT_EQ(server_->now_ms(), 1750000000000);
}

TEST_F(SimTest, SpeedFactorScalesRealTime) {
  auto options = manual_options();
  options.manual_clock = false;
  options.speed = 1000;
  restart(options);
  const std::int64_t before = server_->now_ms();
  std::this_thread::sleep_for(20ms);
  // At least 20 ms passed for real, so at least 20 s passed in the simulation.
  EXPECT_GE(server_->now_ms() - before, 20000);
  const std::string id = imagine("fast");
  std::this_thread::sleep_for(5ms);  // 5 s simulated: far beyond the 1.8 s lifecycle
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

TEST_F(SimTest, FailedPromptEndsInFailureWithReason) {
  server_->fail_prompt("Explode", "Job failed: invalid parameter");
  const std::string id = imagine("please explode now");
  server_->advance(600ms + 500ms);
  EXPECT_EQ(fetch(id)["status"], "IN_PROGRESS");
  server_->advance(200ms);
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "FAILURE");
  EXPECT_EQ(t["progress"], "100%");  // forced by the gateway
  EXPECT_EQ(t["failReason"], "Job failed: invalid parameter");
  EXPECT_TRUE(t["buttons"].is_null());
  EXPECT_EQ(t["imageUrl"], "");
  EXPECT_EQ(t["finishTime"], 1750000001200);
  finish();
  EXPECT_EQ(fetch(id)["status"], "FAILURE");
  EXPECT_EQ(fetch(imagine("a calm lake"))["status"], "");  // other prompts are unaffected
}

TEST_F(SimTest, StalledPromptNeverMoves) {
  server_->stall_prompt("stuck");
  const std::string id = imagine("stuck forever");
  server_->advance(2s);
  const json first = fetch(id);
  EXPECT_EQ(first["status"], "IN_PROGRESS");
  server_->advance(30min);
  const json later = fetch(id);
  EXPECT_EQ(later["status"], "IN_PROGRESS");
  EXPECT_EQ(later["progress"], first["progress"]);
}

TEST_F(SimTest, StallCanHoldSubmittedOrNotSynced) {
  server_->stall_prompt("queue", cometapi::testing::StallAt::Submitted);
  server_->stall_prompt("lost", cometapi::testing::StallAt::NotSynced);
  const std::string queued = imagine("queue me");
  const std::string lost = imagine("lost in sync");
  server_->advance(10min);
  EXPECT_EQ(fetch(queued)["status"], "SUBMITTED");
  EXPECT_EQ(fetch(lost)["status"], "");
  EXPECT_EQ(fetch(lost)["progress"], "0%");
}

TEST_F(SimTest, GatewayFailsWhatIsUnfinishedAfterAnHour) {
  server_->stall_prompt("stuck");
  const std::string id = imagine("stuck");
  server_->advance(59min);
  EXPECT_EQ(fetch(id)["status"], "IN_PROGRESS");
  server_->advance(1min);
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "FAILURE");
  EXPECT_EQ(t["progress"], "100%");
  EXPECT_EQ(t["failReason"], "上游任务超时（超过1小时）");
  EXPECT_EQ(t["finishTime"], 1750000000000 + 3600 * 1000);
}

TEST_F(SimTest, FailTaskEndsARunningTaskNow) {
  const std::string id = imagine("doomed");
  server_->advance(700ms);
  EXPECT_TRUE(server_->fail_task(id, "banned by moderator"));
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "FAILURE");
  EXPECT_EQ(t["failReason"], "banned by moderator");
  EXPECT_EQ(t["finishTime"], 1750000000700);
  EXPECT_FALSE(server_->fail_task(id, "again"));  // already finished
  EXPECT_FALSE(server_->fail_task("0000000000000000", "nobody"));
  const std::string done = imagine("fine");
  finish();
  EXPECT_FALSE(server_->fail_task(done, "too late"));
}

TEST_F(SimTest, TaskInfoFollowsTheLifecycle) {
  const std::string id = imagine("observed");
  auto info = server_->task(id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, "");
  EXPECT_EQ(info->key, "test");
  finish();
  info = server_->task(id);
  EXPECT_EQ(info->status, "SUCCESS");
  EXPECT_EQ(info->progress, "100%");
  EXPECT_EQ(server_->tasks().size(), 1u);
  EXPECT_FALSE(server_->task("nope"));
}

}  // namespace
}  // namespace simtest
