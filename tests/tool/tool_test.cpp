// cometmj end to end: the built binary against an in-process simulator on 127.0.0.1. Every test
// checks the exit code, parses stdout (JSON with nlohmann::json) and looks at stderr.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cometapi/testing/fake_server.hpp"
#include "silent_server.hpp"
#include "subprocess.hpp"

namespace cometmj::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
namespace sim = cometapi::testing;

constexpr const char* kKey = "sk-tool";

// A valid 1x1 PNG, for masks, blends and describes.
const unsigned char kPng[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08,
    0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D,
    0xB0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// SGR sequences (colours); the bar's cursor control (ESC[2K) is not a colour.
bool has_colour(const std::string& text) {
  return std::regex_search(text, std::regex("\x1b\\[[0-9;]*m"));
}

std::string explain(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") +
         "\n--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err;
}

// A port on 127.0.0.1 that nothing listens on (bound, read, closed).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class ToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::FakeServerOptions options;
    options.api_keys = {kKey};
    // The default phases are 1.8 s of simulated time: about 18 ms of real time at speed 100.
    options.speed = 100;
    options.seed = 7;
    server_ = std::make_unique<sim::FakeCometServer>(options);
    server_->start();
    char pattern[] = "/tmp/cometmj-tool-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    server_->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunSpec spec(std::vector<std::string> args) const {
    RunSpec spec;
    spec.args = std::move(args);
    spec.env = {{"COMETAPI_BASE_URL", server_->base_url()},
                {"COMETAPI_KEY", std::string(kKey)},
                // Poll the fast simulator quickly; the tool's real default is 2 s and up.
                {"COMETMJ_POLL_MS", std::string("20")},
                {"NO_COLOR", std::nullopt},
                // Loopback only: a proxy from the environment must not get in between.
                {"http_proxy", std::nullopt},
                {"https_proxy", std::nullopt},
                {"HTTP_PROXY", std::nullopt},
                {"HTTPS_PROXY", std::nullopt},
                {"all_proxy", std::nullopt},
                {"ALL_PROXY", std::nullopt}};
    return spec;
  }

  RunResult cometmj(std::vector<std::string> args) const {
    return run(COMETMJ_EXE, spec(std::move(args)));
  }

  // Runs with --json, expects success, and parses stdout (which must be one JSON document).
  json run_json(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    const RunResult r = cometmj(args);
    EXPECT_EQ(r.exit_code, 0) << explain(r);
    json parsed = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << explain(r);
    return parsed.is_discarded() ? json::object() : parsed;
  }

  std::string grid(const std::string& prompt = "a red fox") const {
    const json task = run_json({"imagine", prompt});
    EXPECT_EQ(task.value("status", ""), "SUCCESS");
    return task.value("id", "");
  }

  std::string upscaled() const {
    const json task = run_json({"upscale", grid(), "1"});
    EXPECT_EQ(task.value("status", ""), "SUCCESS");
    return task.value("id", "");
  }

  std::string submit_no_wait(const std::string& prompt) const {
    const RunResult r = cometmj({"imagine", "--no-wait", prompt});
    EXPECT_EQ(r.exit_code, 0) << explain(r);
    std::string id = r.out;
    while (!id.empty() && id.back() == '\n') id.pop_back();
    return id;
  }

  std::string png(const std::string& name) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(kPng), sizeof kPng);
    return path.string();
  }

  // The JSON bodies the simulator received on `path` (without mode prefix), oldest first.
  std::vector<json> bodies(const std::string& path) const {
    std::vector<json> result;
    for (const sim::RequestRecord& record : server_->journal()) {
      if (record.path == path) result.push_back(json::parse(record.body, nullptr, false));
    }
    return result;
  }

  std::string custom_id_of(const std::string& task_id) const {
    const auto info = server_->task(task_id);
    return info ? info->custom_id : std::string();
  }

  std::unique_ptr<sim::FakeCometServer> server_;
  fs::path dir_;
};

// ---- imagine ------------------------------------------------------------------------------------

TEST_F(ToolTest, ImagineWaitsAndPrintsTheTaskAsJson) {
  const RunResult r = cometmj({"--json", "imagine", "a", "red", "fox"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const json task = json::parse(r.out);  // throws if anything but the JSON is on stdout
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_EQ(task["action"], "IMAGINE");
  EXPECT_EQ(task["prompt"], "a red fox");
  EXPECT_EQ(task["progress"], "100%");
  EXPECT_EQ(task["buttons"].size(), 9u);
  EXPECT_TRUE(starts_with(task["imageUrl"], server_->base_url() + "/mj/image/"));
  const std::string id = task["id"];
  EXPECT_TRUE(contains(r.err, "task " + id + ": SUCCESS 100%")) << r.err;
  EXPECT_EQ(server_->tasks().size(), 1u);
}

TEST_F(ToolTest, ImagineNoWaitPrintsOnlyTheId) {
  const RunResult r = cometmj({"imagine", "--no-wait", "a red fox"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(std::regex_match(r.out, std::regex("[0-9]+\n"))) << r.out;
  const std::string id = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(server_->task(id).has_value());
  EXPECT_EQ(server_->requests_to("/mj/task/"), 0) << "--no-wait must not poll";
}

TEST_F(ToolTest, ImagineNoWaitJsonPrintsTheSubmitAnswer) {
  const json answer = run_json({"imagine", "--no-wait", "a red fox", "--state", "mine"});
  EXPECT_EQ(answer["code"], 1);
  ASSERT_TRUE(answer["result"].is_string());
  EXPECT_TRUE(server_->task(answer["result"].get<std::string>()).has_value());
  EXPECT_EQ(server_->submits_with_state("mine"), 1);
}

TEST_F(ToolTest, ImagineHumanOutputAndDownload) {
  const std::string out = (dir_ / "fox.png").string();
  const RunResult r = cometmj({"imagine", "a red fox", "--download", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 4u) << r.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex("id: +[0-9]+"))) << lines[0];
  EXPECT_TRUE(contains(r.out, "SUCCESS 100% (IMAGINE)")) << r.out;
  EXPECT_TRUE(contains(r.out, "buttons:  U1  U2  U3  U4")) << r.out;
  EXPECT_EQ(lines.back(), "saved:    " + out);
  EXPECT_TRUE(starts_with(read_file(out), "\x89PNG\r\n\x1a\n"));
}

TEST_F(ToolTest, ImagineSendsReferenceImageFilesAsDataUris) {
  const json task = run_json({"imagine", "a red fox", "--image", png("ref.png")});
  EXPECT_EQ(task["status"], "SUCCESS");
  const std::vector<json> sent = bodies("/mj/submit/imagine");
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0]["base64Array"].size(), 1u);
  EXPECT_TRUE(starts_with(sent[0]["base64Array"][0], "data:image/png;base64,"));
}

TEST_F(ToolTest, ModeSelectsThePathPrefixAndOptionsMayFollowTheSubcommand) {
  const RunResult r = cometmj({"imagine", "--no-wait", "a red fox", "--mode", "relax"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const auto last = server_->last_request();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->path, "/mj-relax/mj/submit/imagine");
}

TEST_F(ToolTest, KeyAndBaseUrlFlagsOverrideTheEnvironment) {
  const std::string id = grid();
  RunSpec s = spec({"--key", kKey, "--base-url", server_->base_url() + "/", "--json", "fetch", id});
  s.env["COMETAPI_KEY"] = "sk-wrong";
  s.env["COMETAPI_BASE_URL"] = "http://127.0.0.1:" + std::to_string(closed_port());
  const RunResult r = run(COMETMJ_EXE, s);
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_EQ(json::parse(r.out)["id"], id);
}

// ---- buttons ------------------------------------------------------------------------------------

TEST_F(ToolTest, PressFindsButtonsByLabelAndByEmoji) {
  const std::string parent = grid();
  const json upscale = run_json({"press", parent, "U2"});
  EXPECT_EQ(upscale["action"], "UPSCALE");
  EXPECT_TRUE(contains(custom_id_of(upscale["id"]), "upsample::2")) << upscale.dump();
  EXPECT_EQ(server_->task(upscale["id"].get<std::string>())->parent_id, parent);

  const json reroll = run_json({"press", parent, "🔄"});
  EXPECT_EQ(reroll["action"], "REROLL");
  EXPECT_EQ(reroll["status"], "SUCCESS");
}

TEST_F(ToolTest, PressUnknownButtonFailsAndListsTheButtons) {
  const std::string parent = grid();
  const RunResult r = cometmj({"press", parent, "U9"});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(contains(r.err, "has no button 'U9'")) << r.err;
  EXPECT_TRUE(contains(r.err, "U1")) << r.err;
}

TEST_F(ToolTest, PressOnAModalButtonPointsToItsCommand) {
  const std::string image = upscaled();
  const int before = server_->submits();
  const RunResult r = cometmj({"press", image, "Vary (Region)"});
  EXPECT_EQ(r.exit_code, 2) << explain(r);
  EXPECT_TRUE(contains(r.err, "vary-region")) << r.err;
  EXPECT_EQ(server_->submits(), before) << "nothing may be submitted";
}

TEST_F(ToolTest, UpscalePressesTheCurrentU) {
  const std::string parent = grid();
  const json task = run_json({"upscale", parent, "3"});
  EXPECT_EQ(task["action"], "UPSCALE");
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_TRUE(contains(custom_id_of(task["id"]), "upsample::3"));

  const RunResult out_of_range = cometmj({"upscale", parent, "5"});
  EXPECT_EQ(out_of_range.exit_code, 2) << explain(out_of_range);
}

TEST_F(ToolTest, UpscaleOfAnUnfinishedTaskIsRefused) {
  server_->stall_prompt("frozen");
  const std::string id = submit_no_wait("a frozen lake");
  const RunResult r = cometmj({"upscale", id, "1"});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_TRUE(contains(r.err, "buttons appear when it is SUCCESS")) << r.err;
}

TEST_F(ToolTest, VaryOnAGridAndOnAnUpscaledImage) {
  const std::string parent = grid();
  const json v2 = run_json({"vary", parent, "2"});
  EXPECT_EQ(v2["action"], "VARIATION");
  EXPECT_TRUE(contains(custom_id_of(v2["id"]), "variation::2"));

  run_json({"vary", parent, "1", "--strong"});
  const std::vector<json> actions = bodies("/mj/submit/action");
  ASSERT_FALSE(actions.empty());
  EXPECT_EQ(actions.back().value("strong", false), true) << actions.back().dump();

  const std::string image = upscaled();
  const json subtle = run_json({"vary", image});
  EXPECT_TRUE(contains(custom_id_of(subtle["id"]), "low_variation")) << subtle.dump();
  const json strong = run_json({"vary", image, "--strong"});
  EXPECT_TRUE(contains(custom_id_of(strong["id"]), "high_variation")) << strong.dump();
}

TEST_F(ToolTest, RerollRunsTheGridAgain) {
  const json task = run_json({"reroll", grid()});
  EXPECT_EQ(task["action"], "REROLL");
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_TRUE(contains(custom_id_of(task["id"]), "reroll"));
}

TEST_F(ToolTest, ZoomOutByTwoOrOneAndAHalf) {
  const std::string image = upscaled();
  const json two = run_json({"zoom", image, "2"});
  EXPECT_EQ(two["status"], "SUCCESS");
  EXPECT_TRUE(contains(custom_id_of(two["id"]), "Outpaint::50"));
  const json one_and_half = run_json({"zoom", image, "1.5x"});
  EXPECT_TRUE(contains(custom_id_of(one_and_half["id"]), "Outpaint::75"));

  const RunResult bad = cometmj({"zoom", image, "3"});
  EXPECT_EQ(bad.exit_code, 2) << explain(bad);
  EXPECT_TRUE(contains(bad.err, "custom-zoom")) << bad.err;
}

TEST_F(ToolTest, PanInADirection) {
  const std::string image = upscaled();
  const json task = run_json({"pan", image, "left"});
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_TRUE(contains(custom_id_of(task["id"]), "pan_left"));

  const RunResult bad = cometmj({"pan", image, "sideways"});
  EXPECT_EQ(bad.exit_code, 2) << explain(bad);
}

TEST_F(ToolTest, VaryRegionSendsTheMaskThroughTheModal) {
  const std::string image = upscaled();
  const json task =
      run_json({"vary-region", image, "--mask", png("mask.png"), "--prompt", "a hat"});
  EXPECT_EQ(task["status"], "SUCCESS");
  const std::vector<json> modals = bodies("/mj/submit/modal");
  ASSERT_EQ(modals.size(), 1u);
  EXPECT_TRUE(starts_with(modals[0]["maskBase64"], "data:image/png;base64,"));
  EXPECT_EQ(modals[0]["prompt"], "a hat");

  const RunResult no_mask = cometmj({"vary-region", image, "--prompt", "a hat"});
  EXPECT_EQ(no_mask.exit_code, 2) << explain(no_mask);
}

TEST_F(ToolTest, CustomZoomAddsTheZoomToThePrompt) {
  const std::string image = upscaled();
  const json task = run_json({"custom-zoom", image, "1.5"});
  EXPECT_EQ(task["status"], "SUCCESS");
  const std::vector<json> modals = bodies("/mj/submit/modal");
  ASSERT_EQ(modals.size(), 1u);
  EXPECT_EQ(modals[0]["prompt"], "a red fox --zoom 1.5");

  const RunResult bad = cometmj({"custom-zoom", image, "2.5"});
  EXPECT_EQ(bad.exit_code, 2) << explain(bad);
}

TEST_F(ToolTest, RemixStopsInModalAndModalContinuesIt) {
  const std::string parent = grid();
  const RunResult r = cometmj({"--json", "vary", parent, "1", "--remix"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const json modal = json::parse(r.out);
  EXPECT_EQ(modal["status"], "MODAL");
  EXPECT_TRUE(contains(r.err, "cometmj modal " + modal["id"].get<std::string>())) << r.err;

  const json done = run_json({"modal", modal["id"], "--prompt", "a blue fox"});
  EXPECT_EQ(done["status"], "SUCCESS");

  const json remixed = run_json({"reroll", parent, "--remix-prompt", "a green fox"});
  EXPECT_EQ(remixed["status"], "SUCCESS");
  const std::vector<json> modals = bodies("/mj/submit/modal");
  ASSERT_EQ(modals.size(), 2u);
  EXPECT_EQ(modals[1]["prompt"], "a green fox");
}

// ---- other submits ------------------------------------------------------------------------------

TEST_F(ToolTest, BlendSendsTheImages) {
  const json task = run_json({"blend", png("a.png"), png("b.png"), "--dimensions", "landscape"});
  EXPECT_EQ(task["action"], "BLEND");
  EXPECT_EQ(task["status"], "SUCCESS");
  const std::vector<json> sent = bodies("/mj/submit/blend");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["base64Array"].size(), 2u);
  EXPECT_EQ(sent[0]["dimensions"], "LANDSCAPE");

  const RunResult one = cometmj({"blend", png("c.png")});
  EXPECT_EQ(one.exit_code, 2) << explain(one);
  EXPECT_EQ(server_->submits(), 1);
}

TEST_F(ToolTest, DescribeAFileOrAUrl) {
  const RunResult r = cometmj({"describe", png("photo.png")});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(contains(r.out, "(DESCRIBE)")) << r.out;
  EXPECT_TRUE(contains(r.out, "prompts:  ")) << r.out;

  const std::string url = server_->base_url() + "/mj/image/" + grid();
  const json task = run_json({"describe", url});
  EXPECT_EQ(task["action"], "DESCRIBE");
  // The simulator's default upstream puts the suggestions in properties.finalPrompt.
  EXPECT_FALSE(task["properties"]["finalPrompt"].get<std::string>().empty()) << task.dump();
  const std::vector<json> sent = bodies("/mj/submit/describe");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(starts_with(sent[0]["base64"], "data:image/png;base64,"));
  EXPECT_EQ(sent[1]["link"], url);

  const RunResult missing = cometmj({"describe", (dir_ / "nope.png").string()});
  EXPECT_EQ(missing.exit_code, 2) << explain(missing);
}

TEST_F(ToolTest, ShortenAPrompt) {
  const json task =
      run_json({"shorten", "a", "very", "detailed", "and", "rather", "long", "prompt"});
  EXPECT_EQ(task["action"], "SHORTEN");
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_FALSE(task["properties"]["finalPrompt"].get<std::string>().empty()) << task.dump();
  EXPECT_EQ(bodies("/mj/submit/shorten").at(0)["prompt"], "a very detailed and rather long prompt");
}

TEST_F(ToolTest, VideoFromAnImageAndDownload) {
  const std::string image_url = server_->base_url() + "/mj/image/" + grid();
  const std::string out_dir = (dir_ / "videos").string() + "/";
  const json task = run_json({"video", image_url, "--motion", "high", "--batch-size", "2",
                              "--download", "--out", out_dir});
  EXPECT_EQ(task["action"], "VIDEO");
  EXPECT_EQ(task["status"], "SUCCESS");
  EXPECT_EQ(task["videoUrls"].size(), 2u);
  const std::vector<json> sent = bodies("/mj/submit/video");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["motion"], "high");
  EXPECT_EQ(sent[0]["batchSize"], 2);
  const fs::path saved = fs::path(out_dir) / (task["id"].get<std::string>() + ".mp4");
  EXPECT_TRUE(fs::exists(saved)) << saved;
  EXPECT_GT(fs::file_size(saved), 0u);

  const json extended =
      run_json({"video", "--extend", task["id"], "--index", "1", "--prompt", "the fox runs"});
  EXPECT_EQ(extended["action"], "VIDEO");
  EXPECT_EQ(extended["status"], "SUCCESS");
  const json extend_body = bodies("/mj/submit/video").at(1);
  EXPECT_EQ(extend_body["action"], "extend");
  EXPECT_EQ(extend_body["taskId"], task["id"]);
  EXPECT_EQ(extend_body["index"], 1);

  const RunResult nothing = cometmj({"video"});
  EXPECT_EQ(nothing.exit_code, 2) << explain(nothing);
}

// ---- reading tasks ------------------------------------------------------------------------------

TEST_F(ToolTest, FetchOneOrManyTasks) {
  const std::string first = grid();
  const std::string second = submit_no_wait("a blue fox");
  const json one = run_json({"fetch", first});
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(one["id"], first);
  const json both = run_json({"fetch", first, second});
  ASSERT_TRUE(both.is_array());
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["id"], first);
  EXPECT_EQ(both[1]["id"], second);

  const RunResult human = cometmj({"fetch", first});
  ASSERT_EQ(human.exit_code, 0) << explain(human);
  EXPECT_TRUE(contains(human.out, "SUCCESS 100% (IMAGINE)")) << human.out;

  const RunResult unknown = cometmj({"fetch", "1234567890123456"});
  EXPECT_EQ(unknown.exit_code, 1) << explain(unknown);
  EXPECT_TRUE(contains(unknown.err, "NotFound")) << unknown.err;
  EXPECT_TRUE(unknown.out.empty());
}

TEST_F(ToolTest, WaitFollowsATaskToTheEnd) {
  const std::string id = submit_no_wait("a red fox");
  const RunResult r = cometmj({"--json", "wait", id});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_EQ(json::parse(r.out)["status"], "SUCCESS");
  EXPECT_TRUE(contains(r.err, "task " + id + ": SUCCESS 100%")) << r.err;

  // An already finished task is reported at once.
  EXPECT_EQ(run_json({"wait", id})["id"], id);
}

TEST_F(ToolTest, WaitOnAFailedTaskExitsOne) {
  server_->fail_prompt("doomed", "Job failed: the fox ran away");
  const std::string id = submit_no_wait("a doomed fox");
  const RunResult r = cometmj({"wait", id});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_TRUE(contains(r.err, "the fox ran away")) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(ToolTest, ButtonsListsWhatCanBePressed) {
  const std::string parent = grid();
  const json buttons = run_json({"buttons", parent});
  ASSERT_TRUE(buttons.is_array());
  ASSERT_EQ(buttons.size(), 9u);
  EXPECT_EQ(buttons[0]["name"], "U1");
  EXPECT_EQ(buttons[0]["kind"], "Upscale");
  EXPECT_EQ(buttons[0]["index"], 1);
  EXPECT_FALSE(buttons[0]["customId"].get<std::string>().empty());

  const RunResult human = cometmj({"buttons", upscaled()});
  ASSERT_EQ(human.exit_code, 0) << explain(human);
  EXPECT_TRUE(std::regex_search(human.out, std::regex("Vary \\(Region\\) +VaryRegion +\\(cometmj "
                                                      "vary-region\\)")))
      << human.out;
  EXPECT_TRUE(contains(human.out, "Zoom Out 2x")) << human.out;
}

TEST_F(ToolTest, DownloadToAFileOrADirectory) {
  const std::string id = grid();
  const std::string file = (dir_ / "grid.png").string();
  const RunResult r = cometmj({"download", id, "--out", file});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_EQ(r.out, file + "\n");
  EXPECT_TRUE(starts_with(read_file(file), "\x89PNG"));

  const std::string dir = (dir_ / "out").string() + "/";
  const RunResult into_dir = cometmj({"download", id, "-o", dir});
  ASSERT_EQ(into_dir.exit_code, 0) << explain(into_dir);
  EXPECT_EQ(into_dir.out, (fs::path(dir) / (id + ".png")).string() + "\n");
  EXPECT_TRUE(starts_with(read_file(fs::path(dir) / (id + ".png")), "\x89PNG"));

  server_->stall_prompt("frozen");
  const std::string unfinished = submit_no_wait("a frozen lake");
  const RunResult early = cometmj({"download", unfinished});
  EXPECT_EQ(early.exit_code, 1) << explain(early);
  EXPECT_TRUE(early.out.empty());
}

// ---- split --------------------------------------------------------------------------------------

// The width and height a PNG's IHDR declares.
std::pair<int, int> png_size(const std::string& file) {
  const auto be32 = [&](std::size_t at) {
    int v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(file[at + i]);
    return v;
  };
  return file.size() < 24 ? std::pair{0, 0} : std::pair{be32(16), be32(20)};
}

TEST_F(ToolTest, SplitATaskOrAFileIntoFourPngs) {
  const std::string id = grid("a wide valley --ar 16:9");
  const fs::path by_task = dir_ / "by-task";
  const RunResult r = cometmj({"split", id, "--out", by_task.string()});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  std::string expected;
  for (int i = 1; i <= 4; ++i) {
    const fs::path file = by_task / (id + "-" + std::to_string(i) + ".png");
    expected += file.string() + "\n";
    EXPECT_EQ(png_size(read_file(file)), (std::pair{228, 128})) << file;  // 16:9 quadrants
  }
  EXPECT_EQ(r.out, expected);
  EXPECT_NE(read_file(by_task / (id + "-1.png")), read_file(by_task / (id + "-4.png")));
  EXPECT_FALSE(fs::exists(by_task / (id + "-1.png.part")));  // written aside, then renamed

  // download --split: the same four files.
  const fs::path by_download = dir_ / "by-download";
  const RunResult d = cometmj({"download", id, "--split", "-o", by_download.string()});
  ASSERT_EQ(d.exit_code, 0) << explain(d);
  for (int i = 1; i <= 4; ++i) {
    const std::string name = id + "-" + std::to_string(i) + ".png";
    EXPECT_EQ(read_file(by_download / name), read_file(by_task / name)) << name;
  }

  // A grid file already on disk: named after the file, no key or service needed for it.
  const std::string saved = (dir_ / "valley.png").string();
  ASSERT_EQ(cometmj({"download", id, "-o", saved}).exit_code, 0);
  const fs::path by_file = dir_ / "by-file";
  RunSpec offline = spec({"--json", "split", saved, "-o", by_file.string()});
  offline.env["COMETAPI_KEY"] = std::nullopt;
  offline.env["COMETAPI_BASE_URL"] = "http://127.0.0.1:9";
  const RunResult f = run(COMETMJ_EXE, offline);
  ASSERT_EQ(f.exit_code, 0) << explain(f);
  const json listed = json::parse(f.out);
  EXPECT_EQ(listed["task"], nullptr);
  ASSERT_EQ(listed["files"].size(), 4u);
  for (int i = 1; i <= 4; ++i) {
    const std::string name = "valley-" + std::to_string(i) + ".png";
    EXPECT_EQ(listed["files"][i - 1], (by_file / name).string());
    EXPECT_EQ(read_file(by_file / name),
              read_file(by_task / (id + "-" + std::to_string(i) + ".png")));
  }
}

TEST_F(ToolTest, SplitRefusesWhatIsNotAGrid) {
  const std::string junk = (dir_ / "junk.png").string();
  std::ofstream(junk) << "not an image at all";
  const fs::path out = dir_ / "nothing";
  const RunResult bad = cometmj({"split", junk, "-o", out.string()});
  EXPECT_EQ(bad.exit_code, 2) << explain(bad);
  EXPECT_NE(bad.err.find("not a PNG, JPEG or WebP image"), std::string::npos) << explain(bad);
  EXPECT_FALSE(fs::exists(out));

  const RunResult tiny = cometmj({"split", png("one-pixel.png"), "-o", out.string()});
  EXPECT_EQ(tiny.exit_code, 2) << explain(tiny);
  EXPECT_NE(tiny.err.find("too small to be a 2x2 grid"), std::string::npos) << explain(tiny);

  const RunResult upscale = cometmj({"split", upscaled(), "-o", out.string()});
  EXPECT_EQ(upscale.exit_code, 2) << explain(upscale);
  EXPECT_NE(upscale.err.find("is not a 2x2 grid"), std::string::npos) << explain(upscale);

  // Like download, download --split does not wait: an unfinished task exits 1.
  server_->stall_prompt("frozen");
  const std::string unfinished = submit_no_wait("a frozen lake");
  const RunResult early = cometmj({"download", unfinished, "--split", "-o", out.string()});
  EXPECT_EQ(early.exit_code, 1) << explain(early);
  EXPECT_NE(early.err.find("no finished image to split yet"), std::string::npos) << explain(early);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ToolTest, SeedPrintsTheSeed) {
  const std::string id = grid();
  const RunResult r = cometmj({"seed", id});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(std::regex_match(r.out, std::regex("[0-9]+\n"))) << r.out;
  const json seed = run_json({"seed", id});
  EXPECT_EQ(seed["id"], id);
  EXPECT_EQ(seed["seed"].get<std::string>() + "\n", r.out);
}

// ---- sim ----------------------------------------------------------------------------------------

TEST_F(ToolTest, SimPrintsItsUrlServesAndStopsOnCtrlC) {
  RunSpec s = spec({"sim", "--port", "0", "--speed", "100", "--accept-key", "sk-sim"});
  std::string url;
  RunResult inner;
  s.on_output = [&](pid_t child, const std::string& out, const std::string&) {
    const std::size_t newline = out.find('\n');
    if (newline == std::string::npos) return false;
    url = out.substr(0, newline);
    RunSpec client = spec({"--json", "imagine", "a fox in the simulator"});
    client.env["COMETAPI_BASE_URL"] = url;
    client.env["COMETAPI_KEY"] = "sk-sim";
    inner = run(COMETMJ_EXE, client);
    kill(child, SIGINT);
    return true;
  };
  const RunResult r = run(COMETMJ_EXE, s);
  EXPECT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(std::regex_match(url, std::regex("http://127\\.0\\.0\\.1:[0-9]+"))) << url;
  EXPECT_EQ(inner.exit_code, 0) << explain(inner);
  EXPECT_EQ(json::parse(inner.out)["status"], "SUCCESS");
  EXPECT_TRUE(contains(r.err, "POST /mj/submit/imagine -> 200")) << r.err;
  EXPECT_EQ(server_->submits(), 0) << "the test's own simulator saw nothing";
}

// ---- exit codes ---------------------------------------------------------------------------------

TEST_F(ToolTest, FailedTaskExitsOneWithOneErrorLine) {
  server_->fail_prompt("doomed", "Job failed: boom");
  const RunResult r = cometmj({"--quiet", "imagine", "a doomed fox"});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_TRUE(r.out.empty());
  const std::vector<std::string> lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_TRUE(starts_with(lines[0], "cometmj: TaskFailed")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "Job failed: boom")) << lines[0];
}

TEST_F(ToolTest, BannedPromptExitsOne) {
  const RunResult r = cometmj({"imagine", "a bannedword fox"});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  EXPECT_TRUE(contains(r.err, "BannedPrompt")) << r.err;
  EXPECT_EQ(server_->tasks().size(), 0u);
}

TEST_F(ToolTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"frobnicate"},
                                             {"upscale", "123"},
                                             {"--mode", "warp", "fetch", "1"},
                                             {"--timeout", "-1", "fetch", "1"},
                                             {"imagine"},
                                             {"imagine", "x", "--no-wait", "--download"}}) {
    const RunResult r = cometmj(args);
    EXPECT_EQ(r.exit_code, 2) << explain(r);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_TRUE(server_->journal().empty()) << "usage errors send nothing";
  const RunResult help = cometmj({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "vary-region")) << help.out;
}

TEST_F(ToolTest, WrongKeyExitsThree) {
  const std::string id = grid();
  RunSpec s = spec({"fetch", id});
  s.env["COMETAPI_KEY"] = "sk-wrong";
  const RunResult r = run(COMETMJ_EXE, s);
  EXPECT_EQ(r.exit_code, 3) << explain(r);
  EXPECT_TRUE(contains(r.err, "Authentication")) << r.err;
  EXPECT_FALSE(contains(r.err, "sk-wrong")) << "the key never appears in output";
}

TEST_F(ToolTest, MissingKeyExitsThree) {
  RunSpec s = spec({"imagine", "a red fox"});
  s.env["COMETAPI_KEY"] = std::nullopt;
  const RunResult r = run(COMETMJ_EXE, s);
  EXPECT_EQ(r.exit_code, 3) << explain(r);
  EXPECT_TRUE(contains(r.err, "COMETAPI_KEY")) << r.err;
  EXPECT_TRUE(server_->journal().empty());
}

TEST_F(ToolTest, ClosedPortExitsFour) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  const RunResult r = cometmj({"--base-url", url, "imagine", "a red fox"});
  EXPECT_EQ(r.exit_code, 4) << explain(r);
  EXPECT_TRUE(contains(r.err, "Connection")) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(ToolTest, TimeoutOfAStalledTaskExitsFour) {
  server_->stall_prompt("frozen", sim::StallAt::Submitted);
  const RunResult r = cometmj({"--timeout", "0.5", "imagine", "a frozen lake"});
  EXPECT_EQ(r.exit_code, 4) << explain(r);
  EXPECT_TRUE(contains(r.err, "cometmj: DeadlineExceeded")) << r.err;
  EXPECT_TRUE(contains(r.err, "cometmj wait ")) << r.err;
}

TEST_F(ToolTest, CtrlCDuringAWaitExitsOneThirty) {
  server_->stall_prompt("frozen", sim::StallAt::InProgress);
  RunSpec s = spec({"imagine", "a frozen lake"});
  s.on_output = [](pid_t child, const std::string&, const std::string& err) {
    if (!contains(err, "IN_PROGRESS")) return false;
    kill(child, SIGINT);
    return true;
  };
  const RunResult r = run(COMETMJ_EXE, s);
  EXPECT_EQ(r.exit_code, 130) << explain(r);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(r.out.empty()) << r.out;
  const std::vector<std::string> lines = lines_of(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(starts_with(lines.back(), "cometmj: Cancelled")) << r.err;
  EXPECT_TRUE(contains(lines.back(), "cometmj wait ")) << r.err;
}

TEST_F(ToolTest, VerboseTracesRequestsWithoutTheKey) {
  const std::string id = grid();
  const RunResult r = cometmj({"-v", "fetch", id});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(contains(r.err, "trace: GET ")) << r.err;
  EXPECT_TRUE(contains(r.err, "/mj/task/" + id + "/fetch")) << r.err;
  EXPECT_FALSE(contains(r.err, kKey)) << r.err;
  EXPECT_TRUE(contains(r.out, "id:       " + id)) << r.out;
}

// ---- progress display ---------------------------------------------------------------------------

TEST_F(ToolTest, PlainProgressLinesWhenStderrIsNotATerminal) {
  const RunResult r = cometmj({"imagine", "--json", "a red fox"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  const std::string id = json::parse(r.out)["id"];
  EXPECT_FALSE(contains(r.err, "\r"));
  EXPECT_FALSE(contains(r.err, "\x1b"));
  int progress_lines = 0;
  for (const std::string& line : lines_of(r.err)) {
    if (starts_with(line, "task " + id + ": ")) {
      ++progress_lines;
      EXPECT_TRUE(std::regex_match(line, std::regex("task [0-9]+: [A-Z_]+ [0-9]+%"))) << line;
    }
  }
  EXPECT_GE(progress_lines, 1) << r.err;
}

TEST_F(ToolTest, ProgressBarOnATerminalHonoursNoColor) {
  RunSpec s = spec({"imagine", "a red fox"});
  s.stderr_tty = true;
  s.env["TERM"] = "xterm";
  const RunResult coloured = run(COMETMJ_EXE, s);
  ASSERT_EQ(coloured.exit_code, 0) << explain(coloured);
  EXPECT_TRUE(contains(coloured.err, "\r\x1b[2K")) << coloured.err;
  EXPECT_TRUE(std::regex_search(coloured.err, std::regex("100% .*SUCCESS"))) << coloured.err;
  EXPECT_TRUE(has_colour(coloured.err)) << coloured.err;

  s.env["NO_COLOR"] = "1";
  const RunResult plain = run(COMETMJ_EXE, s);
  ASSERT_EQ(plain.exit_code, 0) << explain(plain);
  EXPECT_TRUE(contains(plain.err, "100% SUCCESS")) << plain.err;
  EXPECT_FALSE(has_colour(plain.err)) << plain.err;
}

TEST_F(ToolTest, QuietLeavesStderrEmptyOnSuccess) {
  const RunResult r = cometmj({"--quiet", "--json", "imagine", "a red fox"});
  ASSERT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(json::parse(r.out)["status"], "SUCCESS");
}

// ---- the SDK's seams, seen from the terminal
// -----------------------------------------------------

TEST_F(ToolTest, TimeoutBoundsTheWholeCommandHttpIncluded) {
  cometapi::test::SilentServer silent;
  RunSpec s = spec({"--timeout", "3", "fetch", "1773314942177684"});
  s.env["COMETAPI_BASE_URL"] = silent.base_url();
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = run(COMETMJ_EXE, s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.exit_code, 4) << explain(r);
  EXPECT_TRUE(contains(r.err, "DeadlineExceeded")) << r.err;
  EXPECT_LT(took, std::chrono::milliseconds(3500));
}

TEST_F(ToolTest, FirstCtrlCCancelsARequestTheServerNeverAnswers) {
  cometapi::test::SilentServer silent;
  RunSpec s = spec({"-v", "fetch", "1773314942177684"});
  s.env["COMETAPI_BASE_URL"] = silent.base_url();
  s.on_output = [](pid_t child, const std::string&, const std::string& err) {
    if (!contains(err, "trace: GET ")) return false;
    kill(child, SIGINT);  // once: no second Ctrl-C is needed any more
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = run(COMETMJ_EXE, s);
  EXPECT_EQ(r.exit_code, 130) << explain(r);
  EXPECT_TRUE(contains(r.err, "Cancelled")) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(ToolTest, JsonFailureIsOneJsonObjectOnStdoutNamingTheTask) {
  server_->fail_prompt("boom", "Job failed: the prompt went boom");
  const RunResult r = cometmj({"--json", "imagine", "boom"});
  EXPECT_EQ(r.exit_code, 1) << explain(r);
  const json parsed = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << explain(r);
  ASSERT_TRUE(parsed.contains("error")) << r.out;
  EXPECT_EQ(parsed["error"]["kind"], "TaskFailed");
  EXPECT_EQ(parsed["error"]["message"], "Job failed: the prompt went boom");
  const std::string id = parsed["error"].value("task_id", "");
  ASSERT_FALSE(id.empty()) << r.out;
  EXPECT_TRUE(server_->task(id).has_value());
  // The stderr line says it too: the reason and the task.
  EXPECT_TRUE(contains(r.err, "the prompt went boom")) << r.err;
  EXPECT_TRUE(contains(r.err, "task " + id)) << r.err;
}

TEST_F(ToolTest, ARetriedPollIsShownDuringTheWait) {
  // More failures in a row than one call retries (3 attempts): the wait sees a failed poll.
  server_->fail_next("/mj/task/", sim::FaultKind::InternalError, 3);
  const RunResult r = cometmj({"imagine", "a patient fox"});
  EXPECT_EQ(r.exit_code, 0) << explain(r);
  EXPECT_TRUE(contains(r.err, "service error (HTTP 500), retrying (attempt 2)")) << r.err;
}

}  // namespace
}  // namespace cometmj::test
