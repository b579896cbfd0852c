// The answer mapping, shape by shape, with the exact bodies the gateway and its upstreams send:
// each through a real client over the scripted transport, so kind, flags and retries are all seen.
#include <gtest/gtest.h>

#include <type_traits>

#include "cometapi/waiting.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using test::UnitClient;

// Result<T>::value() && hands the value out by value: `for (auto& t : f().value())` is safe.
static_assert(!std::is_reference_v<decltype(std::declval<Result<std::vector<Task>>>().value())>,
              "value() && must not return a reference into the temporary");
static_assert(std::is_reference_v<decltype(std::declval<Result<Task>&>().value())>);

struct Case {
  int status;
  const char* body;
  ErrorKind kind;
  bool maybe_submitted;
  const char* message_part;
};

void expect_submit(const Case& c, std::size_t requests = 1) {
  UnitClient unit;
  for (int i = 0; i < 3; ++i) unit.transport->reply(c.status, c.body);
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok()) << c.body;
  const Error& error = result.error();
  EXPECT_EQ(error.kind, c.kind) << c.status << " " << c.body << ": " << error.to_string();
  EXPECT_EQ(error.maybe_submitted, c.maybe_submitted) << c.body;
  EXPECT_NE(error.message.find(c.message_part), std::string::npos) << error.message;
  EXPECT_EQ(unit.transport->request_count(), requests) << c.body;
}

TEST(Answer, QueueFullIsRateLimitedAtEveryStatusAndNotRetried) {
  for (int status : {200, 400}) {
    expect_submit({status, R"({"code":23,"description":"队列已满，请稍后尝试","result":null})",
                   ErrorKind::RateLimited, false, "队列已满"});
    // trueai says queue full with code 9.
    expect_submit({status,
                   R"({"code":9,"description":"提交失败，队列已满，请稍后重试","result":null})",
                   ErrorKind::RateLimited, false, "队列已满"});
  }
}

TEST(Answer, TheCodeFiveFamilyMeansTheJobMayExist) {
  for (const char* description :
       {"do_request_failed", "read_response_body_failed", "unmarshal_response_body_failed",
        "empty_response_body", "close_request_body_failed", "close_response_body_failed"}) {
    const std::string body = std::string(R"({"description":")") + description +
                             R"( ","type":"upstream_error","code":5})";
    // A submit: Server, maybe submitted, and never sent again on its own.
    expect_submit({400, body.c_str(), ErrorKind::Server, true, description});
    // A read: the same answer is worth another try.
    UnitClient unit;
    for (int i = 0; i < 3; ++i) unit.transport->reply(400, body);
    auto task = unit.client.fetch_task("1");
    ASSERT_FALSE(task.ok());
    EXPECT_EQ(task.error().kind, ErrorKind::Server);
    EXPECT_EQ(unit.transport->request_count(), 3u) << description;
  }
}

TEST(Answer, TrueaiEnvelopeGivesItsMessage) {
  expect_submit(
      {200, R"({"success":false,"code":-1,"message":"服务暂不可用，请联系管理员","data":null})",
       ErrorKind::ApiRefused, false, "服务暂不可用，请联系管理员"});
}

TEST(Answer, NotFoundOnASubmitIsARefusalNotAnUnknownTask) {
  expect_submit({404, R"({"status":404,"error":"Not Found","path":"/mj/submit/imagine"})",
                 ErrorKind::ApiRefused, false, "Not Found"});
  expect_submit({404, R"({"code":3,"description":"关联任务不存在或已失效","result":null})",
                 ErrorKind::ApiRefused, false, "关联任务不存在或已失效"});
}

TEST(Answer, HtmlAtHttp200NamesTheBaseUrlAndIsNotMaybeSubmitted) {
  const char* page = "<!doctype html><html><head><title>New API</title></head></html>";
  expect_submit({200, page, ErrorKind::ResponseInvalid, false, "https://api.example.test/mj/"});
  // A wait gives up at once: the wrong address does not become right.
  UnitClient unit;
  for (int i = 0; i < 5; ++i) unit.transport->reply(200, page, {{"content-type", "text/html"}});
  auto waited = TaskPoller(unit.client).wait("1");
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().kind, ErrorKind::ResponseInvalid);
  EXPECT_NE(waited.error().message.find("base URL"), std::string::npos);
  EXPECT_EQ(unit.transport->request_count(), 1u);
}

TEST(Answer, UnknownCustomIdAndGatewayPanicAreRefusals) {
  UnitClient unit;
  unit.transport->reply(
      400,
      R"({"error":{"message":"Invalid request, unknown_action:MJ::JOB::bogus::1::h","type":"new_api_error","code":"invalid_request"}})");
  ActionRequest action;
  action.task_id = "1";
  action.custom_id = "MJ::JOB::bogus::1::h";
  auto refused = unit.client.submit_action(action);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::ApiRefused);
  EXPECT_NE(refused.error().message.find("unknown_action"), std::string::npos);

  unit.transport->reply(
      500,
      R"({"error":{"message":"new_api_panic","type":"new_api_panic","code":"new_api_panic"}})");
  action.custom_id = "MJ::bogus";
  auto panic = unit.client.submit_action(action);
  ASSERT_FALSE(panic.ok());
  EXPECT_EQ(panic.error().kind, ErrorKind::ApiRefused);
  EXPECT_FALSE(panic.error().maybe_submitted);
  EXPECT_EQ(unit.transport->request_count(), 2u);  // neither was sent twice
}

TEST(Answer, ExhaustedQuotaIsToldApartFromAWrongKey) {
  expect_submit({401, R"({"error":{"message":"该令牌额度已用尽","type":"comet_api_error"}})",
                 ErrorKind::QuotaExhausted, false, "top up"});
  expect_submit({401, R"({"error":{"message":"无效的令牌","type":"comet_api_error"}})",
                 ErrorKind::Authentication, false, "无效的令牌"});
}

TEST(Answer, GatewaysOwnEmptyBody429IsRetriedWithBackoff) {
  UnitClient unit;
  unit.transport->reply(429, "").reply(429, "").reply(429, "");
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::RateLimited);
  EXPECT_NE(result.error().message.find("rate limited"), std::string::npos);
  EXPECT_EQ(unit.transport->request_count(), 3u);  // safe: nothing was created
  ASSERT_EQ(unit.sleeps().size(), 2u);
  EXPECT_GE(unit.sleeps()[0].count(), 375);  // the computed backoff, no Retry-After to follow
}

TEST(Answer, NullTaskIsNotFoundAndNamesTheTask) {
  UnitClient unit;
  unit.transport->reply(200, "null");
  auto task = unit.client.fetch_task("1773314942177684");
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::NotFound);
  EXPECT_EQ(task.error().task_id, "1773314942177684");
}

TEST(Answer, BannedPromptNamesTheWordAtEveryStatus) {
  for (int status : {200, 400}) {
    expect_submit(
        {status,
         R"({"code":24,"description":"可能包含敏感词","properties":{"promptEn":"gore","bannedWord":"gore"}})",
         ErrorKind::BannedPrompt, false, "banned word: gore"});
  }
}

}  // namespace
}  // namespace cometapi
