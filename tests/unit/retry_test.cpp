// Retries, backoff and the idempotency gate (docs/retries.md, ADR 0002). No test sleeps: sleeps are
// recorded.
#include <gtest/gtest.h>

#include "api/retry_after.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using std::chrono::milliseconds;
using test::kSubmitOk;
using test::UnitClient;
using TF = TransportFailure;

constexpr const char* kTask = R"({"id":"1","status":"SUCCESS","progress":"100%"})";

void expect_backoff(milliseconds slept, long long nominal) {
  // min(0.5 s * 2^n, 8 s) * (1 - 0.25 U): within [75%, 100%] of the nominal delay.
  EXPECT_GE(slept.count(), nominal * 3 / 4);
  EXPECT_LE(slept.count(), nominal);
}

TEST(Retry, ReadIsRetriedOn5xxAndSucceeds) {
  UnitClient unit;
  unit.transport->reply(503, "").reply(200, kTask);
  auto task = unit.client.fetch_task("1");
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(unit.transport->request_count(), 2u);
  ASSERT_EQ(unit.sleeps().size(), 1u);
  expect_backoff(unit.sleeps().at(0), 500);
}

TEST(Retry, ReadGivesUpAfterMaxRetriesWithAttemptsRecorded) {
  UnitClient unit;
  unit.transport->reply(500, "").reply(502, "").reply(504, "").reply(200, kTask);
  auto task = unit.client.fetch_task("1");
  ASSERT_FALSE(task.ok());
  EXPECT_EQ(task.error().kind, ErrorKind::Server);
  EXPECT_EQ(task.error().http_status, 504);
  EXPECT_EQ(task.error().attempts, 3);
  EXPECT_EQ(unit.transport->request_count(), 3u);
  ASSERT_EQ(unit.sleeps().size(), 2u);
  expect_backoff(unit.sleeps().at(0), 500);
  expect_backoff(unit.sleeps().at(1), 1000);
}

TEST(Retry, ReadIsRetriedOnTimeoutsDropsAnd408) {
  UnitClient unit;
  unit.transport->fail(TF::Timeout).fail(TF::Dropped).reply(200, kTask);
  EXPECT_TRUE(unit.client.fetch_task("1").ok());
  EXPECT_EQ(unit.transport->request_count(), 3u);

  UnitClient other;
  other.transport->reply(408, "").reply(200, kTask);
  EXPECT_TRUE(other.client.fetch_task("1").ok());
  EXPECT_EQ(other.transport->request_count(), 2u);
}

TEST(Retry, ClientErrorsAreNeverRetried) {
  for (int status : {400, 401, 403, 404}) {
    UnitClient unit;
    unit.transport->reply(status, R"({"description":"x","type":"t","code":4})").reply(200, kTask);
    EXPECT_FALSE(unit.client.fetch_task("1").ok()) << status;
    EXPECT_EQ(unit.transport->request_count(), 1u) << status;
    EXPECT_TRUE(unit.sleeps().empty());
  }
}

TEST(IdempotencyGate, SubmitIsNotRetriedAfterA5xx) {
  UnitClient unit;
  unit.transport->reply(502, "bad gateway").reply(200, kSubmitOk);
  auto result = unit.client.submit_imagine(test::imagine_request("a fox", "job-1"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Server);
  EXPECT_TRUE(result.error().maybe_submitted);
  EXPECT_EQ(result.error().attempts, 1);
  EXPECT_EQ(unit.transport->request_count(), 1u);
  EXPECT_NE(result.error().to_string().find("may have been created"), std::string::npos);
}

TEST(IdempotencyGate, SubmitIsNotRetriedAfterATimeoutOrADroppedConnection) {
  for (TF failure : {TF::Timeout, TF::Dropped}) {
    UnitClient unit;
    unit.transport->fail(failure).reply(200, kSubmitOk);
    auto result = unit.client.submit_imagine(test::imagine_request("a fox", "job-1"));
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error().maybe_submitted);
    EXPECT_EQ(unit.transport->request_count(), 1u);
  }
}

TEST(IdempotencyGate, SubmitIsRetriedWhenTheRequestNeverLeft) {
  UnitClient unit;
  unit.transport->fail(TF::NotSent, "Failed to connect").reply(200, kSubmitOk);
  auto result = unit.client.submit_imagine(test::imagine_request("a fox", "job-1"));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->result, "1773314942177684");
  EXPECT_EQ(unit.transport->request_count(), 2u);
}

TEST(IdempotencyGate, SubmitIsRetriedOn429HonouringRetryAfterSeconds) {
  UnitClient unit;
  unit.transport
      ->reply(429, R"({"description":"当前分组上游负载已饱和","type":"comet_api_error","code":30})",
              {{"retry-after", "2"}})
      .reply(200, kSubmitOk);
  auto result = unit.client.submit_imagine(test::imagine_request("a fox", "job-1"));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(unit.transport->request_count(), 2u);
  ASSERT_EQ(unit.sleeps().size(), 1u);
  EXPECT_EQ(unit.sleeps().at(0), milliseconds(2000));
  // Both attempts carried the same body: one job, asked for twice only because the first was
  // refused.
  EXPECT_EQ(unit.transport->requests()[0].body, unit.transport->requests()[1].body);
}

TEST(IdempotencyGate, OptInRetriesAmbiguousSubmits) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.retry_ambiguous_submits = true;
  UnitClient unit(options);
  unit.transport->reply(503, "").fail(TF::Dropped).reply(200, kSubmitOk);
  auto result = unit.client.submit_imagine(test::imagine_request("a fox", "job-1"));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(unit.transport->request_count(), 3u);
}

TEST(RetryAfter, MillisecondsHeaderWinsOverSeconds) {
  UnitClient unit;
  unit.transport->reply(429, "", {{"retry-after-ms", "250"}, {"retry-after", "9"}})
      .reply(200, kTask);
  ASSERT_TRUE(unit.client.fetch_task("1").ok());
  ASSERT_EQ(unit.sleeps().size(), 1u);
  EXPECT_EQ(unit.sleeps().at(0), milliseconds(250));
}

TEST(RetryAfter, HttpDateIsRelativeToNow) {
  HttpResponse response;
  response.headers = {{"retry-after", "Sun, 29 Nov 2026 12:00:30 GMT"}};
  std::tm tm{};
  strptime("Sun, 29 Nov 2026 12:00:00", "%a, %d %b %Y %H:%M:%S", &tm);
  const auto now = std::chrono::system_clock::from_time_t(timegm(&tm));
  EXPECT_EQ(detail::retry_after_from(response, now), milliseconds(30000));
  // A date in the past means "now".
  response.headers = {{"retry-after", "Sun, 29 Nov 2026 11:00:00 GMT"}};
  EXPECT_EQ(detail::retry_after_from(response, now), milliseconds(0));
  response.headers = {{"retry-after", "soon"}};
  EXPECT_EQ(detail::retry_after_from(response, now), std::nullopt);
}

TEST(RetryAfter, TooLongAWaitFallsBackToBackoff) {
  UnitClient unit;
  unit.transport->reply(503, "", {{"retry-after", "3600"}}).reply(200, kTask);
  ASSERT_TRUE(unit.client.fetch_task("1").ok());
  ASSERT_EQ(unit.sleeps().size(), 1u);
  expect_backoff(unit.sleeps().at(0), 500);
}

TEST(RetryAfter, RecordedInTheErrorWhenRetriesRunOut) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 0;
  UnitClient unit(options);
  unit.transport->reply(429, "", {{"retry-after", "7"}});
  auto result = unit.client.fetch_task("1");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::RateLimited);
  EXPECT_EQ(result.error().retry_after, milliseconds(7000));
}

TEST(Backoff, GrowsAndIsCappedAtMaxBackoff) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 6;
  UnitClient unit(options);
  for (int i = 0; i < 7; ++i) unit.transport->reply(503, "");
  EXPECT_FALSE(unit.client.fetch_task("1").ok());
  ASSERT_EQ(unit.sleeps().size(), 6u);
  const long long nominal[] = {500, 1000, 2000, 4000, 8000, 8000};
  for (int i = 0; i < 6; ++i) expect_backoff(unit.sleeps().at(i), nominal[i]);
}

TEST(Backoff, JitterVaries) {
  // With a per-client RNG the delays should not all be equal across many retries.
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 20;
  options.retry.max_backoff = milliseconds(500);
  UnitClient unit(options);
  for (int i = 0; i < 21; ++i) unit.transport->reply(503, "");
  EXPECT_FALSE(unit.client.fetch_task("1").ok());
  ASSERT_EQ(unit.sleeps().size(), 20u);
  bool varied = false;
  for (const auto& d : unit.sleeps()) varied = varied || d != unit.sleeps().front();
  EXPECT_TRUE(varied);
}

TEST(Retry, DisabledWithZeroRetries) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.retry.max_retries = 0;
  UnitClient unit(options);
  unit.transport->reply(503, "").reply(200, kTask);
  EXPECT_FALSE(unit.client.fetch_task("1").ok());
  EXPECT_EQ(unit.transport->request_count(), 1u);
}

}  // namespace
}  // namespace cometapi

namespace cometapi {
namespace {

TEST(RetryAfter, AbsurdValuesAreClampedToAWeek) {
  const auto now = std::chrono::system_clock::now();
  const std::chrono::milliseconds week(7LL * 24 * 3600 * 1000);
  for (const auto& header : std::vector<std::pair<std::string, std::string>>{
           {"retry-after-ms", "1e300"},
           {"retry-after", "1e300"},
           {"retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"}}) {
    HttpResponse response;
    response.headers = {header};
    EXPECT_EQ(detail::retry_after_from(response, now), week) << header.second;
  }
  HttpResponse past;
  past.headers = {{"retry-after", "Wed, 21 Oct 1007 07:28:00 GMT"}};
  EXPECT_EQ(detail::retry_after_from(past, now), std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace cometapi
