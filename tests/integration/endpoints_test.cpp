// One or more tests per endpoint row of docs/endpoints.md, through real libcurl against the
// simulator: what the simulator received (path, mode prefix, camelCase JSON, unset fields left
// out) and what the SDK handed back (typed results). Service-side refusals that the SDK cannot
// prevent are here too; the ones it prevents are in tests/unit/validation_test.cpp.
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

using nlohmann::json;
using test::SimTest;

// A PNG signature and IHDR header: enough for the SDK's magic-byte check and the simulator's
// base64 decoding, which is all an upload or a submit needs.
const std::string kPngBytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29);
const std::string kGifBytes("GIF89a\x01\0\x01\0\0\0\0", 13);

std::string png_uri() { return data_uri_from_bytes(kPngBytes).value(); }
std::string gif_uri() { return data_uri_from_bytes(kGifBytes).value(); }

// Width and height from a PNG's IHDR chunk.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  auto be32 = [&png](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png.at(at + i));
    return v;
  };
  return {be32(16), be32(20)};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class EndpointTest : public SimTest {
 protected:
  // The last request the simulator saw for `path` (as sent, prefix included).
  testing::RequestRecord last_to(const std::string& path) const {
    const auto journal = server_->journal();
    for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
      if (it->path == path) return *it;
    }
    ADD_FAILURE() << "no request to " << path;
    return {};
  }

  json body_to(const std::string& path) const {
    const testing::RequestRecord record = last_to(path);
    EXPECT_EQ(record.method, "POST") << path;
    EXPECT_EQ(record.header("Content-Type"), "application/json") << path;
    return json::parse(record.body, nullptr, /*allow_exceptions=*/false);
  }

  // Imagine, wait for the grid, press U1 and wait: an upscaled image with the editing buttons.
  Task upscaled(const std::string& prompt) {
    const Task grid = finished(imagine(prompt));
    auto task = TaskPoller(*client_, wait_options()).upscale(grid.id, 1);
    EXPECT_TRUE(task.ok()) << task.error().to_string();
    return task.ok() ? *task : Task{};
  }

  // A finished video task made from the first frame `image`.
  Task video(const std::string& image, int batch = 4) {
    VideoRequest request;
    request.image = image;
    request.batch_size = batch;
    auto submitted = client_->submit_video(request);
    EXPECT_TRUE(submitted.ok()) << submitted.error().to_string();
    return submitted.ok() ? finished(submitted->result) : Task{};
  }

  // A fresh directory, removed after the test.
  std::string temp_dir() {
    std::string pattern = ::testing::TempDir() + "cometapi_endpoints_XXXXXX";
    const char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    dirs_.push_back(pattern);
    return pattern;
  }

  void TearDown() override {
    SimTest::TearDown();
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir);
  }

  std::vector<std::string> dirs_;
};

// ---- POST /mj/submit/imagine ------------------------------------------------------------------

TEST_F(EndpointTest, ImagineSendsEveryFieldInCamelCase) {
  ImagineRequest request;
  request.prompt = "a red fox --ar 16:9";
  request.base64_array = {png_uri(), gif_uri()};
  request.bot_type = BotType::NijiJourney;
  AccountFilter filter;
  filter.modes = {SpeedMode::Relax, SpeedMode::Fast};
  filter.instance_id = "inst-1";
  filter.channel_id = "chan-1";
  filter.remark = "team-a";
  filter.remix = true;
  filter.niji_remix = false;
  filter.remix_auto_considered = true;
  request.account_filter = filter;
  request.notify_hook = "https://hooks.example.test/mj";
  request.state = "imagine-all";
  request.extra_json = R"({"quality": "hd", "tags": [1, 2]})";

  auto submitted = client_->submit_imagine(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(submitted->code, 1);
  EXPECT_EQ(submitted->description, "Submit success");
  EXPECT_EQ(submitted->result.size(), 16u) << submitted->result;
  EXPECT_FALSE(submitted->properties.discord_instance_id.empty());
  EXPECT_FALSE(submitted->modal_opened());

  EXPECT_EQ(body_to("/mj/submit/imagine"), (json{{"prompt", "a red fox --ar 16:9"},
                                                 {"base64Array", {png_uri(), gif_uri()}},
                                                 {"botType", "NIJI_JOURNEY"},
                                                 {"accountFilter",
                                                  {{"modes", {"RELAX", "FAST"}},
                                                   {"instanceId", "inst-1"},
                                                   {"channelId", "chan-1"},
                                                   {"remark", "team-a"},
                                                   {"remix", true},
                                                   {"nijiRemix", false},
                                                   {"remixAutoConsidered", true}}},
                                                 {"notifyHook", "https://hooks.example.test/mj"},
                                                 {"state", "imagine-all"},
                                                 {"quality", "hd"},
                                                 {"tags", {1, 2}}}));

  auto created = server_->task(submitted->result);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->action, "IMAGINE");
  EXPECT_EQ(created->prompt, "a red fox --ar 16:9");
  EXPECT_EQ(created->state, "imagine-all");
  EXPECT_EQ(created->notify_hook, "https://hooks.example.test/mj");
  EXPECT_EQ(server_->submits_with_state("imagine-all"), 1);
}

TEST_F(EndpointTest, ImagineLeavesUnsetFieldsOut) {
  imagine("just a prompt");
  EXPECT_EQ(body_to("/mj/submit/imagine"), (json{{"prompt", "just a prompt"}}));
}

TEST_F(EndpointTest, ImagineWithBannedWordIsBannedPrompt) {
  ImagineRequest request;
  request.prompt = "a BannedWord in a field";
  auto refused = client_->submit_imagine(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::BannedPrompt) << refused.error().to_string();
  EXPECT_EQ(refused.error().api_code, 24);
  EXPECT_EQ(refused.error().http_status, 200);
  EXPECT_NE(refused.error().message.find("bannedword"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(EndpointTest, ImagineWithUndecodableReferenceImageNeverLeavesTheClient) {
  // Unpadded base64 is what the upstream cannot decode (it answers code 4); the SDK checks the
  // padding itself, so the request is refused before anything is sent.
  ImagineRequest request;
  request.prompt = "a fox";
  request.base64_array = {"data:image/png;base64,abc"};
  auto refused = client_->submit_imagine(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::InvalidArgument) << refused.error().to_string();
  EXPECT_NE(refused.error().message.find("base64_array[0]"), std::string::npos);
  EXPECT_TRUE(server_->journal().empty());
  EXPECT_EQ(server_->submits(), 0);
}

TEST_F(EndpointTest, ImagineBeyondTheConcurrencyIsQueued) {
  // The gateway rewrites code 22 (queued) to 1; the queue position stays in the properties.
  for (int i = 0; i < 3; ++i) imagine("busy " + std::to_string(i));
  ImagineRequest request;
  request.prompt = "the fourth";
  auto queued = client_->submit_imagine(request);
  ASSERT_TRUE(queued.ok()) << queued.error().to_string();
  EXPECT_EQ(queued->code, 1);
  EXPECT_EQ(queued->properties.number_of_queues, 1);
  EXPECT_EQ(queued->result.size(), 16u);
}

// ---- the four modes ---------------------------------------------------------------------------

TEST_F(EndpointTest, ModesPickThePathPrefixOfEveryEndpoint) {
  const std::tuple<Mode, std::string, std::string> cases[] = {
      {Mode::Default, "/mj", ""},
      {Mode::Fast, "/mj-fast/mj", "fast"},
      {Mode::Relax, "/mj-relax/mj", "relax"},
      {Mode::Turbo, "/mj-turbo/mj", "turbo"}};
  for (const auto& [mode, prefix, name] : cases) {
    SCOPED_TRACE(prefix);
    ClientOptions options = client_options();
    options.mode = mode;
    CometClient client(options);
    server_->reset_journal();

    ImagineRequest request;
    request.prompt = "mode " + prefix;
    auto submitted = client.submit_imagine(request);
    ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
    const std::string id = submitted->result;
    EXPECT_EQ(server_->task(id)->mode, name);
    ASSERT_TRUE(client.fetch_task(id).ok());
    ASSERT_TRUE(client.list_tasks({id}).ok());
    server_->advance(std::chrono::seconds(10));
    ASSERT_TRUE(client.image_seed(id).ok());
    ASSERT_TRUE(client.upload_images({png_uri()}).ok());

    const auto journal = server_->journal();
    ASSERT_EQ(journal.size(), 5u);
    EXPECT_EQ(journal[0].path, prefix + "/submit/imagine");
    EXPECT_EQ(journal[1].path, prefix + "/task/" + id + "/fetch");
    EXPECT_EQ(journal[2].path, prefix + "/task/list-by-condition");
    EXPECT_EQ(journal[3].path, prefix + "/task/" + id + "/image-seed");
    EXPECT_EQ(journal[4].path, prefix + "/submit/upload-discord-images");
    for (const auto& record : journal) EXPECT_EQ(record.mode, name) << record.path;
  }
}

TEST_F(EndpointTest, ModeDoesNotTouchDownloadUrls) {
  const Task grid = finished(imagine("a download"));
  ClientOptions options = client_options();
  options.mode = Mode::Turbo;
  ASSERT_TRUE(CometClient(options).download(grid.image_url).ok());
  EXPECT_EQ(server_->last_request()->path, "/mj/image/" + grid.id);
}

// ---- enums on the wire ------------------------------------------------------------------------

TEST_F(EndpointTest, EnumsTravelAsTheirWireNames) {
  ImagineRequest imagine_request;
  imagine_request.prompt = "bots";
  imagine_request.bot_type = BotType::MidJourney;
  ASSERT_TRUE(client_->submit_imagine(imagine_request).ok());
  EXPECT_EQ(body_to("/mj/submit/imagine")["botType"], "MID_JOURNEY");

  const std::pair<BlendDimensions, const char*> dimensions[] = {
      {BlendDimensions::Portrait, "PORTRAIT"},
      {BlendDimensions::Square, "SQUARE"},
      {BlendDimensions::Landscape, "LANDSCAPE"}};
  for (const auto& [value, name] : dimensions) {
    BlendRequest blend;
    blend.base64_array = {png_uri(), png_uri()};
    blend.dimensions = value;
    ASSERT_TRUE(client_->submit_blend(blend).ok()) << name;
    EXPECT_EQ(body_to("/mj/submit/blend")["dimensions"], name);
  }

  const std::pair<VideoMotion, const char*> motions[] = {{VideoMotion::Low, "low"},
                                                         {VideoMotion::High, "high"}};
  for (const auto& [value, name] : motions) {
    VideoRequest video_request;
    video_request.image = "https://cdn.example.test/first.png";
    video_request.motion = value;
    ASSERT_TRUE(client_->submit_video(video_request).ok()) << name;
    EXPECT_EQ(body_to("/mj/submit/video")["motion"], name);
  }

  ShortenRequest shorten;
  shorten.prompt = "modes";
  shorten.account_filter = AccountFilter{};
  shorten.account_filter->modes = {SpeedMode::Turbo, SpeedMode::Relax, SpeedMode::Fast};
  ASSERT_TRUE(client_->submit_shorten(shorten).ok());
  EXPECT_EQ(body_to("/mj/submit/shorten")["accountFilter"],
            (json{{"modes", {"TURBO", "RELAX", "FAST"}}}));
}

// ---- POST /mj/submit/action -------------------------------------------------------------------

TEST_F(EndpointTest, ActionSendsTaskIdCustomIdAndOptions) {
  const Task grid = finished(imagine("a grid to press"));
  const auto u2 = find_button(grid, "U2");
  ASSERT_TRUE(u2.has_value());

  ActionRequest request;
  request.task_id = grid.id;
  request.custom_id = u2->custom_id;
  request.choose_same_channel = true;
  request.enable_remix = false;
  request.account_filter = AccountFilter{};
  request.account_filter->instance_id = "inst-9";
  request.notify_hook = "https://hooks.example.test/a";
  request.state = "press-u2";
  auto submitted = client_->submit_action(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(submitted->code, 1);
  EXPECT_NE(submitted->result, grid.id);

  EXPECT_EQ(body_to("/mj/submit/action"), (json{{"taskId", grid.id},
                                                {"customId", u2->custom_id},
                                                {"enableRemix", false},
                                                {"chooseSameChannel", true},
                                                {"accountFilter", {{"instanceId", "inst-9"}}},
                                                {"notifyHook", "https://hooks.example.test/a"},
                                                {"state", "press-u2"}}));
  auto created = server_->task(submitted->result);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->action, "UPSCALE");
  EXPECT_EQ(created->parent_id, grid.id);
  EXPECT_EQ(created->custom_id, u2->custom_id);

  const Task result = finished(submitted->result);
  EXPECT_EQ(result.status, TaskStatus::Success);
  EXPECT_EQ(result.prompt, "a grid to press");  // actions carry their parent's prompt
}

TEST_F(EndpointTest, ActionWithButtonTheGatewayCannotParseIsUnknownAction) {
  // Upscaled images carry a favourite button (MJ::BOOKMARK::...) that the gateway rejects.
  const Task single = upscaled("a favourite");
  const auto heart = find_button(single, "❤️");
  ASSERT_TRUE(heart.has_value());
  ActionRequest request;
  request.task_id = single.id;
  request.custom_id = heart->custom_id;
  auto refused = client_->submit_action(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::ApiRefused) << refused.error().to_string();
  EXPECT_EQ(refused.error().http_status, 400);
  EXPECT_NE(refused.error().message.find("unknown_action"), std::string::npos);
}

TEST_F(EndpointTest, ActionOnAnotherKeysTaskIsNotFound) {
  const Task mine = finished(imagine("mine"));
  CometClient other(client_options("sk-other"));
  ActionRequest request;
  request.task_id = mine.id;
  request.custom_id = find_button(mine, "U1")->custom_id;
  auto refused = other.submit_action(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::NotFound) << refused.error().to_string();
  EXPECT_EQ(server_->submits(), 1);  // only the imagine
}

// ---- POST /mj/submit/modal --------------------------------------------------------------------

TEST_F(EndpointTest, ModalCompletesVaryRegionAndItsNumericResultArrivesAsAString) {
  const Task single = upscaled("a cat on a sofa");
  const auto region = find_button(single, "Vary (Region)");
  ASSERT_TRUE(region.has_value());
  ActionRequest action;
  action.task_id = single.id;
  action.custom_id = region->custom_id;
  auto opened = client_->submit_action(action);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_EQ(opened->code, 21);
  EXPECT_TRUE(opened->modal_opened());
  EXPECT_TRUE(opened->properties.remix);
  EXPECT_EQ(opened->properties.final_prompt, "");  // the upstream's known Inpaint bug
  const std::string modal_id = opened->result;

  auto waiting = client_->fetch_task(modal_id);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->status, TaskStatus::Modal);

  ModalRequest request;
  request.task_id = modal_id;
  request.prompt = "a dog on a sofa";
  request.mask_base64 = png_uri();
  request.state = "modal-1";
  request.notify_hook = "https://hooks.example.test/m";
  auto continued = client_->submit_modal(request);
  ASSERT_TRUE(continued.ok()) << continued.error().to_string();
  // The simulator sends "result" as a JSON number here, as the modal docs show; the SDK hands it
  // back as the same 16-digit string.
  EXPECT_EQ(continued->result, modal_id);
  EXPECT_EQ(continued->code, 1);

  EXPECT_EQ(body_to("/mj/submit/modal"), (json{{"taskId", modal_id},
                                               {"prompt", "a dog on a sofa"},
                                               {"maskBase64", png_uri()},
                                               {"notifyHook", "https://hooks.example.test/m"},
                                               {"state", "modal-1"}}));
  const Task done = finished(modal_id);
  EXPECT_EQ(done.status, TaskStatus::Success);
  EXPECT_EQ(done.action, "INPAINT");
  EXPECT_EQ(server_->submits_with_state("modal-1"), 1);
}

TEST_F(EndpointTest, ModalWithOnlyTheTaskIdSendsNothingElse) {
  // Custom Zoom without a prompt: the upstream falls back to the parent's prompt.
  const Task single = upscaled("a castle");
  ActionRequest action;
  action.task_id = single.id;
  action.custom_id = find_button(single, "Custom Zoom")->custom_id;
  auto opened = client_->submit_action(action);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_EQ(opened->code, 21);
  EXPECT_EQ(opened->properties.final_prompt, "a castle");

  ModalRequest request;
  request.task_id = opened->result;
  auto continued = client_->submit_modal(request);
  ASSERT_TRUE(continued.ok()) << continued.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/modal"), (json{{"taskId", opened->result}}));
  EXPECT_EQ(finished(opened->result).action, "CUSTOM_ZOOM");
}

TEST_F(EndpointTest, ModalOnATaskNotInModalIsRefused) {
  const Task grid = finished(imagine("not modal"));
  ModalRequest request;
  request.task_id = grid.id;
  request.prompt = "x";
  auto refused = client_->submit_modal(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::ApiRefused) << refused.error().to_string();
  EXPECT_EQ(refused.error().api_code, 4);
}

TEST_F(EndpointTest, ModalForVaryRegionWithoutMaskIsRefused) {
  const Task single = upscaled("needs a mask");
  ActionRequest action;
  action.task_id = single.id;
  action.custom_id = find_button(single, "Vary (Region)")->custom_id;
  auto opened = client_->submit_action(action);
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  ModalRequest request;
  request.task_id = opened->result;
  request.prompt = "a hat";
  auto refused = client_->submit_modal(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::ApiRefused) << refused.error().to_string();
  EXPECT_NE(refused.error().message.find("maskBase64"), std::string::npos);
}

// ---- POST /mj/submit/blend --------------------------------------------------------------------

TEST_F(EndpointTest, BlendSendsImagesAndDimensionsAndMakesAGridOfThatShape) {
  BlendRequest request;
  request.base64_array = {png_uri(), gif_uri(), png_uri()};
  request.dimensions = BlendDimensions::Landscape;
  request.bot_type = BotType::MidJourney;
  request.state = "blend-1";
  auto submitted = client_->submit_blend(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/blend"), (json{{"base64Array", {png_uri(), gif_uri(), png_uri()}},
                                               {"dimensions", "LANDSCAPE"},
                                               {"botType", "MID_JOURNEY"},
                                               {"state", "blend-1"}}));
  const Task blend = finished(submitted->result);
  EXPECT_EQ(blend.action, "BLEND");
  EXPECT_EQ(blend.state, "blend-1");
  EXPECT_EQ(blend.buttons.size(), 9u);
  auto png = client_->download(blend.image_url);
  ASSERT_TRUE(png.ok()) << png.error().to_string();
  const auto [width, height] = png_size(*png);
  EXPECT_GT(width, height);  // 3:2
}

TEST_F(EndpointTest, BlendWithoutDimensionsLeavesThemOutAndIsSquare) {
  BlendRequest request;
  request.base64_array = {png_uri(), png_uri()};
  auto submitted = client_->submit_blend(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/blend"), (json{{"base64Array", {png_uri(), png_uri()}}}));
  auto png = client_->download(finished(submitted->result).image_url);
  ASSERT_TRUE(png.ok()) << png.error().to_string();
  const auto [width, height] = png_size(*png);
  EXPECT_EQ(width, height);
}

// ---- POST /mj/submit/describe -----------------------------------------------------------------

TEST_F(EndpointTest, DescribeAnImageGivesFourSuggestionsInPromptEn) {
  DescribeRequest request;
  request.base64 = png_uri();
  request.language = "en";
  request.bot_type = BotType::MidJourney;
  request.state = "describe-1";
  auto submitted = client_->submit_describe(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  // The simulator sends this "result" as a JSON number (as the describe docs show); it arrives as
  // the 16-digit string that fetch accepts.
  EXPECT_EQ(submitted->result.size(), 16u) << submitted->result;
  EXPECT_TRUE(server_->task(submitted->result).has_value());
  EXPECT_EQ(body_to("/mj/submit/describe"), (json{{"base64", png_uri()},
                                                  {"language", "en"},
                                                  {"botType", "MID_JOURNEY"},
                                                  {"state", "describe-1"}}));

  const Task described = finished(submitted->result);
  EXPECT_EQ(described.action, "DESCRIBE");
  const std::vector<std::string> suggestions = lines(described.prompt_en);
  ASSERT_EQ(suggestions.size(), 4u) << described.prompt_en;
  for (const std::string& line : suggestions) EXPECT_GT(line.size(), 10u) << line;
  EXPECT_EQ(described.properties.final_prompt, described.prompt_en);
}

TEST_F(EndpointTest, DescribeALinkSendsOnlyTheLink) {
  DescribeRequest request;
  request.link = "https://cdn.example.test/cat.png";
  auto submitted = client_->submit_describe(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/describe"), (json{{"link", "https://cdn.example.test/cat.png"}}));
  EXPECT_EQ(lines(finished(submitted->result).prompt_en).size(), 4u);
}

TEST_F(EndpointTest, DescribeWithUndecodableImageNeverLeavesTheClient) {
  DescribeRequest request;
  request.base64 = "data:image/png;base64,abcde";
  auto refused = client_->submit_describe(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::InvalidArgument) << refused.error().to_string();
  EXPECT_TRUE(server_->journal().empty());
}

// Validation treats an empty `base64` as not given, so the body must leave it out too.
TEST_F(EndpointTest, DescribeLeavesAnEmptyAlternativeOut) {
  DescribeRequest request;
  request.base64 = "";
  request.link = "https://cdn.example.test/cat.png";
  ASSERT_TRUE(client_->submit_describe(request).ok());
  EXPECT_EQ(body_to("/mj/submit/describe"), (json{{"link", "https://cdn.example.test/cat.png"}}));
}

// ---- POST /mj/submit/shorten ------------------------------------------------------------------

TEST_F(EndpointTest, ShortenSendsThePromptAndGivesShorterOnes) {
  ShortenRequest request;
  request.prompt = "a very long prompt about a small red fox sleeping in deep snow at dusk";
  request.bot_type = BotType::NijiJourney;
  request.notify_hook = "https://hooks.example.test/s";
  auto submitted = client_->submit_shorten(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/shorten"), (json{{"prompt", request.prompt},
                                                 {"botType", "NIJI_JOURNEY"},
                                                 {"notifyHook", "https://hooks.example.test/s"}}));
  const Task shortened = finished(submitted->result);
  EXPECT_EQ(shortened.action, "SHORTEN");
  EXPECT_EQ(shortened.image_url, "");  // shorten makes no image
  const auto suggestions = lines(shortened.prompt_en);
  ASSERT_GE(suggestions.size(), 2u) << shortened.prompt_en;
  EXPECT_LT(suggestions.back().size(), request.prompt.size());
}

TEST_F(EndpointTest, ShortenWithBannedWordIsBannedPrompt) {
  ShortenRequest request;
  request.prompt = "bannedword again";
  auto refused = client_->submit_shorten(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::BannedPrompt) << refused.error().to_string();
}

// ---- POST /mj/submit/video --------------------------------------------------------------------

TEST_F(EndpointTest, VideoSendsEveryFieldAndGivesVideoUrls) {
  const Task grid = finished(imagine("a first frame"));
  VideoRequest request;
  request.image = grid.image_url;
  request.end_image = png_uri();
  request.prompt = "the fox runs";
  request.motion = VideoMotion::High;
  request.loop = false;
  request.video_type = "vid_1.1_i2v_720";
  request.batch_size = 2;
  request.notify_hook = "https://hooks.example.test/v";
  request.state = "video-1";
  auto submitted = client_->submit_video(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_NE(submitted->properties.raw_json.find("the fox runs"), std::string::npos)
      << submitted->properties.raw_json;
  EXPECT_EQ(body_to("/mj/submit/video"), (json{{"prompt", "the fox runs"},
                                               {"image", grid.image_url},
                                               {"motion", "high"},
                                               {"endImage", png_uri()},
                                               {"loop", false},
                                               {"videoType", "vid_1.1_i2v_720"},
                                               {"batchSize", 2},
                                               {"notifyHook", "https://hooks.example.test/v"},
                                               {"state", "video-1"}}));

  const Task video = finished(submitted->result);
  EXPECT_EQ(video.action, "VIDEO");
  ASSERT_EQ(video.video_urls.size(), 2u);
  EXPECT_EQ(video.video_url, video.video_urls[0]);
  auto bytes = client_->download(video.video_urls[1]);
  ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
  EXPECT_FALSE(bytes->empty());
}

TEST_F(EndpointTest, VideoExtendSendsActionIndexAndTaskIdOnly) {
  const Task first = video("https://cdn.example.test/first.png");
  ASSERT_EQ(first.video_urls.size(), 4u);
  VideoRequest request;
  request.action = "extend";
  request.task_id = first.id;
  request.index = 3;
  auto submitted = client_->submit_video(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/video"),
            (json{{"action", "extend"}, {"index", 3}, {"taskId", first.id}}));
  EXPECT_EQ(server_->task(submitted->result)->parent_id, first.id);
  EXPECT_FALSE(finished(submitted->result).video_urls.empty());
}

TEST_F(EndpointTest, VideoExtendRefusalsFromTheService) {
  const Task first = video("https://cdn.example.test/first.png", 1);
  VideoRequest request;
  request.action = "extend";
  request.task_id = first.id;
  request.index = 1;  // only video 0 exists
  auto out_of_range = client_->submit_video(request);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.error().kind, ErrorKind::ApiRefused);
  EXPECT_EQ(out_of_range.error().api_code, 4);

  const Task grid = finished(imagine("not a video"));
  request.task_id = grid.id;
  request.index = 0;
  auto not_video = client_->submit_video(request);
  ASSERT_FALSE(not_video.ok());
  EXPECT_EQ(not_video.error().kind, ErrorKind::ApiRefused);

  request.task_id = "1000000000000000";
  auto unknown = client_->submit_video(request);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound) << unknown.error().to_string();
  EXPECT_EQ(server_->submits(), 2);  // the two tasks above, nothing for the refusals
}

// The service reads `action` ignoring case; so does the SDK's check for an extension.
TEST_F(EndpointTest, VideoExtendActionIgnoresCase) {
  const Task first = video("https://cdn.example.test/first.png", 1);
  VideoRequest request;
  request.action = "EXTEND";
  request.task_id = first.id;
  request.index = 0;
  auto submitted = client_->submit_video(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(server_->task(submitted->result)->parent_id, first.id);
}

// ---- POST /mj/submit/edits --------------------------------------------------------------------

TEST_F(EndpointTest, EditsSendsPromptImageAndMask) {
  EditsRequest request;
  request.prompt = "make the sky purple";
  request.image = png_uri();
  request.mask_base64 = png_uri();
  request.bot_type = BotType::MidJourney;
  request.account_filter = AccountFilter{};
  request.account_filter->remix = false;
  request.state = "edits-1";
  auto submitted = client_->submit_edits(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/edits"), (json{{"prompt", "make the sky purple"},
                                               {"image", png_uri()},
                                               {"maskBase64", png_uri()},
                                               {"botType", "MID_JOURNEY"},
                                               {"accountFilter", {{"remix", false}}},
                                               {"state", "edits-1"}}));
  const Task edited = finished(submitted->result);
  EXPECT_EQ(edited.action, "EDITS");
  EXPECT_FALSE(edited.image_url.empty());
}

TEST_F(EndpointTest, EditsOfAnImageUrlWithBannedWordIsBannedPrompt) {
  EditsRequest request;
  request.prompt = "add a bannedword";
  request.image = "https://cdn.example.test/photo.png";
  auto refused = client_->submit_edits(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::BannedPrompt) << refused.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/edits")["image"], "https://cdn.example.test/photo.png");
}

// ---- POST /mj/submit/upload-discord-images ----------------------------------------------------

TEST_F(EndpointTest, UploadReturnsOneUrlPerImageInOrder) {
  auto urls = client_->upload_images({png_uri(), gif_uri()});
  ASSERT_TRUE(urls.ok()) << urls.error().to_string();
  EXPECT_EQ(body_to("/mj/submit/upload-discord-images"),
            (json{{"base64Array", {png_uri(), gif_uri()}}}));
  ASSERT_EQ(urls->size(), 2u);
  EXPECT_NE((*urls)[0], (*urls)[1]);
  // Each URL serves the bytes that went up, in the order they were given.
  auto first = client_->download((*urls)[0]);
  auto second = client_->download((*urls)[1]);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, kPngBytes);
  EXPECT_EQ(*second, kGifBytes);
}

TEST_F(EndpointTest, UploadOfUndecodableImageNeverLeavesTheClient) {
  auto refused = client_->upload_images({"data:image/png;base64,abc"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::InvalidArgument) << refused.error().to_string();
  EXPECT_TRUE(server_->journal().empty());
}

// ---- POST /mj/insight-face/swap ---------------------------------------------------------------

TEST_F(EndpointTest, SwapFaceSendsBothImages) {
  SwapFaceRequest request;
  request.source_base64 = png_uri();
  request.target_base64 = gif_uri();
  request.state = "swap-1";
  auto submitted = client_->swap_face(request);
  ASSERT_TRUE(submitted.ok()) << submitted.error().to_string();
  EXPECT_EQ(body_to("/mj/insight-face/swap"),
            (json{{"sourceBase64", png_uri()}, {"targetBase64", gif_uri()}, {"state", "swap-1"}}));
  const Task swapped = finished(submitted->result);
  EXPECT_EQ(swapped.action, "SWAP_FACE");
  EXPECT_EQ(swapped.prompt, "InsightFace");
  EXPECT_FALSE(swapped.image_url.empty());
}

// ---- GET /mj/task/{id}/fetch ------------------------------------------------------------------

TEST_F(EndpointTest, FetchFollowsTheLifecycleWithTypedFields) {
  const std::string id = imagine("a lifecycle", "life-1");
  auto fresh = client_->fetch_task(id);
  ASSERT_TRUE(fresh.ok()) << fresh.error().to_string();
  const auto record = server_->last_request();
  EXPECT_EQ(record->method, "GET");
  EXPECT_EQ(record->path, "/mj/task/" + id + "/fetch");
  EXPECT_EQ(record->body, "");
  EXPECT_EQ(fresh->id, id);
  EXPECT_EQ(fresh->status, TaskStatus::NotSynced);
  EXPECT_EQ(fresh->state, "");  // echoed only after the first sync
  EXPECT_GT(fresh->submit_time, 0);
  EXPECT_EQ(fresh->start_time, 0);

  server_->advance(std::chrono::milliseconds(300));  // synced
  auto submitted = client_->fetch_task(id);
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(submitted->status, TaskStatus::Submitted);
  EXPECT_EQ(submitted->status_text, "SUBMITTED");
  EXPECT_EQ(submitted->state, "life-1");

  server_->advance(std::chrono::milliseconds(900));  // halfway through IN_PROGRESS
  auto running = client_->fetch_task(id);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->status, TaskStatus::InProgress);
  EXPECT_GT(running->progress, 5);
  EXPECT_LT(running->progress, 95);
  EXPECT_NE(running->image_url.find("?rand="), std::string::npos) << running->image_url;
  EXPECT_TRUE(running->buttons.empty());
  EXPECT_FALSE(running->finished());

  server_->advance(std::chrono::milliseconds(1000));
  auto done = client_->fetch_task(id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, TaskStatus::Success);
  EXPECT_TRUE(done->finished());
  EXPECT_EQ(done->progress, 100);
  EXPECT_EQ(done->image_url, server_->base_url() + "/mj/image/" + id);
  EXPECT_LE(done->submit_time, done->start_time);
  EXPECT_LT(done->start_time, done->finish_time);
  EXPECT_EQ(done->action, "IMAGINE");
  EXPECT_EQ(done->description, "Submit success");
  EXPECT_EQ(done->properties.final_prompt, "a lifecycle");
  EXPECT_EQ(done->buttons.size(), 9u);
}

TEST_F(EndpointTest, FetchOfAFailedTaskCarriesTheReason) {
  server_->fail_prompt("doomed", "Job failed: the sim said so");
  const std::string id = imagine("a doomed job");
  server_->advance(std::chrono::seconds(10));
  auto task = client_->fetch_task(id);
  ASSERT_TRUE(task.ok()) << task.error().to_string();
  EXPECT_EQ(task->status, TaskStatus::Failure);
  EXPECT_EQ(task->progress, 100);  // FAILURE also says 100%: check the status
  EXPECT_EQ(task->fail_reason, "Job failed: the sim said so");
}

TEST_F(EndpointTest, FetchOfUnknownOrForeignTaskIsNotFound) {
  auto unknown = client_->fetch_task("1000000000000000");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
  const std::string mine = imagine("mine alone");
  auto foreign = CometClient(client_options("sk-other")).fetch_task(mine);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().kind, ErrorKind::NotFound);
}

// ---- POST /mj/task/list-by-condition ----------------------------------------------------------

TEST_F(EndpointTest, ListByConditionSendsOnlyIdsAndDropsUnknownAndForeignOnes) {
  const std::string a = imagine("list a");
  const std::string b = imagine("list b");
  CometClient other(client_options("sk-other"));
  ImagineRequest theirs;
  theirs.prompt = "someone else's";
  const std::string foreign = other.submit_imagine(theirs).value().result;

  const std::vector<std::string> asked = {a, "1000000000000000", foreign, b};
  auto tasks = client_->list_tasks(asked);
  ASSERT_TRUE(tasks.ok()) << tasks.error().to_string();
  EXPECT_EQ(body_to("/mj/task/list-by-condition"), (json{{"ids", asked}}));
  std::set<std::string> ids;
  for (const Task& t : *tasks) {
    ids.insert(t.id);
    EXPECT_EQ(t.action, "IMAGINE");
  }
  EXPECT_EQ(tasks->size(), 2u);
  EXPECT_EQ(ids, (std::set<std::string>{a, b}));

  auto none = client_->list_tasks({"1000000000000000"});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// ---- GET /mj/task/{id}/image-seed -------------------------------------------------------------

TEST_F(EndpointTest, ImageSeedOfAFinishedTask) {
  const std::string id = imagine("a seeded fox");
  auto early = client_->image_seed(id);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().kind, ErrorKind::ApiRefused) << early.error().to_string();
  EXPECT_EQ(early.error().api_code, 4);

  finished(id);
  auto seed = client_->image_seed(id);
  ASSERT_TRUE(seed.ok()) << seed.error().to_string();
  EXPECT_EQ(server_->last_request()->method, "GET");
  EXPECT_EQ(server_->last_request()->path, "/mj/task/" + id + "/image-seed");
  ASSERT_FALSE(seed->empty());
  EXPECT_EQ(seed->find_first_not_of("0123456789"), std::string::npos) << *seed;
  EXPECT_EQ(client_->image_seed(id).value(), *seed);  // stable

  auto unknown = client_->image_seed("1000000000000000");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
}

// ---- GET /mj/image/{id} (download, download_to_file) ------------------------------------------

TEST_F(EndpointTest, DownloadGivesThePngBytesWithoutTheKey) {
  const Task grid = finished(imagine("bytes please"));
  auto bytes = client_->download(grid.image_url);
  ASSERT_TRUE(bytes.ok()) << bytes.error().to_string();
  EXPECT_EQ(bytes->substr(0, 8), kPngBytes.substr(0, 8));
  const auto record = server_->last_request();
  EXPECT_EQ(record->method, "GET");
  EXPECT_EQ(record->path, "/mj/image/" + grid.id);
  EXPECT_EQ(record->header("Authorization"), "");
}

TEST_F(EndpointTest, DownloadToFileWritesTheWholePng) {
  const Task grid = finished(imagine("save me"));
  const std::string dir = temp_dir();
  const std::string path = dir + "/grid.png";
  auto saved = client_->download_to_file(grid.image_url, path);
  ASSERT_TRUE(saved.ok()) << saved.error().to_string();
  EXPECT_EQ(files_in(dir), std::vector<std::string>{"grid.png"});  // no temporary file left
  const std::string bytes = read_file(path);
  EXPECT_EQ(bytes, client_->download(grid.image_url).value());
  EXPECT_EQ(detect_image_type(bytes), "image/png");
  EXPECT_EQ(png_size(bytes), png_size(client_->download(grid.image_url).value()));
}

TEST_F(EndpointTest, DownloadToFileThatFailsLeavesNoFile) {
  const Task grid = finished(imagine("not saved"));
  const std::string dir = temp_dir();
  const std::string path = dir + "/out.png";

  // The gateway's answer for an unknown task (HTTP 400).
  auto unknown =
      client_->download_to_file(server_->base_url() + "/mj/image/1000000000000000", path);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound) << unknown.error().to_string();
  EXPECT_TRUE(files_in(dir).empty());

  // A plain 404.
  auto missing = client_->download_to_file(server_->base_url() + "/attachments/none.png", path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound) << missing.error().to_string();
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_TRUE(files_in(dir).empty());

  // Larger than max_download_bytes: the transfer is cut off, and nothing is written.
  ClientOptions options = client_options();
  options.max_download_bytes = 64;
  CometClient limited(options);
  auto too_big = limited.download_to_file(grid.image_url, path);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().kind, ErrorKind::ResponseInvalid) << too_big.error().to_string();
  EXPECT_TRUE(files_in(dir).empty());

  // A file already at the path is left as it was.
  { std::ofstream(path, std::ios::binary) << "previous"; }
  ASSERT_FALSE(limited.download_to_file(grid.image_url, path).ok());
  EXPECT_EQ(files_in(dir), std::vector<std::string>{"out.png"});
  EXPECT_EQ(read_file(path), "previous");
}

TEST_F(EndpointTest, DownloadToFileIntoAMissingDirectoryFailsBeforeDownloading) {
  const Task grid = finished(imagine("nowhere"));
  const std::string dir = temp_dir();
  const int downloads = server_->requests_to("/mj/image/");
  auto failed = client_->download_to_file(grid.image_url, dir + "/no/such/dir/out.png");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::LocalFile) << failed.error().to_string();
  EXPECT_NE(failed.error().message.find(dir + "/no/such/dir"), std::string::npos)
      << failed.error().to_string();
  EXPECT_EQ(server_->requests_to("/mj/image/"), downloads);  // the folder is checked first
  EXPECT_TRUE(files_in(dir).empty());
}

TEST_F(EndpointTest, ADiskFailureAfterTheDownloadIsALocalFileError) {
  const Task grid = finished(imagine("unwritable"));
  // /proc/self is a folder where no file can be created, even by root.
  auto failed = client_->download_to_file(grid.image_url, "/proc/self/out.png");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::LocalFile) << failed.error().to_string();
  EXPECT_NE(failed.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(failed.error().message.find("/proc/self/out.png"), std::string::npos)
      << failed.error().to_string();
  EXPECT_GE(server_->requests_to("/mj/image/" + grid.id), 1);  // it did download first
}

}  // namespace
}  // namespace cometapi
