// Error mapping: the three envelopes, HTTP statuses, transport failures, and key redaction.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace cometapi {
namespace {

using test::kKey;
using test::UnitClient;

TEST(ErrorEnvelopes, SubmitCodeNotOneAtHttp200IsApiRefused) {
  UnitClient unit;
  unit.transport->reply(200, R"({"code":3,"description":"无可用的账号实例","result":null})");
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok());
  const Error& error = result.error();
  EXPECT_EQ(error.kind, ErrorKind::ApiRefused);
  EXPECT_EQ(error.http_status, 200);
  EXPECT_EQ(error.api_code, 3);
  EXPECT_EQ(error.message, "无可用的账号实例");
  EXPECT_EQ(error.path, "/mj/submit/imagine");
  EXPECT_EQ(error.method, "POST");
  EXPECT_EQ(unit.transport->request_count(), 1u);  // a refusal is not retried
}

TEST(ErrorEnvelopes, GatewayDescriptionEnvelopeAtHttp400) {
  UnitClient unit;
  unit.transport->reply(400,
                        R"({"description":"task_no_found ","type":"upstream_error","code":4})");
  auto result = unit.client.fetch_task("1773314942177684");
  ASSERT_FALSE(result.ok());
  const Error& error = result.error();
  EXPECT_EQ(error.kind, ErrorKind::NotFound);
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.api_code, 4);
  EXPECT_EQ(error.api_type, "upstream_error");
  EXPECT_EQ(error.message, "task_no_found ");  // verbatim, trailing space included
  EXPECT_EQ(error.path, "/mj/task/1773314942177684/fetch");
  EXPECT_EQ(unit.transport->request_count(), 1u);
}

TEST(ErrorEnvelopes, OpenAiStyleErrorObjectAtHttp401) {
  UnitClient unit;
  unit.transport->reply(
      401,
      R"({"error":{"message":"无效的令牌","type":"comet_api_error","code":"invalid_api_key"}})");
  auto result = unit.client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Authentication);
  EXPECT_EQ(result.error().message, "无效的令牌");
  EXPECT_EQ(result.error().api_type, "comet_api_error/invalid_api_key");
  EXPECT_EQ(unit.transport->request_count(), 1u);  // never retry 401
}

TEST(ErrorMapping, GatewayRefusalOfASubmitIsApiRefusedWithItsDescription) {
  UnitClient unit;
  unit.transport->reply(
      400, R"({"description":"prompt_is_required","type":"comet_api_error","code":4})");
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::ApiRefused);
  EXPECT_EQ(result.error().message, "prompt_is_required");
  EXPECT_FALSE(result.error().maybe_submitted);
}

TEST(ErrorMapping, StatusesMapToKinds) {
  const std::pair<int, ErrorKind> cases[] = {
      {401, ErrorKind::Authentication}, {403, ErrorKind::PermissionDenied},
      {404, ErrorKind::NotFound},       {408, ErrorKind::Timeout},
      {429, ErrorKind::RateLimited},    {500, ErrorKind::Server},
      {502, ErrorKind::Server},         {503, ErrorKind::Server},
      {524, ErrorKind::Server},         {418, ErrorKind::ApiRefused},
  };
  for (const auto& [status, kind] : cases) {
    ClientOptions options = test::unit_options(nullptr, nullptr);
    options.retry.max_retries = 0;
    UnitClient unit(options);
    unit.transport->reply(status, R"({"error":{"message":"m","type":"comet_api_error"}})");
    auto result = unit.client.fetch_task("1");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, kind) << status;
    EXPECT_EQ(result.error().http_status, status);
    EXPECT_EQ(result.error().message, "m");
  }
}

TEST(ErrorMapping, NonJsonErrorBodyKeepsStatusAndExcerpt) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 0;
  UnitClient unit(options);
  unit.transport->reply(502, "<html><body>502 Bad Gateway</body></html>");
  auto result = unit.client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Server);
  EXPECT_NE(result.error().message.find("HTTP 502"), std::string::npos);
  EXPECT_NE(result.error().message.find("Bad Gateway"), std::string::npos);
  EXPECT_NE(result.error().body.find("<html>"), std::string::npos);
}

TEST(ErrorMapping, BannedPromptCode24) {
  UnitClient unit;
  unit.transport->reply(200, R"({"code":24,"description":"可能包含敏感词","result":null,
                                  "properties":{"promptEn":"x","bannedWord":"gore"}})");
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::BannedPrompt);
  EXPECT_EQ(result.error().api_code, 24);
  EXPECT_NE(result.error().message.find("gore"), std::string::npos);
}

TEST(ErrorMapping, MalformedJsonOnSuccessIsResponseInvalid) {
  UnitClient unit;
  unit.transport->reply(200, R"({"id":"1","status":"SUCC)");
  auto result = unit.client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::ResponseInvalid);
  EXPECT_EQ(result.error().http_status, 200);
  EXPECT_EQ(result.error().path, "/mj/task/1/fetch");
}

TEST(ErrorMapping, MalformedSubmitAnswerSaysTheJobMayExist) {
  UnitClient unit;
  unit.transport->reply(200, R"({"code":1,"descr)");
  auto result = unit.client.submit_imagine(test::imagine_request());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::ResponseInvalid);
  EXPECT_TRUE(result.error().maybe_submitted);
  EXPECT_NE(result.error().to_string().find("may have been created"), std::string::npos);
}

TEST(ErrorMapping, TransportFailuresAreConnectionOrTimeout) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 0;
  {
    UnitClient unit(options);
    unit.transport->fail(TransportFailure::NotSent, "Could not resolve host: nowhere");
    auto result = unit.client.fetch_task("1");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::Connection);
    EXPECT_EQ(result.error().http_status, 0);
    EXPECT_EQ(result.error().message, "Could not resolve host: nowhere");
  }
  {
    UnitClient unit(options);
    unit.transport->fail(TransportFailure::Timeout, "Operation timed out");
    EXPECT_EQ(unit.client.fetch_task("1").error().kind, ErrorKind::Timeout);
  }
  {
    UnitClient unit(options);
    unit.transport->fail(TransportFailure::TooLarge, "too big");
    EXPECT_EQ(unit.client.fetch_task("1").error().kind, ErrorKind::ResponseInvalid);
  }
}

TEST(ErrorRedaction, TheKeyNeverAppearsInAnError) {
  UnitClient unit;
  const std::string echoed = std::string("invalid token ") + kKey + " for user";
  unit.transport->reply(401,
                        R"({"error":{"message":")" + echoed + R"(","type":"comet_api_error"}})");
  auto result = unit.client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  const Error& error = result.error();
  EXPECT_EQ(error.message.find(kKey), std::string::npos);
  EXPECT_EQ(error.body.find(kKey), std::string::npos);
  EXPECT_EQ(error.to_string().find(kKey), std::string::npos);
  EXPECT_NE(error.message.find("[REDACTED]"), std::string::npos);
  // ... while the request itself did carry it.
  EXPECT_EQ(test::header_of(unit.transport->requests().at(0), "Authorization"),
            std::string("Bearer ") + kKey);
}

TEST(ErrorFormatting, ToStringIsOneReadableLine) {
  Error error;
  error.kind = ErrorKind::RateLimited;
  error.http_status = 429;
  error.method = "POST";
  error.path = "/mj/submit/imagine";
  error.message = "当前分组上游负载已饱和\n请稍后再试";
  error.api_code = 30;
  error.attempts = 3;
  const std::string line = error.to_string();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("RateLimited: HTTP 429 POST /mj/submit/imagine: ", 0), 0u) << line;
  EXPECT_NE(line.find("code 30"), std::string::npos);
  EXPECT_NE(line.find("3 attempts"), std::string::npos);
}

TEST(ResultType, ValueThrowsTheErrorAsException) {
  Result<int> failed = Error{ErrorKind::NotFound};
  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(static_cast<bool>(failed));
  try {
    (void)failed.value();
    FAIL() << "value() on an error must throw";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().kind, ErrorKind::NotFound);
  }
  Result<int> fine = 7;
  EXPECT_EQ(*fine, 7);
  EXPECT_EQ(failed.value_or(3), 3);
}

}  // namespace
}  // namespace cometapi
