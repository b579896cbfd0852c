// Smoke test against the real CometAPI service. Skipped unless both COMETAPI_KEY and
// COMETAPI_LIVE_TESTS=1 are set; the checks that cost money also need COMETAPI_LIVE_BILLED=1.
//
//   COMETAPI_KEY=sk-... COMETAPI_LIVE_TESTS=1 ctest --test-dir build -L live --output-on-failure
//
// Nothing in CI sets these: the rest of the suite needs neither the internet nor a key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cometapi/cometapi.hpp"

namespace cometapi {
namespace {

bool flag(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && std::string(value) == "1";
}

class Live : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!flag("COMETAPI_LIVE_TESTS") || std::getenv("COMETAPI_KEY") == nullptr) {
      GTEST_SKIP() << "live tests need COMETAPI_KEY and COMETAPI_LIVE_TESTS=1";
    }
    auto client = CometClient::from_env();
    ASSERT_TRUE(client.ok()) << client.error().to_string();
    client_ = std::make_unique<CometClient>(std::move(client).value());
  }
  std::unique_ptr<CometClient> client_;
};

// Free: an id that cannot exist is refused with the gateway's own message.
TEST_F(Live, UnknownTaskIsNotFound) {
  auto task = client_->fetch_task("1000000000000000");
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::NotFound) << task.error().to_string();
  EXPECT_FALSE(task.error().message.empty());
}

// Free: list-by-condition of unknown ids is an empty list.
TEST_F(Live, ListOfUnknownIdsIsEmpty) {
  auto tasks = client_->list_tasks({"1000000000000000"});
  ASSERT_TRUE(tasks.ok()) << tasks.error().to_string();
  EXPECT_TRUE(tasks->empty());
}

// Billed: one imagine and one upscale, the main job end to end.
TEST_F(Live, ImagineThenUpscale) {
  if (!flag("COMETAPI_LIVE_BILLED")) GTEST_SKIP() << "set COMETAPI_LIVE_BILLED=1 to pay for it";
  ImagineRequest imagine;
  imagine.prompt = "a small red paper boat on a calm lake, minimal";
  auto submitted = client_->submit_imagine(imagine);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  TaskPoller poller(*client_);
  auto grid = poller.wait(submitted->result);
  ASSERT_TRUE(grid.ok()) << grid.error().to_string();
  EXPECT_EQ(grid->buttons.size(), 9u);
  auto image = poller.upscale(grid->id, 1);
  ASSERT_TRUE(image.ok()) << image.error().to_string();
  EXPECT_FALSE(image->image_url.empty());
}

}  // namespace
}  // namespace cometapi
