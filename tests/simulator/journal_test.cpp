// Requirement 8: the journal and the counters a test reads.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>

#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

TEST_F(SimTest, CountsRequestsByPath) {
  const std::string id = imagine("count me");
  fetch(id);
  fetch(id);
  get("/mj-fast/mj/task/" + id + "/fetch");
  const auto by_path = server_->requests_by_path();
  EXPECT_EQ(by_path.at("/mj/submit/imagine"), 1);
  EXPECT_EQ(by_path.at("/mj/task/" + id + "/fetch"), 2);
  EXPECT_EQ(by_path.at("/mj-fast/mj/task/" + id + "/fetch"), 1);
  EXPECT_EQ(server_->requests_to("/mj/task/"), 3);  // the prefixed path counts as /mj/...
  EXPECT_EQ(server_->requests_to("/mj-fast/"), 1);
  EXPECT_EQ(server_->requests_to(""), 4);
  EXPECT_EQ(server_->journal().size(), 4u);
}

TEST_F(SimTest, KeepsTheLastRequestsHeadersAndBody) {
  const std::string body = R"({"prompt":"headers"})";
  post_raw("/mj/submit/imagine", body,
           {{"Authorization", "Bearer sk-test"}, {"User-Agent", "cometapi-cpp/0.1.0"}});
  const auto last = server_->last_request();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->method, "POST");
  EXPECT_EQ(last->path, "/mj/submit/imagine");
  EXPECT_EQ(last->body, body);
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->header("authorization"), "Bearer sk-test");  // any case
  EXPECT_EQ(last->header("User-Agent"), "cometapi-cpp/0.1.0");
  EXPECT_EQ(last->header("content-type"), "application/json");
  EXPECT_EQ(last->header("X-Absent"), "");
  bool found = false;
  for (const auto& [k, v] : server_->last_request_headers()) {
    if (k == "User-Agent" && v == "cometapi-cpp/0.1.0") found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(SimTest, CountsAcceptedConnections) {
  for (int i = 0; i < 5; ++i) get("/mj/image/1", "");
  EXPECT_EQ(server_->connections_accepted(), 1);  // one kept-alive connection
  httplib::Client second("127.0.0.1", server_->port());
  second.Get("/mj/image/1");
  EXPECT_EQ(server_->connections_accepted(), 2);
  httplib::Client closing("127.0.0.1", server_->port());
  closing.set_keep_alive(false);
  closing.Get("/mj/image/1");
  closing.Get("/mj/image/1");
  EXPECT_EQ(server_->connections_accepted(), 4);
}

TEST_F(SimTest, CountsSubmitsPerState) {
  post("/mj/submit/imagine", json{{"prompt", "a"}, {"state", "order-1"}});
  post("/mj/submit/imagine", json{{"prompt", "b"}, {"state", "order-2"}});
  post("/mj/submit/imagine", json{{"prompt", "c"}});
  post("/mj/submit/imagine", json{{"prompt", ""}, {"state", "order-3"}});  // refused: not counted
  post("/mj/submit/imagine", json{{"prompt", "bannedword"}, {"state", "order-3"}});
  EXPECT_EQ(server_->submits(), 3);
  EXPECT_EQ(server_->tasks_created(), 3);
  EXPECT_EQ(server_->submits_with_state("order-1"), 1);
  EXPECT_EQ(server_->submits_with_state(""), 1);
  EXPECT_EQ(server_->submits_with_state("order-3"), 0);
  EXPECT_EQ(server_->submits_by_state(),
            (std::map<std::string, int>{{"", 1}, {"order-1", 1}, {"order-2", 1}}));
  // A modal continues a task: a submit, not a new task.
  finish();
  const std::string grid = server_->tasks()[0].id;
  const std::string remix =
      result_id(press(grid, "V1", json{{"enableRemix", true}, {"state", "v1"}}).body_json());
  post("/mj/submit/modal", json{{"taskId", remix}, {"state", "v1"}});
  EXPECT_EQ(server_->submits_with_state("v1"), 2);
  EXPECT_EQ(server_->tasks_created(), 4);
}

TEST_F(SimTest, ResetJournalClearsCountersButKeepsTasks) {
  const std::string id = imagine("kept");
  server_->reset_journal();
  EXPECT_TRUE(server_->journal().empty());
  EXPECT_FALSE(server_->last_request());
  EXPECT_EQ(server_->submits(), 0);
  EXPECT_EQ(server_->connections_accepted(), 0);
  EXPECT_EQ(fetch(id)["id"], id);
}

TEST_F(SimTest, OnRequestSeesEveryAnswer) {
  auto options = manual_options();
  auto seen = std::make_shared<std::atomic<int>>(0);
  options.on_request = [seen](const cometapi::testing::RequestRecord& r) {
    if (r.status == 200) ++*seen;
  };
  restart(options);
  imagine("observed");
  imagine("observed");
  EXPECT_EQ(seen->load(), 2);
}

TEST_F(SimTest, ControlEndpointsAreServedButNotJournaled) {
  const std::string id = imagine("control");
  Answer a = post("/_sim/advance?ms=5000", json::object(), "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["now_ms"], 1750000005000);
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
  a = get("/_sim/stats", "");
  EXPECT_EQ(a.body_json()["submits"], 1);
  EXPECT_EQ(a.body_json()["requests"]["/mj/submit/imagine"], 1);
  a = get("/_sim/tasks", "");
  EXPECT_EQ(a.body_json()[0]["id"], id);
  EXPECT_EQ(a.body_json()[0]["status"], "SUCCESS");
  a = post("/_sim/fail-next?kind=503&path=/mj/task&count=1", json::object(), "");
  EXPECT_EQ(a.body_json()["ok"], true);
  EXPECT_EQ(get("/mj/task/" + id + "/fetch").status, 503);
  EXPECT_EQ(post("/_sim/fail-next?kind=418", json::object(), "").status, 400);
  EXPECT_EQ(get("/_sim/nothing", "").status, 404);
  EXPECT_EQ(server_->requests_to("/_sim"), 0);
  EXPECT_EQ(server_->journal().size(), 3u);  // imagine and two fetches
}

// Finds the server side of our connection and reads its TCP_NODELAY: without it every loopback
// request would wait for a delayed ACK.
TEST_F(SimTest, AcceptedSocketsHaveNoDelay) {
  get("/mj/image/1", "");  // open the kept-alive connection
  int checked = 0;
  DIR* dir = opendir("/proc/self/fd");
  ASSERT_NE(dir, nullptr);
  while (const dirent* entry = readdir(dir)) {
    const int fd = std::atoi(entry->d_name);
    struct stat st {};
    if (fd <= 2 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_in local{}, peer{};
    socklen_t len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    len = sizeof(peer);
    if (ntohs(local.sin_port) != server_->port()) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int nodelay = 0;
    len = sizeof(nodelay);
    ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    EXPECT_NE(nodelay, 0);
    ++checked;
  }
  closedir(dir);
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace simtest
