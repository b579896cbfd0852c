// TaskPoller over the scripted transport with a fake clock: no test sleeps for real.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cometapi/waiting.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using std::chrono::milliseconds;
using test::UnitClient;

std::string task_json(const std::string& status, const std::string& progress,
                      const std::string& extra = "") {
  return R"({"id":"1773314942177684","status":")" + status + R"(","progress":")" + progress +
         R"(")" + extra + "}";
}

// The unit client's clock, which only moves when the poller sleeps.
struct FakeTime {
  explicit FakeTime(const UnitClient& unit) : clock(unit.clock) {}
  std::shared_ptr<test::FakeClock> clock;

  WaitOptions options() const { return {}; }
  std::vector<milliseconds> sleeps() const { return clock->sleeps(); }
};

TEST(Wait, PollsUntilSuccessWithGrowingIntervals) {
  UnitClient unit;
  unit.transport->reply(200, task_json("", "0%"))
      .reply(200, task_json("SUBMITTED", "0%"))
      .reply(200, task_json("IN_PROGRESS", "45%"))
      .reply(200, task_json("SUCCESS", "100%", R"(,"imageUrl":"https://x/1.png")"));
  FakeTime time(unit);
  WaitOptions options = time.options();
  std::vector<int> progress;
  options.on_progress = [&progress](const Task& t) { progress.push_back(t.progress); };
  TaskPoller poller(unit.client);
  auto task = poller.wait("1773314942177684", options);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->status, TaskStatus::Success);
  EXPECT_EQ(task->image_url, "https://x/1.png");
  EXPECT_EQ(progress, (std::vector<int>{0, 0, 45, 100}));
  EXPECT_EQ(time.sleeps(), (std::vector<milliseconds>{milliseconds(2000), milliseconds(3000),
                                                      milliseconds(4500), milliseconds(6750)}));
}

TEST(Wait, IntervalIsCapped) {
  UnitClient unit;
  for (int i = 0; i < 12; ++i)
    unit.transport->reply(200, task_json("IN_PROGRESS", std::to_string(i) + "%"));
  unit.transport->reply(200, task_json("SUCCESS", "100%"));
  FakeTime time(unit);
  TaskPoller poller(unit.client);
  WaitOptions options = time.options();
  options.schedule = PollSchedule::Intervals;  // the exact intervals of the configured schedule
  ASSERT_TRUE(poller.wait("1", options).ok());
  for (auto d : time.sleeps()) EXPECT_LE(d, milliseconds(15000));
  EXPECT_EQ(time.sleeps().back(), milliseconds(15000));
}

TEST(Wait, FailureIsTaskFailedWithTheReason) {
  UnitClient unit;
  unit.transport->reply(200,
                        task_json("FAILURE", "100%", R"(,"failReason":"Banned prompt: gore")"));
  FakeTime time(unit);
  auto task = TaskPoller(unit.client).wait("1", time.options());
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::TaskFailed);
  EXPECT_EQ(task.error().message, "Banned prompt: gore");
}

TEST(Wait, CancelStatusIsTaskFailed) {
  UnitClient unit;
  unit.transport->reply(200, task_json("CANCEL", "0%"));
  FakeTime time(unit);
  auto task = TaskPoller(unit.client).wait("1", time.options());
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::TaskFailed);
}

TEST(Wait, ModalEndsTheWait) {
  UnitClient unit;
  unit.transport->reply(200, task_json("MODAL", "0%"));
  FakeTime time(unit);
  auto task = TaskPoller(unit.client).wait("1", time.options());
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, TaskStatus::Modal);
}

TEST(Wait, DeadlineExceededNeverHangs) {
  UnitClient unit;
  for (int i = 0; i < 100; ++i)
    unit.transport->reply(200, task_json("IN_PROGRESS", std::to_string(i % 100) + "%"));
  FakeTime time(unit);
  WaitOptions options = time.options();
  options.timeout = milliseconds(60000);
  auto task = TaskPoller(unit.client).wait("1", options);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::DeadlineExceeded);
  // It slept exactly up to the deadline, never past it.
  milliseconds total{0};
  for (auto d : time.sleeps()) total += d;
  EXPECT_EQ(total, milliseconds(60000));
}

TEST(Wait, StallGuardTripsWhenNothingChanges) {
  UnitClient unit;
  for (int i = 0; i < 100; ++i) unit.transport->reply(200, task_json("SUBMITTED", "0%"));
  FakeTime time(unit);
  WaitOptions options = time.options();
  options.stall_timeout = milliseconds(60000);
  auto task = TaskPoller(unit.client).wait("1", options);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::Stalled);
  EXPECT_NE(task.error().message.find("SUBMITTED"), std::string::npos);
}

TEST(Wait, CancellationBeforeTheNextSleep) {
  UnitClient unit;
  for (int i = 0; i < 10; ++i)
    unit.transport->reply(200, task_json("IN_PROGRESS", std::to_string(i) + "%"));
  FakeTime time(unit);
  WaitOptions options = time.options();
  CancellationToken token;
  options.cancel = token;
  int polls = 0;
  options.on_progress = [&](const Task&) {
    if (++polls == 2) token.cancel();
  };
  auto task = TaskPoller(unit.client).wait("1", options);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::Cancelled);
  EXPECT_EQ(unit.transport->request_count(), 2u);
}

TEST(Wait, RealSleepIsInterruptedByCancel) {
  auto transport = std::make_shared<test::ScriptedTransport>();
  CometClient client(test::unit_options(transport, nullptr));  // the system clock
  WaitOptions options;
  options.first_poll = milliseconds(3600 * 1000);
  CancellationToken token;
  options.cancel = token;
  std::thread canceller([token] {
    std::this_thread::sleep_for(milliseconds(20));
    token.cancel();
  });
  auto task = TaskPoller(client).wait("1", options);
  canceller.join();
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::Cancelled);
  EXPECT_EQ(task.error().task_id, "1");
  EXPECT_EQ(transport->request_count(), 0u);
}

TEST(Wait, TransientFetchErrorsAreRiddenOut) {
  ClientOptions client_options = test::unit_options(nullptr, nullptr);
  client_options.retry.max_retries = 0;
  UnitClient unit(client_options);
  unit.transport->reply(503, "")
      .fail(TransportFailure::Dropped)
      .reply(200, "{truncated")
      .reply(200, task_json("SUCCESS", "100%"));
  FakeTime time(unit);
  auto task = TaskPoller(unit.client).wait("1", time.options());
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(unit.transport->request_count(), 4u);
}

TEST(Wait, PermanentFetchErrorsEndTheWait) {
  UnitClient unit;
  unit.transport->reply(400,
                        R"({"description":"task_no_found ","type":"upstream_error","code":4})");
  FakeTime time(unit);
  auto task = TaskPoller(unit.client).wait("1", time.options());
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::NotFound);
}

TEST(CurrentCustomId, ReadsTheLatestButtonsEveryTime) {
  UnitClient unit;
  unit.transport
      ->reply(200,
              task_json("SUCCESS", "100%",
                        R"(,"buttons":[{"customId":"MJ::JOB::upsample::1::first","label":"U1"}])"))
      .reply(200,
             task_json("SUCCESS", "100%",
                       R"(,"buttons":[{"customId":"MJ::JOB::upsample::1::second","label":"U1"}])"));
  TaskPoller poller(unit.client);
  EXPECT_EQ(poller.current_custom_id("1", "U1").value(), "MJ::JOB::upsample::1::first");
  EXPECT_EQ(poller.current_custom_id("1", "U1").value(), "MJ::JOB::upsample::1::second");
  EXPECT_EQ(unit.transport->request_count(), 2u);
}

TEST(CurrentCustomId, MissingButtonListsWhatThereIs) {
  UnitClient unit;
  unit.transport->reply(
      200,
      task_json(
          "SUCCESS", "100%",
          R"(,"buttons":[{"customId":"MJ::JOB::upsample::1::h","label":"U1"},{"customId":"MJ::JOB::reroll::0::h::SOLO","emoji":"🔄"}])"));
  auto id = TaskPoller(unit.client).current_custom_id("1", "V9");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::NotFound);
  EXPECT_NE(id.error().message.find("U1, Reroll"), std::string::npos) << id.error().message;
}

}  // namespace
}  // namespace cometapi
