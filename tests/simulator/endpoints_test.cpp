// Requirement 4 (endpoints and the gateway's refusals) and requirement 5 (isolation).
#include <regex>

#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

const std::string kPng = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";

json gateway(const std::string& description) {
  return json{{"description", description + " "}, {"type", "upstream_error"}, {"code", 4}};
}

TEST_F(SimTest, ImagineRefusals) {
  Answer a = post("/mj/submit/imagine", json{{"prompt", ""}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("prompt_is_required"));
  a = post("/mj/submit/imagine", json::object());
  EXPECT_EQ(a.body_json(), gateway("prompt_is_required"));
  // Blank passes the gateway's == "" check and is refused upstream: HTTP 200, code 4.
  a = post("/mj/submit/imagine", json{{"prompt", "   "}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  EXPECT_TRUE(a.body_json()["result"].is_null());
  a = post_raw("/mj/submit/imagine", "{not json", {{"Authorization", "Bearer sk-test"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("bind_request_body_failed"));
  a = post("/mj/submit/imagine", json{{"prompt", 42}});  // Go cannot bind a number to a string
  EXPECT_EQ(a.body_json(), gateway("bind_request_body_failed"));
  a = post("/mj/submit/imagine", json{{"prompt", "x"}, {"base64Array", {"not a data uri"}}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/imagine", json{{"prompt", "x"}, {"base64Array", {kPng}}});
  EXPECT_EQ(a.body_json()["code"], 1);
  EXPECT_EQ(server_->tasks_created(), 1);
}

TEST_F(SimTest, BannedWordsAnswerCode24) {
  Answer a = post("/mj/submit/imagine", json{{"prompt", "A BannedWord in here"}});
  EXPECT_EQ(a.status, 200);
  json j = a.body_json();
  EXPECT_EQ(j["code"], 24);
  EXPECT_EQ(j["properties"]["promptEn"], "A BannedWord in here");
  EXPECT_EQ(j["properties"]["bannedWord"], "bannedword");
  EXPECT_FALSE(j.contains("result"));
  server_->ban_word("Volcano");
  j = post("/mj/submit/imagine", json{{"prompt", "a volcano erupting"}}).body_json();
  EXPECT_EQ(j["code"], 24);
  EXPECT_EQ(j["properties"]["bannedWord"], "volcano");
  j = post("/mj/submit/shorten", json{{"prompt", "volcano"}}).body_json();
  EXPECT_EQ(j["code"], 24);
  EXPECT_EQ(server_->tasks_created(), 0);
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(SimTest, QueuePositionShowsAsNumberOfQueues) {
  for (int i = 0; i < 3; ++i) {
    const json j = post("/mj/submit/imagine", json{{"prompt", "q"}}).body_json();
    EXPECT_FALSE(j["properties"].contains("numberOfQueues")) << j.dump();
  }
  json j = post("/mj/submit/imagine", json{{"prompt", "q"}}).body_json();
  EXPECT_EQ(j["code"], 1);  // 22 rewritten by the gateway
  EXPECT_EQ(j["properties"]["numberOfQueues"], 1);
  j = post("/mj/submit/imagine", json{{"prompt", "q"}}).body_json();
  EXPECT_EQ(j["properties"]["numberOfQueues"], 2);
  EXPECT_EQ(j["description"], "排队中，前面还有2个任务");
  // Another key has its own queue.
  j = post("/mj/submit/imagine", json{{"prompt", "q"}}, kOtherKey).body_json();
  EXPECT_FALSE(j["properties"].contains("numberOfQueues"));
  finish();
  j = post("/mj/submit/imagine", json{{"prompt", "q"}}).body_json();
  EXPECT_FALSE(j["properties"].contains("numberOfQueues"));
}

TEST_F(SimTest, BlendTakesTwoToFiveImagesAndDimensions) {
  Answer a = post("/mj/submit/blend", json{{"base64Array", {kPng}}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/blend", json{{"base64Array", std::vector<std::string>(6, kPng)}});
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/blend", json{{"base64Array", {kPng, "nope"}}});
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/blend", json{{"base64Array", {kPng, kPng}}, {"dimensions", "ROUND"}});
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/blend", json{{"base64Array", {kPng, kPng}}, {"dimensions", "PORTRAIT"}});
  ASSERT_EQ(a.body_json()["code"], 1) << a.body;
  const std::string id = result_id(a.body_json());
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["action"], "BLEND");
  EXPECT_EQ(t["prompt"], "");
  EXPECT_EQ(t["buttons"].size(), 9u);
  // A portrait blend is served taller than wide (PNG IHDR: width at 16, height at 20).
  const Answer img = get("/mj/image/" + id, "");
  ASSERT_GE(img.body.size(), 24u);
  EXPECT_EQ(static_cast<unsigned char>(img.body[19]), 128);
  EXPECT_EQ(static_cast<unsigned char>(img.body[23]), 192);
  EXPECT_EQ(server_->tasks_created(), 1);
}

TEST_F(SimTest, DescribeAnswersANumberAndFourSuggestions) {
  Answer a = post("/mj/submit/describe", json::object());
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/describe", json{{"link", "https://example.com/cat.png"}});
  ASSERT_EQ(a.body_json()["code"], 1);
  EXPECT_TRUE(a.body_json()["result"].is_number_unsigned()) << a.body;
  a = post("/mj/submit/describe", json{{"base64", kPng}});
  ASSERT_TRUE(a.body_json()["result"].is_number_unsigned());
  const std::string id = result_id(a.body_json());
  EXPECT_EQ(fetch(id)["promptEn"], "");
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["action"], "DESCRIBE");
  // novicezk (the default flavour): the suggestions are in properties.finalPrompt only.
  EXPECT_EQ(t["promptEn"], "");
  const std::string text = t["properties"]["finalPrompt"];
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
  EXPECT_EQ(text.rfind("1️⃣ ", 0), 0u) << text;
  // Its buttons exist but the gateway cannot parse them.
  const Answer pick = press(id, "1");
  EXPECT_EQ(pick.status, 400);
  EXPECT_NE(pick.body_json()["error"]["message"].get<std::string>().find("unknown_action:"),
            std::string::npos)
      << pick.body;
}

TEST_F(SimTest, ShortenNeedsAPromptAndGivesFiveLines) {
  Answer a = post("/mj/submit/shorten", json{{"prompt", ""}});
  EXPECT_EQ(a.status, 200);  // the gateway checks the prompt of imagine only
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/shorten", json{{"prompt", "a very long prompt about a fox in a wood"}});
  const std::string id = result_id(a.body_json());
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["action"], "SHORTEN");
  EXPECT_EQ(t["promptEn"], "");  // through the gateway, only properties.finalPrompt has them
  const std::string text = t["properties"]["finalPrompt"];
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_EQ(t["imageUrl"], "");
}

TEST_F(SimTest, VideoFromAnImageAndExtend) {
  Answer a = post("/mj/submit/video", json{{"motion", "low"}});
  EXPECT_EQ(a.body_json()["code"], 4);  // image missing
  a = post("/mj/submit/video", json{{"image", "https://example.com/a.png"}, {"motion", "wild"}});
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/video", json{{"image", "https://example.com/a.png"},
                                    {"motion", "high"},
                                    {"prompt", "waves"},
                                    {"batchSize", 2}});
  ASSERT_EQ(a.body_json()["code"], 1) << a.body;
  EXPECT_EQ(a.body_json()["properties"]["prompt"], "waves");
  const std::string id = result_id(a.body_json());
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["action"], "VIDEO");
  ASSERT_TRUE(t["videoUrls"].is_array());
  EXPECT_EQ(t["videoUrls"].size(), 2u);
  EXPECT_EQ(t["videoUrl"], t["videoUrls"][0]["url"]);
  const std::string url = t["videoUrl"];
  const Answer mp4 = get(url.substr(server_->base_url().size()), "");
  EXPECT_EQ(mp4.status, 200);
  EXPECT_EQ(mp4.content_type, "video/mp4");
  EXPECT_EQ(mp4.body.substr(4, 4), "ftyp");

  a = post("/mj/submit/video", json{{"action", "extend"}, {"index", 0}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json()["description"], "task_id_is_required ");
  a = post("/mj/submit/video", json{{"action", "extend"}, {"taskId", id}, {"index", 5}});
  EXPECT_EQ(a.body_json()["code"], 4);
  a = post("/mj/submit/video", json{{"action", "extend"}, {"taskId", id}, {"index", 1}});
  ASSERT_EQ(a.body_json()["code"], 1) << a.body;
  const std::string extended = result_id(a.body_json());
  EXPECT_EQ(server_->task(extended)->parent_id, id);
  EXPECT_EQ(fetch(extended)["prompt"], "waves");
  EXPECT_TRUE(fetch(extended)["videoUrls"].is_null());  // null until it has videos
}

TEST_F(SimTest, EditsNeedPromptAndImage) {
  EXPECT_EQ(post("/mj/submit/edits", json{{"image", kPng}}).body_json()["code"], 4);
  EXPECT_EQ(post("/mj/submit/edits", json{{"prompt", "sky"}}).body_json()["code"], 4);
  const Answer a = post("/mj/submit/edits", json{{"prompt", "make the sky red"}, {"image", kPng}});
  ASSERT_EQ(a.body_json()["code"], 1);
  finish();
  const json t = fetch(result_id(a.body_json()));
  EXPECT_EQ(t["action"], "EDITS");
  EXPECT_EQ(t["status"], "SUCCESS");
}

TEST_F(SimTest, UploadAnswersAnArrayOfServedUrls) {
  EXPECT_EQ(post("/mj/submit/upload-discord-images", json::object()).body_json()["code"], 4);
  const std::string gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
  const Answer a =
      post("/mj/submit/upload-discord-images", json{{"base64Array", {kPng, gif}}, {"state", "up"}});
  const json j = a.body_json();
  ASSERT_EQ(j["code"], 1) << a.body;
  ASSERT_TRUE(j["result"].is_array());
  ASSERT_EQ(j["result"].size(), 2u);
  const std::string url = j["result"][1];
  EXPECT_TRUE(
      std::regex_match(url, std::regex(server_->base_url() + "/attachments/[0-9a-f]+\\.gif")))
      << url;
  const Answer file = get(url.substr(server_->base_url().size()), "");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.content_type, "image/gif");
  EXPECT_EQ(file.body.substr(0, 6), "GIF89a");
  EXPECT_EQ(server_->submits_with_state("up"), 1);
  EXPECT_EQ(server_->tasks_created(), 0);
}

TEST_F(SimTest, FaceSwapNeedsBothImages) {
  Answer a = post("/mj/insight-face/swap", json{{"sourceBase64", kPng}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("sour_base64_and_target_base64_is_required"));
  a = post("/mj/insight-face/swap", json{{"sourceBase64", kPng}, {"targetBase64", kPng}});
  ASSERT_EQ(a.body_json()["code"], 1);
  finish();
  const json t = fetch(result_id(a.body_json()));
  EXPECT_EQ(t["action"], "SWAP_FACE");
  EXPECT_EQ(t["prompt"], "InsightFace");
  EXPECT_EQ(t["status"], "SUCCESS");
  EXPECT_TRUE(t["buttons"].is_null());
}

TEST_F(SimTest, ImageSeedOnceFinished) {
  const std::string id = imagine("seeded");
  Answer a = get("/mj/task/" + id + "/image-seed");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  finish();
  a = get("/mj/task/" + id + "/image-seed");
  EXPECT_EQ(a.body_json()["code"], 1);
  EXPECT_TRUE(
      std::regex_match(a.body_json()["result"].get<std::string>(), std::regex("[1-9][0-9]{9}")));
  a = get("/mj/task/1234567890123456/image-seed");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("task_no_found"));
}

TEST_F(SimTest, ImageBytesNeedNoKey) {
  const std::string id = imagine("pixels");
  Answer a = get("/mj/image/" + id, "");
  EXPECT_EQ(a.status, 500);  // no upstream image yet
  EXPECT_EQ(a.body_json(), json({{"error", "http_get_image_failed"}}));
  server_->advance(700ms);
  a = get("/mj/image/" + id, "");  // a preview while in progress
  EXPECT_EQ(a.status, 200);
  finish();
  a = get("/mj/image/" + id, "");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "image/png");
  EXPECT_EQ(a.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  a = get("/mj/image/1234567890123456", "");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), json({{"error", "midjourney_task_not_found"}}));
}

TEST_F(SimTest, ListByConditionDropsUnknownAndForeignIdsAndShufflesOrder) {
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(imagine("mine " + std::to_string(i)));
  const std::string theirs = imagine("theirs", kOtherKey);
  json ids = mine;
  ids.push_back(theirs);
  ids.push_back("9999999999999999");
  ids.push_back(mine[0]);  // duplicates come back once
  const Answer a = post("/mj/task/list-by-condition", json{{"ids", ids}});
  ASSERT_EQ(a.status, 200);
  const json list = a.body_json();
  ASSERT_TRUE(list.is_array());
  std::vector<std::string> got;
  for (const json& t : list) got.push_back(t["id"]);
  EXPECT_NE(got, mine);  // never the order asked for
  std::vector<std::string> sorted_got = got, sorted_mine = mine;
  std::sort(sorted_got.begin(), sorted_got.end());
  std::sort(sorted_mine.begin(), sorted_mine.end());
  EXPECT_EQ(sorted_got, sorted_mine);
  EXPECT_EQ(list[0]["status"], "");  // the same task objects as fetch

  EXPECT_EQ(post("/mj/task/list-by-condition", json{{"ids", json::array()}}).body_json(),
            json::array());
  EXPECT_EQ(post("/mj/task/list-by-condition", json::object()).body_json(), json::array());
  const Answer bad = post("/mj/task/list-by-condition", json{{"ids", "not-a-list"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body_json(), gateway("do_request_failed"));
}

TEST_F(SimTest, ModePrefixesServeEveryEndpoint) {
  for (const std::string mode : {"fast", "relax", "turbo"}) {
    const std::string prefix = "/mj-" + mode;
    const Answer a = post(prefix + "/mj/submit/imagine", json{{"prompt", "mode " + mode}});
    ASSERT_EQ(a.status, 200) << prefix;
    const std::string id = result_id(a.body_json());
    EXPECT_EQ(server_->task(id)->mode, mode);
    EXPECT_EQ(server_->last_request()->mode, mode);
    finish();
    EXPECT_EQ(get(prefix + "/mj/task/" + id + "/fetch").body_json()["status"], "SUCCESS");
    EXPECT_EQ(post(prefix + "/mj/task/list-by-condition", json{{"ids", {id}}}).body_json().size(),
              1u);
    EXPECT_EQ(get(prefix + "/mj/task/" + id + "/image-seed").body_json()["code"], 1);
    EXPECT_EQ(get(prefix + "/mj/image/" + id, "").status, 200);
    const Answer u =
        post(prefix + "/mj/submit/action", json{{"taskId", id}, {"customId", custom_id(id, "U1")}});
    EXPECT_EQ(u.body_json()["code"], 1) << u.body;
  }
  EXPECT_EQ(server_->task(imagine("plain"))->mode, "");
  // An unknown prefix is an unknown path: the gateway's web page.
  const Answer slow = post("/mj-slow/mj/submit/imagine", json{{"prompt", "x"}});
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.content_type, "text/html; charset=utf-8");
}

TEST_F(SimTest, AcceptsTheGatewaysThreeWaysToSendTheKey) {
  const json body{{"prompt", "auth"}};
  EXPECT_EQ(
      post_raw("/mj/submit/imagine", body.dump(), {{"Authorization", "Bearer sk-test"}}).status,
      200);
  EXPECT_EQ(post_raw("/mj/submit/imagine", body.dump(), {{"Authorization", "sk-test"}}).status,
            200);
  EXPECT_EQ(post_raw("/mj/submit/imagine", body.dump(), {{"mj-api-secret", "sk-test"}}).status,
            200);
  EXPECT_EQ(post_raw("/mj/submit/imagine", body.dump(),
                     {{"Authorization", "midjourney-proxy"}, {"mj-api-secret", "sk-test"}})
                .status,
            200);
  // The gateway ignores "sk-" and everything from the next '-' on.
  EXPECT_EQ(
      post_raw("/mj/submit/imagine", body.dump(), {{"Authorization", "Bearer test-extra"}}).status,
      200);
  EXPECT_EQ(server_->tasks_created(), 5);

  Answer a = post_raw("/mj/submit/imagine", body.dump(), {});
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.body_json()["error"]["type"], "comet_api_error");
  EXPECT_TRUE(a.body_json()["error"]["message"].is_string());
  EXPECT_TRUE(a.body_json()["error"].contains("code"));
  a = post_raw("/mj/submit/imagine", body.dump(), {{"Authorization", "Bearer sk-wrong"}});
  EXPECT_EQ(a.status, 401);
  a = get_raw("/mj/task/1/fetch", {{"Authorization", "Bearer sk-wrong"}});
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(server_->tasks_created(), 5);
}

TEST_F(SimTest, UnknownRoutesGetTheWebPageAtHttp200) {
  // The gateway serves its web page for every path it has no route for, whatever the method.
  for (const Answer& a : {post("/mj/submit/retexture", json{{"prompt", "x"}}),
                          get("/mj/task/list"),  // not exposed by the gateway
                          get("/mj/submit/imagine"), get("/v1/mj/submit/imagine"),
                          post("/submit/imagine", json{{"prompt", "x"}}, "")}) {
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(a.body.rfind("<!doctype html>", 0), 0u) << a.body;
    EXPECT_TRUE(a.body_json().is_discarded());
  }
  EXPECT_EQ(server_->tasks_created(), 0);
}

TEST_F(SimTest, TasksBelongToTheKeyThatMadeThem) {
  const std::string id = imagine("private");
  finish();
  Answer a = get("/mj/task/" + id + "/fetch", kOtherKey);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("task_no_found"));
  a = post("/mj/submit/action", json{{"taskId", id}, {"customId", custom_id(id, "U1")}}, kOtherKey);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("task_not_found"));
  a = post("/mj/task/list-by-condition", json{{"ids", {id}}}, kOtherKey);
  EXPECT_EQ(a.body_json(), json::array());
  a = get("/mj/task/" + id + "/image-seed", kOtherKey);
  EXPECT_EQ(a.status, 400);
  const std::string up = upscaled("private region");
  const std::string modal = result_id(press(up, "Vary (Region)").body_json());
  a = post("/mj/submit/modal", json{{"taskId", modal}, {"maskBase64", kPng}}, kOtherKey);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(), gateway("task_not_found"));
  // The owner still sees everything.
  EXPECT_EQ(fetch(id)["status"], "SUCCESS");
}

}  // namespace
}  // namespace simtest
