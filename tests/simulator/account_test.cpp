// The upstream account behind each key: N jobs running, M more queued, beyond that refused; a
// queued job starts when a slot frees.
#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

class AccountTest : public SimTest {
 protected:
  void SetUp() override {
    auto options = manual_options();
    options.concurrency = 2;
    options.queue_size = 2;
    restart(options);
  }
  json submit(const std::string& prompt) {
    return post("/mj/submit/imagine", json{{"prompt", prompt}}).body_json();
  }
};

TEST_F(AccountTest, RunningThenQueuedThenFull) {
  const json a = submit("a"), b = submit("b"), c = submit("c"), d = submit("d");
  EXPECT_FALSE(a["properties"].contains("numberOfQueues"));
  EXPECT_FALSE(b["properties"].contains("numberOfQueues"));
  // Queued: the upstream's 22, rewritten to 1 by the gateway; the position stays.
  EXPECT_EQ(c["code"], 1);
  EXPECT_EQ(c["properties"]["numberOfQueues"], 1);
  EXPECT_EQ(c["description"], "排队中，前面还有1个任务");
  EXPECT_EQ(d["properties"]["numberOfQueues"], 2);
  const json e = submit("e");
  EXPECT_EQ(e["code"], 23);  // nothing created
  EXPECT_EQ(server_->tasks_created(), 4);
  EXPECT_EQ(server_->submits(), 4);
  // Another key is another account.
  EXPECT_FALSE(post("/mj/submit/imagine", json{{"prompt", "x"}}, kOtherKey)
                   .body_json()["properties"]
                   .contains("numberOfQueues"));

  const std::string queued = result_id(c);
  server_->advance(500ms);
  EXPECT_EQ(fetch(result_id(a))["status"], "SUBMITTED");
  EXPECT_EQ(fetch(queued)["status"], "NOT_START");
  EXPECT_EQ(fetch(queued)["state"], "");
}

TEST_F(AccountTest, AQueuedJobStartsWhenASlotFrees) {
  const std::string a = result_id(submit("a"));
  submit("b");
  const std::string c = result_id(submit("c"));
  const std::string d = result_id(submit("d"));
  // a and b end at 1800 ms (300 not synced, 300 SUBMITTED, 1200 IN_PROGRESS); c and d then start.
  server_->advance(1799ms);
  EXPECT_EQ(fetch(a)["status"], "IN_PROGRESS");
  EXPECT_EQ(fetch(c)["status"], "NOT_START");
  server_->advance(1ms);
  EXPECT_EQ(fetch(a)["status"], "SUCCESS");
  EXPECT_EQ(fetch(c)["status"], "SUBMITTED");
  EXPECT_EQ(fetch(d)["status"], "SUBMITTED");
  // With slots free again, a new submit runs at once.
  EXPECT_EQ(submit("e")["code"], 1);
  finish();
  const json done = fetch(c);
  EXPECT_EQ(done["status"], "SUCCESS");
  EXPECT_EQ(done["startTime"], 1750000000000 + 1800 + 300);  // started late, by the queue
}

TEST_F(AccountTest, FailingARunningJobFreesItsSlotAtOnce) {
  const std::string a = result_id(submit("a"));
  submit("b");
  const std::string c = result_id(submit("c"));
  server_->advance(500ms);
  ASSERT_TRUE(server_->fail_task(a, "stopped"));
  EXPECT_EQ(server_->task(c)->upstream_status, "SUBMITTED");  // started at 500 ms
  server_->advance(1s);
  EXPECT_EQ(fetch(c)["status"], "IN_PROGRESS");
}

TEST_F(AccountTest, FailingAQueuedJobTakesItOutOfTheQueue) {
  submit("a");
  submit("b");
  const std::string c = result_id(submit("c"));
  const std::string d = result_id(submit("d"));
  ASSERT_TRUE(server_->fail_task(c, "gone"));
  EXPECT_EQ(fetch(c)["status"], "FAILURE");
  EXPECT_EQ(submit("e")["properties"]["numberOfQueues"], 2);  // c left: d is first, e second
  server_->advance(1800ms);
  EXPECT_EQ(fetch(d)["status"], "SUBMITTED");
  EXPECT_EQ(fetch(c)["status"], "FAILURE");
}

TEST_F(AccountTest, WithoutTheGatewayRewriteAQueuedSubmitSaysCode22) {
  auto options = manual_options();
  options.concurrency = 1;
  options.rewrite_queued_code = false;
  restart(options);
  EXPECT_EQ(submit("a")["code"], 1);
  const json queued = submit("b");
  EXPECT_EQ(queued["code"], 22);
  EXPECT_EQ(queued["properties"]["numberOfQueues"], 1);
}

TEST_F(AccountTest, ModalContinuationWaitsForASlotAndStaysModal) {
  auto options = manual_options();
  options.concurrency = 1;
  options.modal_lag = 0ms;
  restart(options);
  const std::string up = upscaled("zoom");
  const std::string modal = result_id(press(up, "Custom Zoom").body_json());
  const std::string busy = imagine("takes the slot");  // the MODAL task holds none
  ASSERT_EQ(post("/mj/submit/modal", json{{"taskId", modal}, {"prompt", "z --zoom 2"}})
                .body_json()["properties"]["numberOfQueues"],
            1);
  server_->advance(1s);
  EXPECT_EQ(fetch(busy)["status"], "IN_PROGRESS");
  EXPECT_EQ(fetch(modal)["status"], "MODAL");  // the upstream keeps it MODAL while it waits
  finish();
  EXPECT_EQ(fetch(modal)["status"], "SUCCESS");
}

}  // namespace
}  // namespace simtest
