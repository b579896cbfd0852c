// Requirements 2 and 3: buttons, actions, MODAL and /submit/modal.
#include <regex>

#include "test_support.hpp"

namespace simtest {
namespace {

using namespace std::chrono_literals;

const char* const kUuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

std::string hash_of(const std::string& custom_id) {
  std::smatch m;
  std::regex_search(custom_id, m, std::regex(kUuid));
  return m.str();
}

TEST_F(SimTest, GridHasNineButtonsInDiscordOrder) {
  const std::string id = imagine("a lighthouse");
  finish();
  const json buttons = fetch(id)["buttons"];
  ASSERT_EQ(buttons.size(), 9u);
  const std::string hash = hash_of(buttons[0]["customId"]);
  ASSERT_FALSE(hash.empty());
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"MJ::JOB::upsample::1::" + hash, "U1", ""},
      {"MJ::JOB::upsample::2::" + hash, "U2", ""},
      {"MJ::JOB::upsample::3::" + hash, "U3", ""},
      {"MJ::JOB::upsample::4::" + hash, "U4", ""},
      {"MJ::JOB::reroll::0::" + hash + "::SOLO", "", "🔄"},
      {"MJ::JOB::variation::1::" + hash, "V1", ""},
      {"MJ::JOB::variation::2::" + hash, "V2", ""},
      {"MJ::JOB::variation::3::" + hash, "V3", ""},
      {"MJ::JOB::variation::4::" + hash, "V4", ""}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(buttons[i]["customId"], std::get<0>(expected[i]));
    EXPECT_EQ(buttons[i]["label"], std::get<1>(expected[i]));
    EXPECT_EQ(buttons[i]["emoji"], std::get<2>(expected[i]));
    EXPECT_EQ(buttons[i]["type"], 2);
    EXPECT_EQ(buttons[i]["style"], 2);
  }
  // Every task has its own hash.
  const std::string other = imagine("another");
  finish();
  EXPECT_NE(hash_of(fetch(other)["buttons"][0]["customId"]), hash);
}

TEST_F(SimTest, UpscaledImageHasTheUpscaleButtonSet) {
  const std::string id = upscaled("a tram");
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "SUCCESS");
  const json buttons = t["buttons"];
  const std::string hash = hash_of(buttons[0]["customId"]);
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const json& b : buttons) got.emplace_back(b["customId"], b["label"], b["emoji"]);
  const std::vector<std::tuple<std::string, std::string, std::string>> expected = {
      {"MJ::JOB::upsample_v7_2x_subtle::1::" + hash + "::SOLO", "Upscale (Subtle)", "upscale_1"},
      {"MJ::JOB::upsample_v7_2x_creative::1::" + hash + "::SOLO", "Upscale (Creative)",
       "upscale_1"},
      {"MJ::JOB::low_variation::1::" + hash + "::SOLO", "Vary (Subtle)", "🪄"},
      {"MJ::JOB::high_variation::1::" + hash + "::SOLO", "Vary (Strong)", "🪄"},
      {"MJ::Inpaint::1::" + hash + "::SOLO", "Vary (Region)", "🖌️"},
      {"MJ::Outpaint::50::1::" + hash + "::SOLO", "Zoom Out 2x", "🔍"},
      {"MJ::Outpaint::75::1::" + hash + "::SOLO", "Zoom Out 1.5x", "🔍"},
      {"MJ::CustomZoom::" + hash, "Custom Zoom", "🔍"},
      {"MJ::JOB::pan_left::1::" + hash + "::SOLO", "", "⬅️"},
      {"MJ::JOB::pan_right::1::" + hash + "::SOLO", "", "➡️"},
      {"MJ::JOB::pan_up::1::" + hash + "::SOLO", "", "⬆️"},
      {"MJ::JOB::pan_down::1::" + hash + "::SOLO", "", "⬇️"},
      {"MJ::BOOKMARK::" + hash, "", "❤️"}};
  EXPECT_EQ(got, expected);
}

TEST_F(SimTest, UpscaleCreatesAChildAndMarksTheButtonUsed) {
  const std::string grid = imagine("a paper crane");
  finish();
  const Answer a = press(grid, "U2", json{{"state", "u2"}});
  ASSERT_EQ(a.status, 200) << a.body;
  const json answer = a.body_json();
  EXPECT_EQ(answer["code"], 1);
  EXPECT_EQ(answer["description"], "Submit success");
  ASSERT_TRUE(answer["result"].is_string());
  const std::string child = answer["result"];
  EXPECT_NE(child, grid);
  const json t = fetch(child);
  EXPECT_EQ(t["action"], "UPSCALE");
  EXPECT_EQ(t["prompt"], "a paper crane");  // actions carry the parent's prompt
  EXPECT_EQ(t["status"], "");
  const auto info = server_->task(child);
  EXPECT_EQ(info->parent_id, grid);
  EXPECT_EQ(info->state, "u2");
  const json parent = fetch(grid);  // kept alive: the loop below walks into it
  for (const json& b : parent["buttons"]) {
    EXPECT_EQ(b["style"], b["label"] == "U2" ? 1 : 2) << b.dump();
  }
}

struct ActionCase {
  const char* button;
  const char* action;
  std::size_t child_buttons;
};

TEST_F(SimTest, EveryButtonMapsToTheGatewayActionName) {
  const std::string grid = imagine("a glass teapot");
  finish();
  for (const ActionCase& c : {ActionCase{"U1", "UPSCALE", 13}, ActionCase{"V3", "VARIATION", 9},
                              ActionCase{"🔄", "REROLL", 9}}) {
    const Answer a = press(grid, c.button);
    ASSERT_EQ(a.body_json()["code"], 1) << c.button << " " << a.body;
    const std::string child = result_id(a.body_json());
    finish();
    const json t = fetch(child);
    EXPECT_EQ(t["action"], c.action) << c.button;
    EXPECT_EQ(t["status"], "SUCCESS") << c.button;
    EXPECT_EQ(t["buttons"].size(), c.child_buttons) << c.button;
  }
  const std::string up = upscaled("a snowy owl");
  for (const ActionCase& c :
       {ActionCase{"Upscale (Subtle)", "UPSCALE", 11},
        ActionCase{"Upscale (Creative)", "UPSCALE", 11},
        ActionCase{"Vary (Subtle)", "LOW_VARIATION", 9},
        ActionCase{"Vary (Strong)", "HIGH_VARIATION", 9}, ActionCase{"Zoom Out 2x", "ZOOM", 9},
        ActionCase{"Zoom Out 1.5x", "ZOOM", 9}, ActionCase{"⬅️", "PAN", 9},
        ActionCase{"➡️", "PAN", 9}, ActionCase{"⬆️", "PAN", 9},
        ActionCase{"⬇️", "PAN", 9}}) {
    const Answer a = press(up, c.button);
    ASSERT_EQ(a.body_json()["code"], 1) << c.button << " " << a.body;
    const std::string child = result_id(a.body_json());
    finish();
    const json t = fetch(child);
    EXPECT_EQ(t["action"], c.action) << c.button;
    EXPECT_EQ(t["buttons"].size(), c.child_buttons) << c.button;
  }
}

TEST_F(SimTest, ActionNeedsAFinishedParent) {
  const std::string grid = imagine("not yet");
  server_->advance(1s);
  const std::string hash = "11111111-2222-4333-8444-555555555555";
  const Answer a = post("/mj/submit/action",
                        json{{"taskId", grid}, {"customId", "MJ::JOB::upsample::1::" + hash}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json(),
            json::parse(
                R"({"description":"task_status_not_success ","type":"upstream_error","code":4})"));
  EXPECT_EQ(server_->tasks_created(), 1);
}

TEST_F(SimTest, ActionNeedsACurrentButtonOfThatParent) {
  const std::string first = imagine("first");
  const std::string second = imagine("second");
  finish();
  // A well-formed customId of another task: the upstream refuses with HTTP 200 and code 4.
  const Answer a =
      post("/mj/submit/action", json{{"taskId", first}, {"customId", custom_id(second, "U1")}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body_json()["code"], 4);
  EXPECT_EQ(server_->tasks_created(), 2);
}

TEST_F(SimTest, GatewayRejectsCustomIdsItCannotParse) {
  const std::string grid = imagine("parse me");
  finish();
  const std::string hash = hash_of(custom_id(grid, "U1"));
  // A verb it does not know: HTTP 400 in the OpenAI shape, naming the customId.
  for (const std::string& bad :
       {std::string("MJ::BOOKMARK::") + hash, std::string("MJ::Job::PicReader::1"),
        std::string("MJ::Picread::Retry"), std::string("MJ::JOB::animate_high::1::") + hash,
        std::string("MJ::JOB::video_virtual_upscale::1::") + hash}) {
    const Answer a = post("/mj/submit/action", json{{"taskId", grid}, {"customId", bad}});
    EXPECT_EQ(a.status, 400) << bad;
    const json error = a.body_json()["error"];
    EXPECT_EQ(error["type"], "comet_api_error") << a.body;
    EXPECT_EQ(error["code"], "unknown_action") << a.body;
    const std::string message = error["message"];
    const std::string expected = "Invalid request, unknown_action:" + bad + " (request id: sim-";
    EXPECT_EQ(message.substr(0, expected.size()), expected) << a.body;
    EXPECT_TRUE(std::regex_search(message, std::regex("sim-[0-9]+\\)$"))) << a.body;
  }
  // Too few "::" parts: the gateway indexes past the end and its panic handler answers 500.
  for (const std::string& bad :
       {std::string("garbage"), std::string("MJ::JOB"), std::string("MJ::JOB::upsample")}) {
    const Answer a = post("/mj/submit/action", json{{"taskId", grid}, {"customId", bad}});
    EXPECT_EQ(a.status, 500) << bad;
    EXPECT_EQ(a.body_json()["error"]["type"], "new_api_panic") << a.body;
    EXPECT_EQ(a.body_json()["error"]["message"].get<std::string>().rfind("Panic detected", 0), 0u);
  }
  EXPECT_EQ(server_->tasks_created(), 1);
  Answer a = post("/mj/submit/action",
                  json{{"taskId", grid}, {"customId", "MJ::JOB::upsample::x::" + hash}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json()["description"], "index_parse_failed ");
  a = post("/mj/submit/action", json{{"taskId", grid}});
  EXPECT_EQ(a.body_json()["description"], "custom_id_is_required ");
  a = post("/mj/submit/action", json{{"customId", custom_id(grid, "U1")}});
  EXPECT_EQ(a.body_json()["description"], "task_id_is_required ");
  a = post("/mj/submit/action",
           json{{"taskId", "1234567890123456"}, {"customId", custom_id(grid, "U1")}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json()["description"], "task_not_found ");
}

TEST_F(SimTest, VaryRegionOpensAModalThatNeedsAMask) {
  const std::string up = upscaled("a red fox");
  const Answer a = press(up, "Vary (Region)", json{{"state", "region"}});
  ASSERT_EQ(a.status, 200);
  const json answer = a.body_json();
  EXPECT_EQ(answer["code"], 21);
  EXPECT_EQ(answer["description"], "Waiting for window confirm");
  EXPECT_EQ(answer["properties"]["finalPrompt"], "");  // the known upstream bug
  EXPECT_EQ(answer["properties"]["remix"], true);
  const std::string modal_id = result_id(answer);

  server_->advance(10s);
  json t = fetch(modal_id);
  EXPECT_EQ(t["status"], "MODAL");
  EXPECT_EQ(t["action"], "INPAINT");
  EXPECT_EQ(t["description"], "Waiting for window confirm");

  Answer m = post("/mj/submit/modal", json{{"taskId", modal_id}, {"prompt", "a blue fox"}});
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.body_json()["code"], 4);  // no mask: refused
  EXPECT_EQ(fetch(modal_id)["status"], "MODAL");

  m = post("/mj/submit/modal", json{{"taskId", modal_id},
                                    {"prompt", "a blue fox"},
                                    {"maskBase64", "data:image/png;base64,iVBORw0KGgo="}});
  ASSERT_EQ(m.status, 200);
  const json modal_answer = m.body_json();
  EXPECT_EQ(modal_answer["code"], 1);
  EXPECT_EQ(modal_answer["result"], modal_id);  // the MODAL task's own id

  // The gateway's older row still says MODAL until the lag has passed.
  EXPECT_EQ(fetch(modal_id)["status"], "MODAL");
  EXPECT_EQ(server_->task(modal_id)->upstream_status, "SUBMITTED");
  server_->advance(3s);  // FakeServerOptions::modal_lag; the job (1.8 s) is done by then
  t = fetch(modal_id);
  EXPECT_EQ(t["status"], "SUCCESS");
  EXPECT_EQ(t["promptEn"], "a blue fox");
  finish();
  t = fetch(modal_id);
  EXPECT_EQ(t["status"], "SUCCESS");
  EXPECT_EQ(t["action"], "INPAINT");
  EXPECT_EQ(t["buttons"].size(), 9u);
  // Once continued it is no longer waiting: a second modal is refused.
  m = post("/mj/submit/modal",
           json{{"taskId", modal_id}, {"maskBase64", "data:image/png;base64,AA=="}});
  EXPECT_EQ(m.body_json()["code"], 4);
}

TEST_F(SimTest, CustomZoomOpensAModalWithThePrompt) {
  const std::string up = upscaled("a lighthouse at dusk");
  const Answer a = press(up, "Custom Zoom");
  const json answer = a.body_json();
  EXPECT_EQ(answer["code"], 21);
  EXPECT_EQ(answer["properties"]["finalPrompt"], "a lighthouse at dusk");
  EXPECT_EQ(answer["properties"]["remix"], true);
  const std::string id = result_id(answer);
  EXPECT_EQ(fetch(id)["status"], "MODAL");
  const Answer m =
      post("/mj/submit/modal", json{{"taskId", id}, {"prompt", "a lighthouse at dusk --zoom 2"}});
  EXPECT_EQ(m.body_json()["code"], 1);
  finish();
  const json t = fetch(id);
  EXPECT_EQ(t["status"], "SUCCESS");
  EXPECT_EQ(t["action"], "CUSTOM_ZOOM");
  EXPECT_EQ(t["promptEn"], "a lighthouse at dusk --zoom 2");
}

TEST_F(SimTest, RemixSendsVariationRerollAndPanToModalWithCodeOne) {
  const std::string grid = imagine("remix me");
  finish();
  for (const char* button : {"V1", "🔄"}) {
    const Answer a = press(grid, button, json{{"enableRemix", true}});
    const json answer = a.body_json();
    EXPECT_EQ(answer["code"], 1) << button;  // the gateway rewrote 21 to 1
    EXPECT_EQ(answer["description"], "Waiting for window confirm");
    EXPECT_EQ(answer["properties"]["remix"], true);
    EXPECT_EQ(fetch(result_id(answer))["status"], "MODAL") << button;
  }
  // Without the flag the same press runs straight on...
  const std::string plain = result_id(press(grid, "V2").body_json());
  EXPECT_EQ(fetch(plain)["status"], "");
  // ...unless the account is in remix mode.
  server_->set_remix(true);
  const std::string up = upscaled("pan me");
  const std::string pan = result_id(press(up, "⬅️").body_json());
  server_->advance(10s);
  EXPECT_EQ(fetch(pan)["status"], "MODAL");
  const Answer m = post("/mj/submit/modal", json{{"taskId", pan}});  // prompt falls back
  EXPECT_EQ(m.body_json()["code"], 1) << m.body;
  finish();
  EXPECT_EQ(fetch(pan)["status"], "SUCCESS");
  EXPECT_EQ(fetch(pan)["action"], "PAN");
}

TEST_F(SimTest, ModalRefusals) {
  const std::string grid = imagine("refusals");
  finish();
  Answer m = post("/mj/submit/modal", json{{"prompt", "x"}});
  EXPECT_EQ(m.status, 400);
  EXPECT_EQ(m.body_json()["description"], "task_id_is_required ");
  m = post("/mj/submit/modal", json{{"taskId", "1234567890123456"}});
  EXPECT_EQ(m.status, 400);
  EXPECT_EQ(m.body_json()["description"], "task_not_found ");
  m = post("/mj/submit/modal", json{{"taskId", grid}});  // not in MODAL
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.body_json()["code"], 4);
  const std::string remix = result_id(press(grid, "V4", json{{"enableRemix", true}}).body_json());
  m = post("/mj/submit/modal", json{{"taskId", remix}, {"prompt", "a bannedword here"}});
  EXPECT_EQ(m.body_json()["code"], 24);
  EXPECT_EQ(fetch(remix)["status"], "MODAL");
}

TEST_F(SimTest, LegacyChangeAndSimpleChange) {
  const std::string grid = imagine("legacy");
  finish();
  Answer a = post("/mj/submit/change", json{{"taskId", grid}, {"action", "UPSCALE"}, {"index", 3}});
  ASSERT_EQ(a.body_json()["code"], 1) << a.body;
  EXPECT_EQ(server_->task(result_id(a.body_json()))->custom_id, custom_id(grid, "U3"));
  a = post("/mj/submit/change", json{{"taskId", grid}, {"action", "REROLL"}});
  EXPECT_EQ(a.status, 400);  // the gateway wants an index even for a reroll
  EXPECT_EQ(a.body_json()["description"], "index_is_required ");
  a = post("/mj/submit/simple-change", json{{"content", grid + " V2"}});
  ASSERT_EQ(a.body_json()["code"], 1) << a.body;
  EXPECT_EQ(fetch(result_id(a.body_json()))["action"], "VARIATION");
  a = post("/mj/submit/simple-change", json{{"content", grid + " R"}});
  EXPECT_EQ(fetch(result_id(a.body_json()))["action"], "REROLL");
  a = post("/mj/submit/simple-change", json{{"content", grid + " X9"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body_json()["description"], "content_parse_failed ");
}

}  // namespace
}  // namespace simtest
