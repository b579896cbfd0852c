// TaskWatcher over the scripted transport: chunking, ends, missing ids, deadlines, stop.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "cometapi/waiting.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using test::UnitClient;

json task(const std::string& id, const std::string& status, const std::string& progress) {
  return {{"id", id}, {"status", status}, {"progress", progress}, {"failReason", ""}};
}

struct Outcomes {
  std::map<std::string, ErrorKind> errors;
  std::map<std::string, TaskStatus> done;
  void record(const std::string& id, const Result<Task>& outcome) {
    if (outcome) {
      done[id] = outcome->status;
    } else {
      errors[id] = outcome.error().kind;
    }
  }
};

WatchOptions options_for(Outcomes& outcomes) {
  WatchOptions options;
  options.chunk_size = 2;
  options.on_done = [&outcomes](const std::string& id, const Result<Task>& r) {
    outcomes.record(id, r);
  };
  return options;
}

TEST(TaskWatcher, OneRequestPerChunkPerCycle) {
  UnitClient unit;
  Outcomes outcomes;
  TaskWatcher watcher(unit.client, options_for(outcomes));
  watcher.add({"1", "2", "3", "4", "5"});
  // Cycle 1: three chunks ([1,2] [3,4] [5]); 1 succeeds, 3 fails, the rest run on.
  unit.transport
      ->reply(200,
              json::array({task("2", "IN_PROGRESS", "10%"), task("1", "SUCCESS", "100%")}).dump())
      .reply(200, json::array({task("3", "FAILURE", "100%"), task("4", "SUBMITTED", "0%")}).dump())
      .reply(200, json::array({task("5", "MODAL", "0%")}).dump());
  EXPECT_EQ(watcher.poll_once(), 2u);
  EXPECT_EQ(unit.transport->request_count(), 3u);
  EXPECT_EQ(json::parse(unit.transport->requests()[0].body), (json{{"ids", {"1", "2"}}}));
  EXPECT_EQ(json::parse(unit.transport->requests()[2].body), (json{{"ids", {"5"}}}));
  EXPECT_EQ(outcomes.done["1"], TaskStatus::Success);
  EXPECT_EQ(outcomes.done["5"], TaskStatus::Modal);
  EXPECT_EQ(outcomes.errors["3"], ErrorKind::TaskFailed);
  EXPECT_EQ(watcher.pending(), (std::vector<std::string>{"2", "4"}));

  // Cycle 2: the two left fit one chunk.
  unit.transport->reply(
      200, json::array({task("4", "SUCCESS", "100%"), task("2", "SUCCESS", "100%")}).dump());
  EXPECT_EQ(watcher.poll_once(), 0u);
  EXPECT_EQ(unit.transport->request_count(), 4u);
  EXPECT_EQ(watcher.stats().requests, 4u);
  EXPECT_EQ(watcher.stats().cycles, 2u);
}

TEST(TaskWatcher, ProgressIsReportedOnlyOnChange) {
  UnitClient unit;
  Outcomes outcomes;
  WatchOptions options = options_for(outcomes);
  std::vector<int> seen;
  options.on_progress = [&seen](const Task& t) { seen.push_back(t.progress); };
  TaskWatcher watcher(unit.client, options);
  watcher.add("1");
  for (const char* p : {"10%", "10%", "50%", "50%"}) {
    unit.transport->reply(200, json::array({task("1", "IN_PROGRESS", p)}).dump());
  }
  unit.transport->reply(200, json::array({task("1", "SUCCESS", "100%")}).dump());
  watcher.run();
  EXPECT_EQ(seen, (std::vector<int>{10, 50, 100}));
  EXPECT_EQ(outcomes.done["1"], TaskStatus::Success);
}

TEST(TaskWatcher, MissingIdsEndAsNotFoundAfterSomeCycles) {
  UnitClient unit;
  Outcomes outcomes;
  TaskWatcher watcher(unit.client, options_for(outcomes));
  watcher.add("1");
  for (int i = 0; i < 3; ++i) unit.transport->reply(200, "[]");
  watcher.run();
  EXPECT_EQ(outcomes.errors["1"], ErrorKind::NotFound);
  EXPECT_EQ(unit.transport->request_count(), 3u);
}

TEST(TaskWatcher, DeadlineAndStallEndTasks) {
  UnitClient unit;
  Outcomes outcomes;
  WatchOptions options = options_for(outcomes);
  options.interval = milliseconds(1000);
  options.timeout = milliseconds(4500);
  options.stall_timeout = milliseconds(2500);
  TaskWatcher watcher(unit.client, options);
  watcher.add({"1", "2"});
  for (int i = 0; i < 10; ++i) {
    // 1 creeps forward (never stalls, hits the deadline); 2 is stuck at 5%.
    unit.transport->reply(200, json::array({task("1", "IN_PROGRESS", std::to_string(i) + "%"),
                                            task("2", "IN_PROGRESS", "5%")})
                                   .dump());
  }
  watcher.run();
  EXPECT_EQ(outcomes.errors["1"], ErrorKind::DeadlineExceeded);
  EXPECT_EQ(outcomes.errors["2"], ErrorKind::Stalled);
}

TEST(TaskWatcher, TransientErrorsAreRiddenOutPermanentOnesEndTheChunk) {
  ClientOptions client_options = test::unit_options(nullptr, nullptr);
  client_options.retry.max_retries = 0;
  UnitClient unit(client_options);
  Outcomes outcomes;
  TaskWatcher watcher(unit.client, options_for(outcomes));
  watcher.add({"1", "2", "3"});
  unit.transport
      ->reply(503, "")  // chunk [1,2]: transient, try again next cycle
      .reply(401, R"({"error":{"message":"bad key","type":"comet_api_error"}})");  // chunk [3]
  EXPECT_EQ(watcher.poll_once(), 2u);
  EXPECT_EQ(outcomes.errors["3"], ErrorKind::Authentication);
  EXPECT_EQ(watcher.stats().failed_requests, 2u);
  unit.transport->reply(
      200, json::array({task("1", "SUCCESS", "100%"), task("2", "SUCCESS", "100%")}).dump());
  EXPECT_EQ(watcher.poll_once(), 0u);
}

TEST(TaskWatcher, AnOutageStillEndsTasksAtTheirDeadline) {
  ClientOptions client_options = test::unit_options(nullptr, nullptr);
  client_options.retry.max_retries = 0;
  UnitClient unit(client_options);
  Outcomes outcomes;
  WatchOptions options = options_for(outcomes);
  options.interval = milliseconds(1000);
  options.timeout = milliseconds(3500);
  TaskWatcher watcher(unit.client, options);
  watcher.add("1");
  for (int i = 0; i < 10; ++i) unit.transport->fail(TransportFailure::NotSent, "down");
  watcher.run();  // returns: the deadline ends the task although no answer ever came
  EXPECT_EQ(outcomes.errors["1"], ErrorKind::DeadlineExceeded);
  EXPECT_LE(unit.transport->request_count(), 5u);
}

TEST(TaskWatcher, InvalidIdsEndAtOnceAndDuplicatesAreIgnored) {
  UnitClient unit;
  Outcomes outcomes;
  TaskWatcher watcher(unit.client, options_for(outcomes));
  watcher.add({"1", "1", "../x"});
  EXPECT_EQ(watcher.pending(), (std::vector<std::string>{"1"}));
  unit.transport->reply(200, json::array({task("1", "SUCCESS", "100%")}).dump());
  watcher.run();
  EXPECT_EQ(outcomes.errors["../x"], ErrorKind::InvalidArgument);
  EXPECT_EQ(json::parse(unit.transport->requests()[0].body), (json{{"ids", {"1"}}}));
}

TEST(TaskWatcher, RestartsFromSavedIds) {
  UnitClient unit;
  Outcomes outcomes;
  std::vector<std::string> saved;
  {
    TaskWatcher first(unit.client, options_for(outcomes));
    first.add({"7", "8"});
    unit.transport->reply(
        200, json::array({task("7", "SUCCESS", "100%"), task("8", "IN_PROGRESS", "3%")}).dump());
    first.poll_once();
    saved = first.pending();
  }
  EXPECT_EQ(saved, (std::vector<std::string>{"8"}));
  TaskWatcher second(unit.client, options_for(outcomes));
  second.add(saved);
  unit.transport->reply(200, json::array({task("8", "SUCCESS", "100%")}).dump());
  second.run();
  EXPECT_EQ(outcomes.done["8"], TaskStatus::Success);
}

TEST(TaskWatcher, BackgroundThreadStopsCleanlyAndAcceptsNewIds) {
  UnitClient unit;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> done;
  WatchOptions options;
  options.interval = milliseconds(1);
  options.on_done = [&](const std::string& id, const Result<Task>&) {
    std::lock_guard<std::mutex> lock(mutex);
    done.push_back(id);
    changed.notify_all();
  };
  TaskWatcher watcher(unit.client, options);
  watcher.start();  // idles: nothing to watch yet
  unit.transport->reply(200, json::array({task("1", "SUCCESS", "100%")}).dump());
  watcher.add("1");
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return done.size() == 1; }));
  }
  unit.transport->reply(200, json::array({task("2", "SUCCESS", "100%")}).dump());
  watcher.add("2");
  {
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return done.size() == 2; }));
  }
  watcher.stop();
  watcher.stop();  // idempotent
  EXPECT_EQ(done, (std::vector<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace cometapi
