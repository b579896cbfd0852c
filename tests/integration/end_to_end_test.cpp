// The foundation's main path against the simulator, through real libcurl: imagine, wait, read the
// buttons, press U1 with the customId of the latest fetch, wait for the new task.
#include <set>
#include <thread>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

using test::SimTest;

TEST_F(SimTest, ImagineWaitUpscaleWait) {
  const std::string grid_id = imagine("a red fox in the snow", "e2e-1");
  ASSERT_EQ(grid_id.size(), 16u) << grid_id;

  // Right after the submit the gateway has not synced yet: status "" and 0%.
  auto fresh = client_->fetch_task(grid_id);
  ASSERT_TRUE(fresh.ok()) << fresh.error().to_string();
  EXPECT_EQ(fresh->status, TaskStatus::NotSynced);
  EXPECT_EQ(fresh->progress, 0);
  EXPECT_TRUE(fresh->buttons.empty());

  std::vector<TaskStatus> seen;
  WaitOptions options = wait_options();
  options.on_progress = [&seen](const Task& t) { seen.push_back(t.status); };
  auto grid = TaskPoller(*client_).wait(grid_id, options);
  ASSERT_TRUE(grid.ok()) << grid.error().to_string();
  EXPECT_EQ(grid->status, TaskStatus::Success);
  EXPECT_EQ(grid->progress, 100);
  EXPECT_EQ(grid->action, "IMAGINE");
  EXPECT_EQ(grid->prompt, "a red fox in the snow");
  EXPECT_EQ(grid->state, "e2e-1");
  EXPECT_FALSE(grid->image_url.empty());
  EXPECT_GT(grid->finish_time, 0);
  ASSERT_EQ(grid->buttons.size(), 9u);
  for (const char* name : {"U1", "U2", "U3", "U4", "🔄", "V1", "V2", "V3", "V4"}) {
    EXPECT_TRUE(find_button(*grid, name).has_value()) << name;
  }
  EXPECT_EQ(seen.back(), TaskStatus::Success);

  // The customId comes from the latest fetch, never from a constant.
  TaskPoller poller(*client_, wait_options());
  auto custom_id = poller.current_custom_id(grid_id, "U1");
  ASSERT_TRUE(custom_id.ok()) << custom_id.error().to_string();
  EXPECT_EQ(parse_custom_id(*custom_id).kind, ButtonKind::Upscale);
  EXPECT_EQ(parse_custom_id(*custom_id).index, 1);

  ActionRequest action;
  action.task_id = grid_id;
  action.custom_id = *custom_id;
  action.state = "e2e-1-u1";
  auto submitted = client_->submit_action(action);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(submitted->code, 1);
  EXPECT_NE(submitted->result, grid_id);

  auto upscaled = poller.wait(submitted->result);
  ASSERT_TRUE(upscaled.ok()) << upscaled.error().to_string();
  EXPECT_EQ(upscaled->status, TaskStatus::Success);
  EXPECT_EQ(upscaled->action, "UPSCALE");
  EXPECT_FALSE(upscaled->image_url.empty());
  EXPECT_TRUE(find_button(*upscaled, "Vary (Region)").has_value());

  // Exactly the two jobs were paid for.
  EXPECT_EQ(server_->submits_with_state("e2e-1"), 1);
  EXPECT_EQ(server_->submits_with_state("e2e-1-u1"), 1);
}

TEST_F(SimTest, PressRunsActionAndWaitAsOneCall) {
  const std::string grid_id = imagine("a blue whale");
  finished(grid_id);
  auto varied = TaskPoller(*client_, wait_options()).press(grid_id, "V2");
  ASSERT_TRUE(varied.ok()) << varied.error().to_string();
  EXPECT_EQ(varied->action, "VARIATION");
  EXPECT_EQ(varied->buttons.size(), 9u);
}

TEST_F(SimTest, EachTaskCarriesFreshCustomIds) {
  const Task a = finished(imagine("one"));
  const Task b = finished(imagine("two"));
  ASSERT_TRUE(find_button(a, "U1") && find_button(b, "U1"));
  EXPECT_NE(find_button(a, "U1")->custom_id, find_button(b, "U1")->custom_id);

  // A customId from another task is not among this task's buttons: the service refuses it.
  ActionRequest action;
  action.task_id = a.id;
  action.custom_id = find_button(b, "U1")->custom_id;
  auto refused = client_->submit_action(action);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().kind == ErrorKind::ApiRefused) << refused.error().to_string();
  EXPECT_FALSE(refused.error().message.empty());
}

TEST_F(SimTest, ActionOnAnUnfinishedTaskIsRefused) {
  const std::string id = imagine("not done yet");
  ActionRequest action;
  action.task_id = id;
  action.custom_id = "MJ::JOB::upsample::1::0f0e0d0c-0000-4000-8000-000000000000";
  auto refused = client_->submit_action(action);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("task_status_not_success"), std::string::npos)
      << refused.error().to_string();
}

TEST_F(SimTest, RequestsCarryBearerJsonAndUserAgent) {
  imagine("headers please");
  auto record = server_->last_request();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->method, "POST");
  EXPECT_EQ(record->path, "/mj/submit/imagine");
  EXPECT_EQ(record->header("Authorization"), std::string("Bearer ") + test::kSimKey);
  EXPECT_EQ(record->header("Content-Type"), "application/json");
  EXPECT_EQ(record->header("User-Agent").rfind(std::string("cometapi-cpp/") + kVersion, 0), 0u);
}

TEST_F(SimTest, WrongKeyIsAuthentication) {
  CometClient stranger(client_options("sk-nobody"));
  ImagineRequest request;
  request.prompt = "x";
  auto result = stranger.submit_imagine(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Authentication);
  EXPECT_EQ(result.error().http_status, 401);
  EXPECT_FALSE(result.error().message.empty());
  EXPECT_EQ(result.error().to_string().find("sk-nobody"), std::string::npos);
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(SimTest, UnknownOrForeignTaskIsNotFound) {
  auto unknown = client_->fetch_task("1000000000000000");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(unknown.error().http_status, 400);

  const std::string mine = imagine("private");
  CometClient other(client_options("sk-other"));
  auto foreign = other.fetch_task(mine);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorKind::NotFound);
}

TEST_F(SimTest, EmptyPromptNeverLeavesTheClient) {
  ImagineRequest request;
  auto result = client_->submit_imagine(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument);
  EXPECT_EQ(server_->journal().size(), 0u);
}

TEST_F(SimTest, OneClientKeepsOneConnectionAlive) {
  const std::string id = imagine("keep-alive");
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client_->fetch_task(id).ok());
  EXPECT_EQ(server_->connections_accepted(), 1);
}

TEST_F(SimTest, SubmitsNeverRideOnAReusedConnection) {
  // libcurl re-sends a request whose reused connection closed without an answer; for a submit that
  // could create a second job, so each submit opens its own connection. Reads reuse them.
  const std::string first = imagine("fresh 1");
  ASSERT_TRUE(client_->fetch_task(first).ok());
  const std::string second = imagine("fresh 2");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client_->fetch_task(second).ok());
  EXPECT_EQ(server_->connections_accepted(), 2);
}

TEST_F(SimTest, ThreadsShareOneClient) {
  const std::string id = imagine("threads");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  const CometClient shared = *client_;  // copies share the pool
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&shared, &id, &failures] {
      for (int i = 0; i < 25; ++i) {
        if (!shared.fetch_task(id).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(server_->connections_accepted(), 9);  // at most one per thread, plus the imagine's
}

TEST_F(SimTest, ListTasksDropsUnknownIds) {
  const std::string a = imagine("list a");
  const std::string b = imagine("list b");
  auto tasks = client_->list_tasks({a, "1000000000000000", b});
  ASSERT_TRUE(tasks.ok()) << tasks.error().to_string();
  std::set<std::string> ids;
  for (const Task& t : *tasks) ids.insert(t.id);
  EXPECT_EQ(ids, (std::set<std::string>{a, b}));
}

TEST_F(SimTest, FetchIsRetriedThroughADroppedConnection) {
  const std::string id = imagine("flaky");
  server_->fail_next("/mj/task/", testing::FaultKind::Drop, 1);
  auto task = client_->fetch_task(id);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(server_->requests_to("/mj/task/"), 2);
}

TEST_F(SimTest, SubmitIsNotRepeatedAfterA500ButIsAfterA429) {
  server_->fail_next("/mj/submit/imagine", testing::FaultKind::InternalError, 1);
  ImagineRequest request;
  request.prompt = "paid once";
  request.state = "gate-500";
  auto ambiguous = client_->submit_imagine(request);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().kind, ErrorKind::Server);
  EXPECT_TRUE(ambiguous.error().maybe_submitted);
  EXPECT_EQ(server_->submits_with_state("gate-500"), 1);  // created once, not twice

  server_->fail_next("/mj/submit/imagine", testing::FaultKind::TooManyRequests, 1);
  request.state = "gate-429";
  auto retried = client_->submit_imagine(request);
  ASSERT_TRUE(retried.ok()) << retried.error().to_string();
  EXPECT_EQ(server_->submits_with_state("gate-429"), 1);
  EXPECT_EQ(server_->requests_to("/mj/submit/imagine"), 3);
}

TEST_F(SimTest, ImageUrlServesARealPng) {
  const Task grid = finished(imagine("download me"));
  auto bytes = client_->download(grid.image_url);
  ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
  ASSERT_GT(bytes->size(), 8u);
  EXPECT_EQ(bytes->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // Nobody sent the key along with the image request.
  EXPECT_EQ(server_->last_request()->header("Authorization"), "");
}

}  // namespace
}  // namespace cometapi
