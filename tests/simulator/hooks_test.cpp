// notifyHook: the simulator POSTs the upstream-shaped task to the hook on each change, from its
// worker thread; loopback only. A receiver in the test collects what arrives.
#include <mutex>
#include <thread>

#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

class HookReceiver {
 public:
  HookReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      bodies_.push_back(req.body);
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() works only once the accept loop runs (connections wait in the backlog until then).
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~HookReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<json> received() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<json> out;
    for (const std::string& body : bodies_) out.push_back(json::parse(body));
    return out;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

std::vector<std::string> statuses(const std::vector<json>& payloads) {
  std::vector<std::string> out;
  for (const json& p : payloads) out.push_back(p["status"]);
  return out;
}

class HookTest : public SimTest {
 protected:
  std::string imagine_with_hook(const std::string& prompt, const std::string& hook) {
    const Answer a =
        post("/mj/submit/imagine", json{{"prompt", prompt}, {"notifyHook", hook}, {"state", "h"}});
    return result_id(a.body_json());
  }
  HookReceiver receiver_;
};

TEST_F(HookTest, EachChangeIsPostedInOrder) {
  const std::string id = imagine_with_hook("hooked", receiver_.url());
  server_->advance(10s);
  server_->flush_hooks();
  const std::vector<json> got = receiver_.received();
  ASSERT_GE(got.size(), 4u);
  EXPECT_EQ(got.front()["status"], "SUBMITTED");
  EXPECT_EQ(got.front()["progress"], "0%");
  EXPECT_EQ(got.back()["status"], "SUCCESS");
  EXPECT_EQ(got.back()["progress"], "100%");
  int last = -1;
  for (const json& p : got) {
    EXPECT_EQ(p["id"], id);
    const std::string progress = p["progress"];
    const int value = std::stoi(progress);
    EXPECT_GT(value, last) << p;  // each payload is a change, in order
    last = value;
  }
  // The upstream's shape: state echoed at once, real nulls, its own action name, buttons.
  const json& done = got.back();
  EXPECT_EQ(done["action"], "IMAGINE");
  EXPECT_EQ(done["state"], "h");
  EXPECT_EQ(done["failReason"], nullptr);
  EXPECT_EQ(done["imageUrl"], server_->base_url() + "/mj/image/" + id);
  EXPECT_EQ(done["buttons"].size(), 9u);
  EXPECT_EQ(got.front()["finishTime"], nullptr);
  // The record matches what arrived.
  const auto deliveries = server_->hook_deliveries();
  ASSERT_EQ(deliveries.size(), got.size());
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.http_status, 204);
    EXPECT_FALSE(d.refused);
    EXPECT_EQ(d.url, receiver_.url());
  }
  // Nothing more once it is over.
  server_->advance(10s);
  server_->flush_hooks();
  EXPECT_EQ(receiver_.received().size(), got.size());
}

TEST_F(HookTest, AFailureCarriesItsReason) {
  server_->fail_prompt("doomed", "Job failed: doomed");
  imagine_with_hook("doomed", receiver_.url());
  server_->advance(10s);
  server_->flush_hooks();
  const json last = receiver_.received().back();
  EXPECT_EQ(last["status"], "FAILURE");
  EXPECT_EQ(last["failReason"], "Job failed: doomed");
  EXPECT_EQ(last["progress"], "");  // the upstream blanks it; only the gateway says 100%
  EXPECT_EQ(server_->hook_deliveries().back().progress, "");
}

TEST_F(HookTest, OutOfOrderAndRepeatedDelivery) {
  auto options = manual_options();
  options.hook_out_of_order = true;
  options.hook_repeats = 1;
  restart(options);
  imagine_with_hook("shuffled", receiver_.url());
  server_->advance(10s);
  server_->flush_hooks();
  const std::vector<std::string> got = statuses(receiver_.received());
  ASSERT_GE(got.size(), 8u);
  EXPECT_EQ(got.size() % 2, 0u);
  EXPECT_EQ(got[0], "SUCCESS");  // the newest first
  EXPECT_EQ(got[1], "SUCCESS");  // and each one twice
  EXPECT_EQ(got[got.size() - 1], "SUBMITTED");
  for (std::size_t i = 0; i < got.size(); i += 2) EXPECT_EQ(got[i], got[i + 1]);
}

TEST_F(HookTest, OnlyLoopbackHooksAreCalled) {
  imagine_with_hook("far away", "http://example.com/hook");
  imagine_with_hook("secure", "https://127.0.0.1/hook");
  imagine_with_hook("sneaky", "http://127.0.0.1@example.com/hook");
  server_->advance(10s);
  server_->flush_hooks();
  const auto deliveries = server_->hook_deliveries();
  ASSERT_FALSE(deliveries.empty());
  for (const auto& d : deliveries) {
    EXPECT_TRUE(d.refused) << d.url;
    EXPECT_EQ(d.http_status, 0);
    EXPECT_NE(d.error.find("127.0.0.1"), std::string::npos);
    EXPECT_FALSE(d.body.empty());  // what would have been sent is kept
  }
  EXPECT_TRUE(receiver_.received().empty());
}

TEST_F(HookTest, LocalhostAndTheControlEndpoint) {
  const std::string url = "http://localhost:" + receiver_.url().substr(17);
  imagine_with_hook("by name", url);
  server_->advance(10s);
  const json listed = get("/_sim/hooks", "").body_json();  // flushes first
  ASSERT_TRUE(listed.is_array());
  ASSERT_FALSE(listed.empty());
  EXPECT_EQ(listed.back()["status"], "SUCCESS");
  EXPECT_EQ(listed.back()["httpStatus"], 204);
  EXPECT_EQ(receiver_.received().size(), listed.size());
}

TEST_F(HookTest, TrueaiPayloadsCarryItsExtraFields) {
  auto options = manual_options();
  options.flavour = cometapi::testing::Flavour::Trueai;
  restart(options);
  post("/mj-relax/mj/submit/imagine", json{{"prompt", "relaxed"}, {"notifyHook", receiver_.url()}});
  server_->advance(10s);
  server_->flush_hooks();
  const json last = receiver_.received().back();
  EXPECT_EQ(last["status"], "SUCCESS");
  EXPECT_EQ(last["mode"], "RELAX");
  EXPECT_EQ(last["botType"], "MID_JOURNEY");
  EXPECT_EQ(last["parentId"], nullptr);
  EXPECT_TRUE(last["seed"].is_string());
  // A variation's payload names its parent and the upstream's action.
  const std::string grid = last["id"];
  post(
      "/mj/submit/action",
      json{{"taskId", grid}, {"customId", custom_id(grid, "V1")}, {"notifyHook", receiver_.url()}});
  server_->advance(10s);
  server_->flush_hooks();
  const json child = receiver_.received().back();
  EXPECT_EQ(child["parentId"], grid);
  EXPECT_EQ(child["action"], "VARIATION");
}

TEST_F(HookTest, TasksWithoutAHookSendNothing) {
  imagine("no hook");
  server_->advance(10s);
  server_->flush_hooks();
  EXPECT_TRUE(server_->hook_deliveries().empty());
}

}  // namespace
}  // namespace simtest
