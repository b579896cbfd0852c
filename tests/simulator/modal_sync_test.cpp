// The gateway's timing as a client sees it: the MODAL row that outlives /submit/modal, and the
// bulk sync that shows each task as of its last tick.
#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

class ModalTest : public SimTest {
 protected:
  std::string custom_zoom_modal() {
    const std::string up = upscaled("a lighthouse");
    const Answer a = press(up, "Custom Zoom");
    EXPECT_EQ(a.body_json()["code"], 21) << a.body;
    return result_id(a.body_json());
  }
  json list(const std::string& id) {
    return post("/mj/task/list-by-condition", json{{"ids", {id}}}).body_json().at(0);
  }
};

TEST_F(ModalTest, ModalAnswersTheSameIdAndFetchShowsModalDuringTheLag) {
  const std::string id = custom_zoom_modal();
  const Answer m =
      post("/mj/submit/modal", json{{"taskId", id}, {"prompt", "a lighthouse --zoom 2"}});
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.body_json()["code"], 1);
  ASSERT_TRUE(m.body_json()["result"].is_string()) << m.body;
  EXPECT_EQ(m.body_json()["result"], id);  // the same task goes on
  EXPECT_EQ(server_->submits(), 4);        // imagine, U1, custom zoom, modal

  // The default lag (3 s): the old MODAL row, in fetch and in list, although upstream moved on.
  for (int step = 0; step < 3; ++step) {
    EXPECT_EQ(fetch(id)["status"], "MODAL") << step;
    EXPECT_EQ(list(id)["status"], "MODAL") << step;
    EXPECT_EQ(fetch(id)["buttons"], nullptr);
    server_->advance(999ms);
  }
  EXPECT_EQ(server_->task(id)->upstream_status, "SUCCESS");
  server_->advance(3ms);  // 3000 ms after the modal
  const json done = fetch(id);
  EXPECT_EQ(done["status"], "SUCCESS");
  EXPECT_EQ(done["promptEn"], "a lighthouse --zoom 2");
  EXPECT_EQ(list(id)["status"], "SUCCESS");
}

TEST_F(ModalTest, RemixPressLagsTheSameWay) {
  const std::string grid = imagine("remix me");
  finish();
  const Answer v = press(grid, "V2", json{{"enableRemix", true}});
  ASSERT_EQ(v.body_json()["code"], 1) << v.body;  // 21 rewritten by the gateway
  const std::string id = result_id(v.body_json());
  EXPECT_EQ(fetch(id)["status"], "MODAL");
  ASSERT_EQ(
      post("/mj/submit/modal", json{{"taskId", id}, {"prompt", "remixed"}}).body_json()["result"],
      id);
  server_->advance(2s);
  EXPECT_EQ(fetch(id)["status"], "MODAL");
  server_->advance(1s);
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

TEST_F(ModalTest, NoLagWhenTurnedOff) {
  auto options = manual_options();
  options.modal_lag = 0ms;
  restart(options);
  const std::string id = custom_zoom_modal();
  ASSERT_EQ(post("/mj/submit/modal", json{{"taskId", id}, {"prompt", "z --zoom 2"}}).status, 200);
  EXPECT_EQ(fetch(id)["status"], "SUBMITTED");
  finish();
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

TEST_F(SimTest, ModalTaskLeftForAnHourFails) {
  const std::string up = upscaled("left alone");
  const std::string id = result_id(press(up, "Vary (Region)").body_json());
  server_->advance(59min);
  EXPECT_EQ(fetch(id)["status"], "MODAL");
  server_->advance(2min);
  EXPECT_EQ(fetch(id)["status"], "FAILURE");
  EXPECT_EQ(fetch(id)["failReason"], "上游任务超时（超过1小时）");
}

class SyncTest : public SimTest {
 protected:
  void SetUp() override {
    auto options = manual_options();
    options.sync_period = 15s;
    restart(options);
  }
};

TEST_F(SyncTest, FetchShowsTheStateOfTheLastTick) {
  const std::string id = imagine("synced in bulk");
  // Upstream finishes in 1.8 s, but the gateway has not synced since the submit.
  server_->advance(14999ms);
  EXPECT_EQ(server_->task(id)->upstream_status, "SUCCESS");
  json t = fetch(id);
  EXPECT_EQ(t["status"], "");
  EXPECT_EQ(t["progress"], "0%");
  EXPECT_EQ(post("/mj/task/list-by-condition", json{{"ids", {id}}}).body_json().at(0)["status"],
            "");
  server_->advance(1ms);  // the tick at 15 s
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

TEST_F(SyncTest, ProgressIsFrozenBetweenTicks) {
  auto options = manual_options();
  options.sync_period = 1s;
  options.in_progress_for = 10s;
  restart(options);
  const std::string id = imagine("frozen progress");
  server_->advance(2s);  // tick at 2 s: IN_PROGRESS, 1.4 s in
  const json at_tick = fetch(id);
  ASSERT_EQ(at_tick["status"], "IN_PROGRESS");
  server_->advance(999ms);  // upstream moved on; the gateway still shows the tick at 2 s
  const json later = fetch(id);
  EXPECT_EQ(later["progress"], at_tick["progress"]);
  EXPECT_EQ(later["startTime"], at_tick["startTime"]);
  server_->advance(1ms);  // tick at 3 s
  EXPECT_NE(fetch(id)["progress"], at_tick["progress"]);
}

TEST_F(SyncTest, ButtonsNeedTheSyncedSuccess) {
  const std::string grid = imagine("press early");
  server_->advance(10s);  // upstream SUCCESS, gateway still at the tick at 0 s
  const Answer early =
      post("/mj/submit/action", json{{"taskId", grid}, {"customId", "MJ::JOB::upsample::1::x"}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(early.body_json()["description"], "task_status_not_success ");
  server_->advance(5s);
  EXPECT_EQ(press(grid, "U1").body_json()["code"], 1);
}

}  // namespace
}  // namespace simtest
