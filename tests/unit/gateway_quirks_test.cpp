// What the gateway and its upstreams really send, over the scripted transport: the MODAL that
// lingers after a modal submit, where describe and shorten put their results, trueai's cancel,
// the U-buttons of a video task.
#include <gtest/gtest.h>

#include "cometapi/waiting.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using test::UnitClient;

constexpr const char* kMask =
    "data:image/"
    "png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM"
    "IQAAAABJRU5ErkJggg==";

std::string task(const std::string& id, const std::string& status, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","status":")" + status + R"(","progress":"0%")" + extra + "}";
}

TEST(LingeringModal, CompleteModalWaitsThroughTheOldModalRow) {
  UnitClient unit;
  unit.transport->reply(200, R"({"code":1,"description":"Submit success","result":"2"})")
      .reply(200, task("2", "MODAL"))  // the gateway's old row, until its next sync
      .reply(200, task("2", "MODAL"))
      .reply(200, task("2", "IN_PROGRESS"))
      .reply(200, task("2", "SUCCESS", R"(,"imageUrl":"https://x/2.png")"));
  ModalRequest request;
  request.task_id = "2";
  request.prompt = "a boat --zoom 1.5";
  std::vector<std::string> reported;
  PressOptions options;
  options.on_submitted = [&reported](const std::string& id) { reported.push_back(id); };
  auto result = TaskPoller(unit.client).complete_modal(request, options);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, TaskStatus::Success);
  EXPECT_EQ(result->image_url, "https://x/2.png");
  EXPECT_EQ(reported, std::vector<std::string>{"2"});
  EXPECT_EQ(unit.transport->request_count(), 5u);
}

TEST(LingeringModal, VaryRegionDoesNotStopAtTheModalItSubmitted) {
  UnitClient unit;
  const std::string buttons =
      R"j(,"buttons":[{"customId":"MJ::Inpaint::1::h::SOLO","label":"Vary (Region)"}])j";
  unit.transport->reply(200, task("1", "SUCCESS", buttons))
      .reply(200, R"({"code":21,"description":"Waiting for window confirm","result":"2"})")
      .reply(200, R"({"code":1,"description":"Submit success","result":"2"})")
      .reply(200, task("2", "MODAL"))
      .reply(200, task("2", "SUCCESS"));
  auto result = TaskPoller(unit.client).vary_region("1", kMask, "a fountain");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, TaskStatus::Success);
}

TEST(LingeringModal, APlainWaitStillReturnsModal) {
  UnitClient unit;
  unit.transport->reply(200, task("2", "MODAL"));
  auto result = TaskPoller(unit.client).wait("2");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, TaskStatus::Modal);
}

TEST(LingeringModal, TheWatcherWaitsThroughItForTasksAddedAfterTheirModal) {
  UnitClient unit;
  std::map<std::string, TaskStatus> done;
  WatchOptions options;
  options.on_done = [&done](const std::string& id, const Result<Task>& r) {
    if (r) done[id] = r->status;
  };
  TaskWatcher watcher(unit.client, options);
  watcher.add_after_modal("2");
  watcher.add("3");
  unit.transport->reply(200, "[" + task("2", "MODAL") + "," + task("3", "MODAL") + "]")
      .reply(200, "[" + task("2", "SUCCESS") + "]");
  EXPECT_EQ(watcher.poll_once(), 1u);  // 3 ends in MODAL; 2 does not
  EXPECT_EQ(done["3"], TaskStatus::Modal);
  EXPECT_EQ(watcher.poll_once(), 0u);
  EXPECT_EQ(done["2"], TaskStatus::Success);
}

TEST(Suggestions, FromPromptEnWithCrLfOrFromFinalPromptNumbered) {
  Task trueai;
  trueai.prompt_en = "a red fox in snow --ar 3:2\r\na fox, watercolor\r\n\r\nfox portrait\r\n";
  EXPECT_EQ(prompt_suggestions(trueai),
            (std::vector<std::string>{"a red fox in snow --ar 3:2", "a fox, watercolor",
                                      "fox portrait"}));
  Task novicezk;
  novicezk.prompt_en = "a fox";  // the prompt that ran, not the list
  novicezk.properties.final_prompt =
      "1\xEF\xB8\x8F\xE2\x83\xA3 a red fox --ar 3:2\n\n2\xEF\xB8\x8F\xE2\x83\xA3 a grey fox\n"
      "3\xEF\xB8\x8F\xE2\x83\xA3 a fox cub\n4\xEF\xB8\x8F\xE2\x83\xA3 an arctic fox";
  EXPECT_EQ(
      prompt_suggestions(novicezk),
      (std::vector<std::string>{"a red fox --ar 3:2", "a grey fox", "a fox cub", "an arctic fox"}));
  EXPECT_TRUE(prompt_suggestions(Task{}).empty());
}

TEST(TrueaiCancel, AFailureSayingCancelIsTaskFailedWithTheReason) {
  UnitClient unit;
  unit.transport->reply(200, task("1", "FAILURE", R"(,"failReason":"取消任务")"));
  auto result = TaskPoller(unit.client).wait("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TaskFailed);
  EXPECT_EQ(result.error().message, "取消任务");
  EXPECT_EQ(result.error().task_id, "1");
}

TEST(VideoButtons, AVideosU1IsNotAnImageUpscale) {
  UnitClient unit;
  unit.transport->reply(
      200,
      task(
          "1", "SUCCESS",
          R"(,"action":"VIDEO","buttons":[{"customId":"MJ::JOB::video_virtual_upscale::1::h","label":"U1"}])"));
  auto result = TaskPoller(unit.client).upscale("1", 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(unit.transport->request_count(), 1u);  // nothing was pressed
  Task video;
  video.buttons.push_back({"MJ::JOB::video_virtual_upscale::1::h", "", "U1", 2, 2});
  EXPECT_EQ(parse_custom_id(video.buttons[0].custom_id).kind, ButtonKind::Animate);
}

}  // namespace
}  // namespace cometapi
