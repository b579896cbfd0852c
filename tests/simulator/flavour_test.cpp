// Where the two upstream proxies behind the gateway answer differently
// (FakeServerOptions::flavour).
#include "test_support.hpp"

namespace simtest {
namespace {

using cometapi::testing::Flavour;
using namespace std::chrono_literals;

class FlavourTest : public SimTest {
 protected:
  void use(Flavour flavour) {
    auto options = manual_options();
    options.flavour = flavour;
    options.concurrency = 1;
    options.queue_size = 0;
    restart(options);
  }
  json describe_result() {
    const std::string id = result_id(
        post("/mj/submit/describe", json{{"link", "https://example.com/a.png"}}).body_json());
    finish();
    return fetch(id);
  }
};

TEST_F(FlavourTest, QueueFullIsCode23ForNovicezkAnd9ForTrueai) {
  use(Flavour::Novicezk);
  imagine("runs");
  json full = post("/mj/submit/imagine", json{{"prompt", "refused"}}).body_json();
  EXPECT_EQ(full["code"], 23);
  EXPECT_EQ(full["description"], "队列已满，请稍后尝试");
  EXPECT_EQ(full["result"], nullptr);
  EXPECT_EQ(server_->tasks_created(), 1);

  use(Flavour::Trueai);
  imagine("runs");
  full = post("/mj/submit/imagine", json{{"prompt", "refused"}}).body_json();
  EXPECT_EQ(full["code"], 9);
  EXPECT_EQ(full["description"], "提交失败，队列已满，请稍后重试");
  EXPECT_EQ(server_->tasks_created(), 1);
  EXPECT_EQ(server_->submits(), 1);
}

TEST_F(FlavourTest, CancelIsCancelForNovicezkAndFailureForTrueai) {
  use(Flavour::Novicezk);
  std::string id = imagine("cancel me");
  server_->advance(700ms);
  ASSERT_TRUE(server_->cancel_task(id));
  json t = fetch(id);
  EXPECT_EQ(t["status"], "CANCEL");
  EXPECT_EQ(t["failReason"], "");
  EXPECT_FALSE(server_->cancel_task(id));  // already over

  use(Flavour::Trueai);
  id = imagine("cancel me");
  server_->advance(700ms);
  ASSERT_TRUE(server_->cancel_task(id));
  t = fetch(id);
  EXPECT_EQ(t["status"], "FAILURE");
  EXPECT_EQ(t["failReason"], "取消任务");
  EXPECT_EQ(t["progress"], "100%");
}

TEST_F(FlavourTest, DescribeResultsLandInDifferentFields) {
  use(Flavour::Novicezk);
  json t = describe_result();
  EXPECT_EQ(t["promptEn"], "");
  std::string words = t["properties"]["finalPrompt"];
  EXPECT_EQ(words.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(words.begin(), words.end(), '\n'), 3);
  for (const char* n : {"1️⃣ ", "\n2️⃣ ", "\n3️⃣ ", "\n4️⃣ "}) {
    EXPECT_NE(words.find(n), std::string::npos) << words;
  }

  use(Flavour::Trueai);
  t = describe_result();
  EXPECT_EQ(t["properties"]["finalPrompt"], "");
  words = t["promptEn"];
  EXPECT_EQ(std::count(words.begin(), words.end(), '\n'), 3) << words;
  EXPECT_EQ(std::count(words.begin(), words.end(), '\r'), 3) << words;  // lines end in "\r\n"
  EXPECT_NE(words.find("\r\n2️⃣ "), std::string::npos) << words;
}

TEST_F(FlavourTest, ShortenResultsAreInFinalPromptForBoth) {
  for (Flavour flavour : {Flavour::Novicezk, Flavour::Trueai}) {
    use(flavour);
    const std::string id = result_id(
        post("/mj/submit/shorten", json{{"prompt", "a small red fox under a large old tree"}})
            .body_json());
    finish();
    const json t = fetch(id);
    EXPECT_EQ(t["promptEn"], "");
    const std::string words = t["properties"]["finalPrompt"];
    EXPECT_EQ(words.rfind("1️⃣ a small", 0), 0u) << words;
    EXPECT_EQ(std::count(words.begin(), words.end(), '\n'), 4) << words;
  }
}

TEST_F(SimTest, VideoTasksCarryU1ToU4ThatAreNotImageUpscales) {
  const Answer a = post("/mj/submit/video", json{{"image", "https://example.com/a.png"}});
  const std::string id = result_id(a.body_json());
  finish();
  const json buttons = fetch(id)["buttons"];
  ASSERT_TRUE(buttons.is_array());
  for (int i = 1; i <= 4; ++i) {
    const json& b = buttons.at(i - 1);
    EXPECT_EQ(b["label"], "U" + std::to_string(i));
    const std::string custom_id = b["customId"];
    EXPECT_EQ(custom_id.rfind("MJ::JOB::video_virtual_upscale::" + std::to_string(i) + "::", 0), 0u)
        << custom_id;
    EXPECT_EQ(custom_id.find("upsample"), std::string::npos);
  }
  // The gateway's parser does not know the verb.
  const Answer u1 = press(id, "U1");
  EXPECT_EQ(u1.status, 400);
  EXPECT_EQ(u1.body_json()["error"]["code"], "unknown_action");
}

}  // namespace
}  // namespace simtest
