// Requirement 7: faults, seeded or scripted, and where they strike relative to task creation.
#include <chrono>
#include <thread>

#include "test_support.hpp"

namespace simtest {
namespace {

using cometapi::testing::FaultKind;
using cometapi::testing::parse_fault_spec;
using namespace std::chrono_literals;

TEST(FaultSpec, ParsesEveryKind) {
  const auto rates =
      parse_fault_spec("500=0.05, 502=0.02,503=0.02,429=0.05,drop=0.03,truncate=0.02,slow=0.01");
  ASSERT_EQ(rates.size(), 7u);
  EXPECT_EQ(rates[0].kind, FaultKind::InternalError);
  EXPECT_DOUBLE_EQ(rates[0].probability, 0.05);
  EXPECT_EQ(rates[1].kind, FaultKind::BadGateway);
  EXPECT_EQ(rates[2].kind, FaultKind::ServiceUnavailable);
  EXPECT_EQ(rates[3].kind, FaultKind::TooManyRequests);
  EXPECT_EQ(rates[4].kind, FaultKind::Drop);
  EXPECT_EQ(rates[5].kind, FaultKind::Truncate);
  EXPECT_EQ(rates[6].kind, FaultKind::Slow);
  EXPECT_TRUE(parse_fault_spec("").empty());
  EXPECT_TRUE(parse_fault_spec("  ").empty());
  EXPECT_EQ(cometapi::testing::to_string(FaultKind::Drop), "drop");
}

TEST(FaultSpec, RejectsBadSpecs) {
  for (const char* bad : {"404=0.1", "500", "500=abc", "500=1.5", "500=-0.1", "500=0.6,502=0.6",
                          "500=0.1,", ",", "500=0.1x"}) {
    EXPECT_THROW(parse_fault_spec(bad), std::invalid_argument) << bad;
  }
}

TEST(FaultSpec, BadOptionsSpecFailsStart) {
  auto options = manual_options();
  options.faults = "teapot=1";
  cometapi::testing::FakeCometServer server(options);
  EXPECT_THROW(server.start(), std::invalid_argument);
}

TEST_F(SimTest, RateLimitComesBeforeAnythingIsCreated) {
  server_->fail_next("/mj/submit", FaultKind::TooManyRequests);
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "limited"}, {"state", "s"}});
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.headers.find("Retry-After")->second, "1");
  EXPECT_EQ(a.body_json()["code"], 30);
  EXPECT_EQ(a.body_json()["type"], "upstream_error");
  EXPECT_EQ(server_->tasks_created(), 0);
  EXPECT_EQ(server_->submits_with_state("s"), 0);
  EXPECT_EQ(post("/mj/submit/imagine", json{{"prompt", "ok"}}).status, 200);  // once only
}

TEST_F(SimTest, ServerErrorsComeAfterTheTaskWasCreated) {
  const std::vector<std::pair<FaultKind, int>> cases = {{FaultKind::InternalError, 500},
                                                        {FaultKind::BadGateway, 502},
                                                        {FaultKind::ServiceUnavailable, 503}};
  int created = 0;
  for (const auto& [kind, status] : cases) {
    server_->fail_next("/mj/submit/imagine", kind);
    const Answer a = post("/mj/submit/imagine", json{{"prompt", "paid"}, {"state", "job-1"}});
    EXPECT_EQ(a.status, status);
    EXPECT_EQ(server_->tasks_created(), ++created) << status;
  }
  // The client never learnt an id, yet each attempt was a paid job.
  EXPECT_EQ(server_->submits_with_state("job-1"), 3);
}

TEST_F(SimTest, FaultBodiesLookLikeTheRealOnes) {
  server_->fail_next("", FaultKind::BadGateway);
  Answer a = get("/mj/task/1/fetch");
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.content_type, "text/html");
  EXPECT_NE(a.body.find("502 Bad Gateway"), std::string::npos);
  server_->fail_next("", FaultKind::ServiceUnavailable);
  a = get("/mj/task/1/fetch");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.headers.find("Retry-After")->second, "1");
  EXPECT_EQ(a.body_json()["error"]["type"], "comet_api_error");
  server_->fail_next("", FaultKind::InternalError);
  a = get("/mj/task/1/fetch");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body_json()["error"]["type"], "comet_api_error");
}

TEST_F(SimTest, DroppedConnectionIsAClientErrorAfterTheTaskExists) {
  server_->fail_next("/mj/submit", FaultKind::Drop);
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "dropped"}, {"state", "d"}});
  EXPECT_EQ(a.status, 0);
  EXPECT_NE(a.error, httplib::Error::Success);
  EXPECT_EQ(server_->tasks_created(), 1);
  EXPECT_EQ(server_->submits_with_state("d"), 1);
  EXPECT_EQ(server_->last_request()->status, 0);
  EXPECT_EQ(server_->last_request()->fault, FaultKind::Drop);
  // The server keeps serving; the client reconnects.
  EXPECT_EQ(post("/mj/submit/imagine", json{{"prompt", "after"}}).status, 200);
}

TEST_F(SimTest, TruncatedBodyIsInvalidJsonWithTheNormalStatus) {
  server_->fail_next("/mj/submit", FaultKind::Truncate);
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "cut"}});
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.body_json().is_discarded()) << a.body;
  EXPECT_FALSE(a.body.empty());
  EXPECT_EQ(server_->tasks_created(), 1);
}

TEST_F(SimTest, SlowAnswerArrivesAfterTheDelay) {
  server_->fail_next("/mj/submit", FaultKind::Slow);
  const auto start = std::chrono::steady_clock::now();
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "slow"}});
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);  // slow_delay is 300 ms here
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 1);
}

TEST_F(SimTest, ScriptedFaultsMatchPrefixesWithOrWithoutTheMode) {
  server_->fail_next("/mj/task", FaultKind::InternalError, 2);
  const std::string id = imagine("prefix");  // not /mj/task: untouched
  EXPECT_EQ(get("/mj-relax/mj/task/" + id + "/fetch").status, 500);
  EXPECT_EQ(get("/mj/task/" + id + "/fetch").status, 500);
  EXPECT_EQ(get("/mj/task/" + id + "/fetch").status, 200);
  server_->fail_next("/mj-turbo/", FaultKind::InternalError);
  EXPECT_EQ(get("/mj/task/" + id + "/fetch").status, 200);
  EXPECT_EQ(get("/mj-turbo/mj/task/" + id + "/fetch").status, 500);
}

std::vector<int> statuses(cometapi::testing::FakeServerOptions options, int n) {
  cometapi::testing::FakeCometServer server(std::move(options));
  server.start();
  httplib::Client client("127.0.0.1", server.port());
  client.set_tcp_nodelay(true);
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    auto r = client.Get("/mj/task/1234567890123456/fetch", {{"Authorization", "Bearer sk-test"}});
    out.push_back(r ? r->status : 0);
  }
  return out;
}

TEST(RandomFaults, AreSeededAndFollowTheRates) {
  auto options = manual_options();
  options.faults = "500=0.5";
  options.seed = 7;
  const std::vector<int> first = statuses(options, 60);
  EXPECT_EQ(statuses(options, 60), first);  // same seed, same faults
  const long errors = std::count(first.begin(), first.end(), 500);
  EXPECT_GT(errors, 10);
  EXPECT_LT(errors, 50);
  EXPECT_EQ(errors + std::count(first.begin(), first.end(), 400), 60);
  options.seed = 8;
  EXPECT_NE(statuses(options, 60), first);
}

TEST_F(SimTest, SetFaultsAndClearFaults) {
  server_->set_faults("503=1");
  EXPECT_EQ(get("/mj/task/1/fetch").status, 503);
  EXPECT_THROW(server_->set_faults("503=2"), std::invalid_argument);
  EXPECT_EQ(get("/mj/task/1/fetch").status, 503);  // a bad spec leaves the old one
  server_->fail_next("", FaultKind::InternalError, 5);
  server_->clear_faults();
  EXPECT_EQ(get("/mj/task/1/fetch").status, 400);
}

TEST(Lifecycle, StopEndsASlowAnswerAndIdleConnectionsPromptly) {
  auto options = manual_options();
  options.slow_delay = std::chrono::seconds(60);
  cometapi::testing::FakeCometServer server(options);
  server.start();
  server.fail_next("/mj/task", FaultKind::Slow);
  std::thread waiting([&] {
    httplib::Client client("127.0.0.1", server.port());
    client.Get("/mj/task/1/fetch", {{"Authorization", "Bearer sk-test"}});
  });
  httplib::Client idle("127.0.0.1", server.port());  // a kept-alive connection, left idle
  idle.set_keep_alive(true);
  idle.Get("/mj/image/1");
  while (server.requests_to("/mj/task") == 0) std::this_thread::sleep_for(1ms);
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  waiting.join();
  server.stop();  // idempotent
}

TEST(Lifecycle, BindFailureThrowsAndPortZeroPicksAFreePort) {
  cometapi::testing::FakeCometServer first(manual_options());
  EXPECT_EQ(first.port(), 0);
  first.start();
  EXPECT_GT(first.port(), 0);
  EXPECT_EQ(first.base_url(), "http://127.0.0.1:" + std::to_string(first.port()));
  EXPECT_THROW(first.start(), std::runtime_error);
  auto options = manual_options();
  options.port = first.port();
  cometapi::testing::FakeCometServer second(options);
  EXPECT_THROW(second.start(), std::runtime_error);
  // Restartable after stop().
  first.stop();
  first.start();
  EXPECT_GT(first.port(), 0);
}

}  // namespace
}  // namespace simtest
