// The wire codec: each quirk of docs/service-notes.md (Task object, Quirks) has a test here.
#include "json/codec.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace cometapi {
namespace {

using detail::decode_submit;
using detail::decode_task;
using detail::decode_task_list;
using nlohmann::json;

constexpr const char* kFetchSuccess = R"({
  "id": "1773314942177684", "action": "IMAGINE", "customId": "", "botType": "",
  "prompt": "a red fox", "promptEn": "a red fox", "description": "Submit success",
  "state": "job-7", "submitTime": 1773314942177, "startTime": 1773314943000,
  "finishTime": 1773314990000, "imageUrl": "https://api.cometapi.com/mj/image/1773314942177684",
  "videoUrl": "", "videoUrls": null, "status": "SUCCESS", "progress": "100%", "failReason": "",
  "buttons": [
    {"customId": "MJ::JOB::upsample::1::abc", "emoji": "", "label": "U1", "type": 2, "style": 2},
    {"customId": "MJ::JOB::reroll::0::abc::SOLO", "emoji": "🔄", "label": "", "type": 2, "style": 2}
  ],
  "maskBase64": "", "properties": {"finalPrompt": "a red fox --v 7", "finalZhPrompt": ""},
  "someFieldAddedLater": {"nested": [1, 2, 3]}
})";

TEST(TaskCodec, ReadsEveryFieldOfASuccessfulFetch) {
  auto task = decode_task(kFetchSuccess);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->id, "1773314942177684");
  EXPECT_EQ(task->action, "IMAGINE");
  EXPECT_EQ(task->prompt, "a red fox");
  EXPECT_EQ(task->description, "Submit success");
  EXPECT_EQ(task->state, "job-7");
  EXPECT_EQ(task->status, TaskStatus::Success);
  EXPECT_EQ(task->status_text, "SUCCESS");
  EXPECT_EQ(task->progress, 100);
  EXPECT_EQ(task->submit_time, 1773314942177);
  EXPECT_EQ(task->start_time, 1773314943000);
  EXPECT_EQ(task->finish_time, 1773314990000);
  EXPECT_EQ(task->image_url, "https://api.cometapi.com/mj/image/1773314942177684");
  EXPECT_TRUE(task->video_urls.empty());
  ASSERT_EQ(task->buttons.size(), 2u);
  EXPECT_EQ(task->buttons[0].custom_id, "MJ::JOB::upsample::1::abc");
  EXPECT_EQ(task->buttons[0].label, "U1");
  EXPECT_EQ(task->buttons[0].type, 2);
  EXPECT_EQ(task->buttons[0].style, 2);
  EXPECT_EQ(task->buttons[1].emoji, "🔄");
  EXPECT_EQ(task->properties.final_prompt, "a red fox --v 7");
  EXPECT_NE(task->properties.raw_json.find("finalZhPrompt"), std::string::npos);
  EXPECT_TRUE(task->finished());
}

TEST(TaskCodec, ProgressIsParsedFromPercentStrings) {
  const std::pair<json, int> cases[] = {
      {"45%", 45}, {"0%", 0},  {"100%", 100}, {"", 0},    {"7", 7},      {"45.6%", 45},
      {45, 45},    {12.9, 12}, {nullptr, 0},  {"abc", 0}, {"250%", 100}, {"-3%", 0},
  };
  for (const auto& [wire, expected] : cases) {
    json object = {{"id", "1"}, {"progress", wire}};
    auto task = decode_task(object.dump());
    ASSERT_TRUE(task.ok());
    EXPECT_EQ(task->progress, expected) << wire.dump();
  }
}

TEST(TaskCodec, EmptyStatusMeansNotSyncedAndUnknownStatusIsKept) {
  auto fresh = decode_task(R"({"id":"1","status":"","progress":"0%"})");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->status, TaskStatus::NotSynced);
  EXPECT_FALSE(fresh->finished());

  auto odd = decode_task(R"({"id":"1","status":"PAUSED_BY_MODERATOR"})");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->status, TaskStatus::Unknown);
  EXPECT_EQ(odd->status_text, "PAUSED_BY_MODERATOR");

  auto missing = decode_task(R"({"id":"1"})");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, TaskStatus::NotSynced);
}

TEST(TaskCodec, EveryStatusHasItsEnum) {
  const std::pair<const char*, TaskStatus> cases[] = {
      {"NOT_START", TaskStatus::NotStart}, {"SUBMITTED", TaskStatus::Submitted},
      {"MODAL", TaskStatus::Modal},        {"IN_PROGRESS", TaskStatus::InProgress},
      {"FAILURE", TaskStatus::Failure},    {"SUCCESS", TaskStatus::Success},
      {"CANCEL", TaskStatus::Cancel}};
  for (const auto& [wire, status] : cases) {
    EXPECT_EQ(parse_task_status(wire), status) << wire;
    EXPECT_STREQ(to_string(status), wire);
  }
  EXPECT_TRUE(is_terminal(TaskStatus::Failure));
  EXPECT_TRUE(is_terminal(TaskStatus::Cancel));
  EXPECT_FALSE(is_terminal(TaskStatus::Modal));
}

TEST(TaskCodec, NullsWhereListsAndObjectsAreExpected) {
  auto task = decode_task(
      R"({"id":"1","buttons":null,"videoUrls":null,"properties":null,"failReason":null,
          "imageUrl":null,"submitTime":null,"progress":null})");
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_TRUE(task->buttons.empty());
  EXPECT_TRUE(task->video_urls.empty());
  EXPECT_TRUE(task->properties.raw_json.empty());
  EXPECT_EQ(task->fail_reason, "");
  EXPECT_EQ(task->image_url, "");
  EXPECT_EQ(task->submit_time, 0);
  EXPECT_EQ(task->progress, 0);
}

TEST(TaskCodec, IdsAndTimesAsNumbersOrStrings) {
  auto task = decode_task(
      R"({"id":1773314942177684,"submitTime":"1773314942177","startTime":1.773314943e12,
          "finishTime":"","buttons":[{"customId":"x","type":"2","style":1.0}]})");
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->id, "1773314942177684");
  EXPECT_EQ(task->submit_time, 1773314942177);
  EXPECT_EQ(task->start_time, 1773314943000);
  EXPECT_EQ(task->finish_time, 0);
  ASSERT_EQ(task->buttons.size(), 1u);
  EXPECT_EQ(task->buttons[0].type, 2);
  EXPECT_EQ(task->buttons[0].style, 1);
}

TEST(TaskCodec, VideoUrlsAsObjectsOrStrings) {
  auto task = decode_task(
      R"({"id":"1","videoUrl":"https://v/0.mp4",
          "videoUrls":[{"url":"https://v/0.mp4"},"https://v/1.mp4",{"thumbnail":"t"},7]})");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->video_url, "https://v/0.mp4");
  EXPECT_EQ(task->video_urls, (std::vector<std::string>{"https://v/0.mp4", "https://v/1.mp4"}));
}

TEST(TaskCodec, FailureReportsHundredPercentButIsNotSuccess) {
  auto task = decode_task(
      R"({"id":"1","status":"FAILURE","progress":"100%","failReason":"上游任务超时（超过1小时）"})");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, TaskStatus::Failure);
  EXPECT_EQ(task->progress, 100);
  EXPECT_EQ(task->fail_reason, "上游任务超时（超过1小时）");
}

TEST(TaskCodec, MalformedAnswersAreResponseInvalid) {
  for (const char* body : {"", "{", "[1,2]", "\"text\"", "{\"action\":\"IMAGINE\"}",
                           "{\"id\":\"1\",\"status\":\"SUC"}) {
    auto task = decode_task(body);
    ASSERT_FALSE(task.ok()) << body;
    EXPECT_EQ(task.error().kind, ErrorKind::ResponseInvalid) << body;
  }
}

TEST(TaskCodec, NullTaskIsNotATask) {
  // What `null` means (no such task) is the answer mapping's to say: see answer_test.cpp.
  auto task = decode_task("null");
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::ResponseInvalid);
}

TEST(TaskCodec, ListByConditionIsAnArrayPossiblyNullOrEmpty) {
  auto tasks = decode_task_list(R"([{"id":"2","status":"SUCCESS"},{"id":"1","status":""},3])");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].id, "2");
  EXPECT_TRUE(decode_task_list("[]")->empty());
  EXPECT_TRUE(decode_task_list("null")->empty());
  EXPECT_EQ(decode_task_list("{}").error().kind, ErrorKind::ResponseInvalid);
}

TEST(SubmitCodec, ResultAsStringOrNumber) {
  auto text =
      decode_submit(R"({"code":1,"description":"Submit success","result":"1773314942177684"})");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->result, "1773314942177684");
  // Modal and describe are documented with a numeric result; ids exceed 2^32.
  auto number =
      decode_submit(R"({"code":1,"description":"Submit success","result":1773314942177684})");
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(number->result, "1773314942177684");
  EXPECT_EQ(number->code, 1);
}

TEST(SubmitCodec, PropertiesAndTheRawObject) {
  auto result = decode_submit(R"({"code":22,"description":"排队中","result":"17",
      "properties":{"numberOfQueues":3,"discordInstanceId":"1118","discordChannelId":"1118",
                    "finalPrompt":"fox --zoom 2","remix":true,"future":1}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->properties.number_of_queues, 3);
  EXPECT_EQ(result->properties.discord_instance_id, "1118");
  EXPECT_EQ(result->properties.discord_channel_id, "1118");
  EXPECT_EQ(result->properties.final_prompt, "fox --zoom 2");
  EXPECT_TRUE(result->properties.remix);
  EXPECT_NE(result->properties.raw_json.find("\"future\""), std::string::npos);

  auto bare = decode_submit(R"({"code":1,"description":"ok","result":"1","properties":null})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->properties.number_of_queues, 0);
  EXPECT_TRUE(bare->properties.raw_json.empty());
}

TEST(SubmitCodec, BannedPromptProperties) {
  auto result = decode_submit(R"({"code":24,"description":"可能包含敏感词","result":null,
      "properties":{"promptEn":"bad thing","bannedWord":"bad"}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->code, 24);
  EXPECT_EQ(result->result, "");
  EXPECT_EQ(result->properties.banned_word, "bad");
  EXPECT_EQ(result->properties.prompt_en, "bad thing");
}

TEST(SubmitCodec, NoCodeIsResponseInvalid) {
  EXPECT_EQ(decode_submit(R"({"result":"1"})").error().kind, ErrorKind::ResponseInvalid);
  EXPECT_EQ(decode_submit("[]").error().kind, ErrorKind::ResponseInvalid);
}

TEST(RequestCodec, OptionalFieldsAreLeftOutWhenUnset) {
  ActionRequest action;
  action.task_id = "1773314942177684";
  action.custom_id = "MJ::JOB::upsample::1::abc";
  json body = json::parse(detail::encode(action).value());
  EXPECT_EQ(body,
            (json{{"taskId", "1773314942177684"}, {"customId", "MJ::JOB::upsample::1::abc"}}));

  action.state = "s1";
  action.enable_remix = false;
  action.choose_same_channel = true;
  action.notify_hook = "https://example.test/hook";
  body = json::parse(detail::encode(action).value());
  EXPECT_EQ(body["state"], "s1");
  EXPECT_EQ(body["enableRemix"], false);
  EXPECT_EQ(body["chooseSameChannel"], true);
  EXPECT_EQ(body["notifyHook"], "https://example.test/hook");
  EXPECT_FALSE(body.contains("accountFilter"));
}

TEST(RequestCodec, ImagineWithEveryField) {
  ImagineRequest imagine;
  imagine.prompt = "a cat --ar 16:9";
  imagine.base64_array = {"data:image/png;base64,AAAA"};
  imagine.bot_type = BotType::NijiJourney;
  AccountFilter filter;
  filter.modes = {SpeedMode::Relax, SpeedMode::Fast};
  filter.instance_id = "i1";
  filter.remix = true;
  imagine.account_filter = filter;
  imagine.state = "st";
  json body = json::parse(detail::encode(imagine).value());
  EXPECT_EQ(body["prompt"], "a cat --ar 16:9");
  EXPECT_EQ(body["base64Array"], json::array({"data:image/png;base64,AAAA"}));
  EXPECT_EQ(body["botType"], "NIJI_JOURNEY");
  EXPECT_EQ(body["accountFilter"],
            (json{{"modes", {"RELAX", "FAST"}}, {"instanceId", "i1"}, {"remix", true}}));
  EXPECT_EQ(body["state"], "st");
  EXPECT_FALSE(body.contains("notifyHook"));

  ImagineRequest bare;
  bare.prompt = "x";
  EXPECT_EQ(json::parse(detail::encode(bare).value()), (json{{"prompt", "x"}}));
}

TEST(RequestCodec, ExtraJsonAddsFieldsButNeverReplacesTypedOnes) {
  ImagineRequest imagine;
  imagine.prompt = "x";
  imagine.extra_json = R"({"newField": [1, 2], "flag": true})";
  json body = json::parse(detail::encode(imagine).value());
  EXPECT_EQ(body["newField"], json::array({1, 2}));
  EXPECT_EQ(body["flag"], true);

  imagine.extra_json = R"({"prompt": "hijack"})";
  auto collided = detail::encode(imagine);
  ASSERT_FALSE(collided.ok());
  EXPECT_EQ(collided.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(collided.error().message.find("prompt"), std::string::npos);

  imagine.extra_json = "[1]";
  EXPECT_EQ(detail::encode(imagine).error().kind, ErrorKind::InvalidArgument);
  imagine.extra_json = "{not json";
  EXPECT_EQ(detail::encode(imagine).error().kind, ErrorKind::InvalidArgument);
}

TEST(RequestCodec, ListByConditionSendsOnlyIds) {
  EXPECT_EQ(json::parse(detail::encode_ids({"1", "2"})), (json{{"ids", {"1", "2"}}}));
}

TEST(ErrorEnvelope, AllThreeShapes) {
  auto submit =
      detail::decode_error_envelope(R"({"code":4,"description":"prompt不能为空","result":null})");
  EXPECT_TRUE(submit.recognised);
  EXPECT_EQ(submit.code, 4);
  EXPECT_EQ(submit.message, "prompt不能为空");

  auto gateway = detail::decode_error_envelope(
      R"({"description":"task_no_found ","type":"upstream_error","code":4})");
  EXPECT_EQ(gateway.message, "task_no_found ");
  EXPECT_EQ(gateway.type, "upstream_error");
  EXPECT_EQ(gateway.code, 4);

  auto openai = detail::decode_error_envelope(
      R"({"error":{"message":"Invalid token","type":"comet_api_error","code":"invalid_api_key"}})");
  EXPECT_EQ(openai.message, "Invalid token");
  EXPECT_EQ(openai.type, "comet_api_error/invalid_api_key");
  EXPECT_EQ(openai.code, 0);

  EXPECT_FALSE(detail::decode_error_envelope("<html>502 Bad Gateway</html>").recognised);
}

}  // namespace
}  // namespace cometapi

// Inputs the fuzzers found (tests/fuzz/regressions): each was undefined behaviour or a crash.
namespace cometapi {
namespace {

TEST(FuzzRegressions, HugeNumbersAreClampedNotUndefined) {
  auto task = detail::decode_task(
      R"({"id":"1","submitTime":1e19,"startTime":-1e300,"finishTime":1e300,"progress":"1e300%"})");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->submit_time, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(task->start_time, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(task->progress, 100);
  auto nan = detail::decode_task(R"({"id":"1","progress":"nan%"})");
  ASSERT_TRUE(nan.ok());
  EXPECT_EQ(nan->progress, 0);
}

TEST(FuzzRegressions, DeeplyNestedBodiesAreRefusedNotRecursedInto) {
  const std::string deep = R"({"id":"1","properties":{"a":)" + std::string(100000, '[') +
                           std::string(100000, ']') + "}}";
  auto task = detail::decode_task(deep);
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::ResponseInvalid);
  EXPECT_NE(task.error().message.find("nested"), std::string::npos);
  EXPECT_FALSE(detail::decode_submit(deep).ok());
  EXPECT_FALSE(detail::decode_error_envelope(deep).recognised);
  // Brackets inside strings do not count.
  const std::string quoted = R"({"id":"1","prompt":")" + std::string(1000, '[') + R"("})";
  EXPECT_TRUE(detail::decode_task(quoted).ok());
}

// tests/fuzz/regressions/fuzz_task_codec/list_then_nul_then_100_braces.json: nlohmann stops at the
// NUL and sees `[1473709,6]`, the depth guard saw the braces after it. Nothing but whitespace may
// follow the JSON value, so the body is refused whichever decoder reads it.
TEST(FuzzRegressions, BytesAfterTheJsonValueMakeTheBodyInvalid) {
  using namespace std::string_literals;
  const std::string body = "[1473709,6]"s + std::string(4, '\0') + std::string(100, '{');
  auto list = decode_task_list(body);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::ResponseInvalid);
  for (const std::string& trailing : {"[]\0"s, "[] x"s, "[]\0[]"s, "[][]"s}) {
    auto refused = decode_task_list(trailing);
    ASSERT_FALSE(refused.ok()) << trailing.size();
    EXPECT_EQ(refused.error().kind, ErrorKind::ResponseInvalid);
  }
  EXPECT_EQ(decode_task(R"({"id":"1"})"s + '\0').error().kind, ErrorKind::ResponseInvalid);
  EXPECT_FALSE(decode_submit(R"({"code":1,"result":"1"})"s + '\0').ok());
  EXPECT_FALSE(detail::decode_error_envelope(R"({"code":4})"s + '\0' + "{{").recognised);
  // JSON whitespace after the value is fine.
  EXPECT_TRUE(decode_task_list("[] \t\r\n").ok());
  EXPECT_TRUE(decode_task(" {\"id\":\"1\"}\n").ok());
}

TEST(FuzzRegressions, InvalidUtf8NeverThrowsWhenEncoding) {
  EXPECT_NO_THROW(detail::encode_upload({"data:image/png;base64,\xFF\xFE"}));
  ImagineRequest imagine;
  imagine.prompt = "caf\xE9";  // Latin-1, not UTF-8
  EXPECT_TRUE(detail::encode(imagine).ok());
}

}  // namespace
}  // namespace cometapi

namespace cometapi {
namespace {

TEST(RequestCodec, ImagesAreWrittenOnceYetTheBodyIsTheSameJson) {
  BlendRequest blend;
  blend.base64_array = {"data:image/png;base64,AAAA", "data:image/jpeg;base64,/9j/AA=="};
  blend.dimensions = BlendDimensions::Landscape;
  blend.state = "a \"quoted\" \"base64Array\":null state";
  const json body = json::parse(detail::encode(blend).value());
  EXPECT_EQ(body, (json{{"base64Array", blend.base64_array},
                        {"dimensions", "LANDSCAPE"},
                        {"state", *blend.state}}));
  // With extra_json, or an image JSON must escape, the ordinary path gives the same body.
  blend.extra_json = R"({"x":1})";
  EXPECT_EQ(json::parse(detail::encode(blend).value())["base64Array"], json(blend.base64_array));
  EXPECT_EQ(json::parse(detail::encode(blend).value())["x"], 1);
  ImagineRequest imagine;
  imagine.prompt = "a fox";
  imagine.base64_array = {"data:image/png;base64,AAAA"};
  imagine.state = "s";
  EXPECT_EQ(json::parse(detail::encode(imagine).value()),
            (json{{"prompt", "a fox"}, {"base64Array", imagine.base64_array}, {"state", "s"}}));
}

}  // namespace
}  // namespace cometapi
