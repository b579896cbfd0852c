// The gateway's quirks (the task object's nulls and empty strings, and the known pitfalls), each
// pinned down.
#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

const char* const kTaskKeys[] = {
    "id",     "action",     "customId",   "botType",    "prompt",     "promptEn",  "description",
    "state",  "submitTime", "startTime",  "finishTime", "imageUrl",   "videoUrl",  "videoUrls",
    "status", "progress",   "failReason", "buttons",    "maskBase64", "properties"};

TEST_F(SimTest, TaskObjectHasEveryGatewayFieldAndStringsAreNeverNull) {
  const std::string id = imagine("fields");
  for (int phase = 0; phase < 4; ++phase) {
    const json t = fetch(id);
    for (const char* key : kTaskKeys) EXPECT_TRUE(t.contains(key)) << key;
    for (const char* key :
         {"id", "action", "customId", "botType", "prompt", "promptEn", "description", "state",
          "imageUrl", "videoUrl", "status", "progress", "failReason", "maskBase64"}) {
      EXPECT_TRUE(t[key].is_string()) << key << " in " << t.dump();
    }
    for (const char* key : {"submitTime", "startTime", "finishTime"}) {
      EXPECT_TRUE(t[key].is_number_integer()) << key;
    }
    EXPECT_EQ(t["customId"], "");  // never filled in fetch
    EXPECT_EQ(t["botType"], "");
    EXPECT_EQ(t["maskBase64"], "");
    server_->advance(600ms);
  }
}

TEST_F(SimTest, NullsWhereTheGatewaySendsThem) {
  const std::string id = imagine("nulls");
  json t = fetch(id);
  EXPECT_TRUE(t["buttons"].is_null());
  EXPECT_TRUE(t["properties"].is_null());
  EXPECT_TRUE(t["videoUrls"].is_null());
  server_->advance(700ms);
  t = fetch(id);
  EXPECT_TRUE(t["buttons"].is_null());  // still running
  EXPECT_TRUE(t["properties"].is_object());
  finish();
  t = fetch(id);
  EXPECT_TRUE(t["buttons"].is_array());
  EXPECT_TRUE(t["videoUrls"].is_null());  // not a video
}

TEST_F(SimTest, UnknownExtraFieldsAreSentAndCanBeTurnedOff) {
  const Answer a = post("/mj/submit/imagine", json{{"prompt", "extra"}});
  EXPECT_TRUE(a.body_json().contains("extraField"));
  EXPECT_TRUE(fetch(result_id(a.body_json())).contains("extraField"));
  auto options = manual_options();
  options.extra_fields = false;
  restart(options);
  const Answer b = post("/mj/submit/imagine", json{{"prompt", "extra"}});
  EXPECT_FALSE(b.body_json().contains("extraField"));
  EXPECT_FALSE(fetch(result_id(b.body_json())).contains("extraField"));
}

TEST_F(SimTest, ResultIsAStringOrANumberDependingOnTheEndpoint) {
  const json imagine_answer = post("/mj/submit/imagine", json{{"prompt", "r"}}).body_json();
  EXPECT_TRUE(imagine_answer["result"].is_string());
  const json describe_answer =
      post("/mj/submit/describe", json{{"link", "https://example.com/x.png"}}).body_json();
  EXPECT_TRUE(describe_answer["result"].is_number());
  // Ids are above 2^32: a client must not squeeze them into 32 bits.
  EXPECT_GT(describe_answer["result"].get<std::uint64_t>(), 4294967296ull);
}

TEST_F(SimTest, SubmitAnswerHasTheDocumentedShape) {
  const json j = post("/mj/submit/imagine", json{{"prompt", "shape"}}).body_json();
  EXPECT_EQ(j["code"], 1);
  EXPECT_EQ(j["description"], "Submit success");
  EXPECT_EQ(j["properties"]["discordInstanceId"], j["properties"]["discordChannelId"]);
  // The task's description is the submit answer's description.
  EXPECT_EQ(fetch(result_id(j))["description"], "Submit success");
}

TEST_F(SimTest, FailureIsForcedToOneHundredPercent) {
  server_->fail_prompt("boom");
  const std::string id = imagine("boom");
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "FAILURE");
  EXPECT_EQ(t["progress"], "100%");
  EXPECT_FALSE(t["failReason"].get<std::string>().empty());
}

TEST_F(SimTest, ThreeErrorEnvelopes) {
  // 1. HTTP 200 with code != 1.
  Answer a = post("/mj/submit/imagine", json{{"prompt", "bannedword"}});
  EXPECT_EQ(a.status, 200);
  EXPECT_NE(a.body_json()["code"], 1);
  // 2. The gateway's own body at HTTP 400, with the trailing space.
  a = get("/mj/task/1234567890123456/fetch");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, R"({"description":"task_no_found ","type":"upstream_error","code":4})");
  // 3. The OpenAI-style body for a bad key, and for 5xx.
  a = get("/mj/task/1234567890123456/fetch", "sk-nope");
  EXPECT_EQ(a.status, 401);
  const json e = a.body_json();
  EXPECT_TRUE(e["error"]["message"].is_string());
  EXPECT_EQ(e["error"]["type"], "comet_api_error");
  EXPECT_TRUE(e["error"]["code"].is_string());
  server_->fail_next("/mj/task", cometapi::testing::FaultKind::InternalError);
  a = get("/mj/task/1234567890123456/fetch");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body_json()["error"]["type"], "comet_api_error");
}

TEST_F(SimTest, FetchContentTypeIsJson) {
  const std::string id = imagine("ct");
  // With the charset, as Gin sends it; a bare "application/json" would make cpp-httplib compress
  // every answer, which costs more than the request itself on loopback.
  EXPECT_EQ(get("/mj/task/" + id + "/fetch").content_type, "application/json; charset=utf-8");
  EXPECT_EQ(post("/mj/submit/imagine", json{{"prompt", "ct"}}).content_type,
            "application/json; charset=utf-8");
}

}  // namespace
}  // namespace simtest
