// CometClient over the scripted transport: what goes on the wire, and input validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cometapi/version.hpp"
#include "core/platform.hpp"
#include "test_support.hpp"

namespace cometapi {
namespace {

using nlohmann::json;
using test::header_of;
using test::kKey;
using test::kSubmitOk;
using test::UnitClient;

TEST(Wire, SubmitActionSendsBearerJsonAndUserAgent) {
  UnitClient unit;
  unit.transport->reply(200, kSubmitOk);
  ActionRequest request;
  request.task_id = "1773314942177684";
  request.custom_id = "MJ::JOB::variation::3::example";
  auto result = unit.client.submit_action(request);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->code, 1);
  EXPECT_EQ(result->result, "1773314942177684");

  const auto sent = unit.transport->requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://api.example.test/mj/submit/action");
  EXPECT_EQ(header_of(sent, "Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(header_of(sent, "Content-Type"), "application/json");
  const std::string agent = header_of(sent, "User-Agent");
  EXPECT_EQ(agent.rfind(std::string("cometapi-cpp/") + kVersion, 0), 0u) << agent;
  EXPECT_EQ(json::parse(sent.body),
            (json{{"taskId", "1773314942177684"}, {"customId", "MJ::JOB::variation::3::example"}}));
}

TEST(Wire, FetchIsAGetOnTheTaskPath) {
  UnitClient unit;
  unit.transport->reply(200,
                        R"({"id":"1773314942177684","status":"IN_PROGRESS","progress":"45%"})");
  auto task = unit.client.fetch_task("1773314942177684");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->progress, 45);
  const auto sent = unit.transport->requests().at(0);
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url, "https://api.example.test/mj/task/1773314942177684/fetch");
  EXPECT_TRUE(sent.body.empty());
  EXPECT_EQ(header_of(sent, "Content-Type"), "");
}

TEST(Wire, ModeSelectsThePathPrefix) {
  const std::pair<Mode, const char*> cases[] = {
      {Mode::Default, "https://api.example.test/mj/submit/imagine"},
      {Mode::Fast, "https://api.example.test/mj-fast/mj/submit/imagine"},
      {Mode::Relax, "https://api.example.test/mj-relax/mj/submit/imagine"},
      {Mode::Turbo, "https://api.example.test/mj-turbo/mj/submit/imagine"}};
  for (const auto& [mode, url] : cases) {
    ClientOptions options = test::unit_options(nullptr, nullptr);
    options.mode = mode;
    options.base_url = "https://api.example.test/";
    UnitClient unit(options);
    unit.transport->reply(200, kSubmitOk);
    ImagineRequest request;
    request.prompt = "x";
    ASSERT_TRUE(unit.client.submit_imagine(request).ok());
    EXPECT_EQ(unit.transport->requests().at(0).url, url);
  }
}

TEST(Wire, BaseUrlMayCarryAPathPrefix) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.base_url = "https://proxy.example.test/comet/";
  options.mode = Mode::Relax;
  UnitClient unit(options);
  unit.transport->reply(200, R"({"id":"1"})");
  ASSERT_TRUE(unit.client.fetch_task("1").ok());
  EXPECT_EQ(unit.transport->requests().at(0).url,
            "https://proxy.example.test/comet/mj-relax/mj/task/1/fetch");
}

TEST(Wire, UserAgentSuffixIsAppended) {
  ClientOptions options = test::unit_options(nullptr, nullptr);
  options.user_agent_suffix = "myapp/2.0";
  UnitClient unit(options);
  unit.transport->reply(200, R"({"id":"1"})");
  ASSERT_TRUE(unit.client.fetch_task("1").ok());
  const std::string agent = header_of(unit.transport->requests().at(0), "User-Agent");
  EXPECT_NE(agent.find("myapp/2.0"), std::string::npos);
}

TEST(Validation, TaskIdThatWouldChangeThePathIsRefused) {
  UnitClient unit;
  for (const char* id :
       {"", "../admin", "1/2", "1?x=2", "1#frag", "1 2", "1%2F", "1\r\nX: y", "ab.cd"}) {
    auto result = unit.client.fetch_task(id);
    ASSERT_FALSE(result.ok()) << id;
    EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument) << id;
    EXPECT_FALSE(unit.client.image_seed(id).ok());
    ActionRequest action;
    action.task_id = id;
    action.custom_id = "MJ::JOB::upsample::1::h";
    EXPECT_EQ(unit.client.submit_action(action).error().kind, ErrorKind::InvalidArgument);
  }
  EXPECT_EQ(unit.transport->request_count(), 0u);
  auto error = unit.client.fetch_task("12/34").error();
  EXPECT_NE(error.message.find("'/'"), std::string::npos) << error.message;
}

TEST(Validation, ActionNeedsACustomId) {
  UnitClient unit;
  ActionRequest action;
  action.task_id = "1";
  auto result = unit.client.submit_action(action);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument);
  EXPECT_NE(result.error().message.find("custom_id"), std::string::npos);
  EXPECT_EQ(unit.transport->request_count(), 0u);
}

TEST(Validation, ImagineNeedsAPromptAndRealDataUris) {
  UnitClient unit;
  ImagineRequest request;
  request.prompt = "   ";
  auto empty = unit.client.submit_imagine(request);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("prompt"), std::string::npos);

  request.prompt = "a fox";
  request.base64_array = {"https://example.test/a.png"};
  auto not_uri = unit.client.submit_imagine(request);
  ASSERT_FALSE(not_uri.ok());
  EXPECT_NE(not_uri.error().message.find("base64_array[0]"), std::string::npos);

  request.base64_array = {"data:image/png;base64,iVBO RW0K"};
  EXPECT_EQ(unit.client.submit_imagine(request).error().kind, ErrorKind::InvalidArgument);
  request.base64_array = {"data:image/png,iVBORw0K"};
  EXPECT_EQ(unit.client.submit_imagine(request).error().kind, ErrorKind::InvalidArgument);

  request.base64_array = {};
  request.state = std::string(256, 's');
  EXPECT_NE(unit.client.submit_imagine(request).error().message.find("state"), std::string::npos);
  EXPECT_EQ(unit.transport->request_count(), 0u);
}

TEST(Submit, Code21And22AreAccepted) {
  UnitClient unit;
  unit.transport
      ->reply(200, R"({"code":21,"description":"Waiting for window confirm","result":"17",
                       "properties":{"finalPrompt":"fox","remix":true}})")
      .reply(
          200,
          R"({"code":22,"description":"排队中","result":"18","properties":{"numberOfQueues":2}})");
  ActionRequest action;
  action.task_id = "1";
  action.custom_id = "MJ::Inpaint::1::h::SOLO";
  auto modal = unit.client.submit_action(action);
  ASSERT_TRUE(modal.ok());
  EXPECT_TRUE(modal->modal_opened());
  auto queued = unit.client.submit_action(action);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queued->properties.number_of_queues, 2);
}

TEST(Submit, AcceptedWithoutTaskIdIsResponseInvalid) {
  UnitClient unit;
  unit.transport->reply(200, R"({"code":1,"description":"Submit success","result":null})");
  ImagineRequest request;
  request.prompt = "x";
  auto result = unit.client.submit_imagine(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::ResponseInvalid);
  EXPECT_TRUE(result.error().maybe_submitted);
}

TEST(ListTasks, EmptyListSendsNothing) {
  UnitClient unit;
  auto tasks = unit.client.list_tasks({});
  ASSERT_TRUE(tasks.ok());
  EXPECT_TRUE(tasks->empty());
  EXPECT_EQ(unit.transport->request_count(), 0u);
}

TEST(Download, NeverSendsTheKey) {
  UnitClient unit;
  unit.transport->reply(200, std::string("\x89PNG\r\n\x1a\n", 8));
  auto bytes = unit.client.download("https://cdn.example.test/a.png");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 8u);
  const auto sent = unit.transport->requests().at(0);
  EXPECT_EQ(sent.url, "https://cdn.example.test/a.png");
  EXPECT_EQ(header_of(sent, "Authorization"), "");
  EXPECT_TRUE(sent.follow_redirects);
}

// The writer behind download_to_file: the bytes on the disk, an old file replaced, and a failure
// that names the reason and leaves nothing behind.
TEST(SyncedFile, WritesEveryByteAndReplacesAnOldFile) {
  const std::filesystem::path path = ::testing::TempDir() + "cometapi_synced_file.bin";
  std::ofstream(path) << "an older and longer content";
  std::string bytes(300000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  EXPECT_EQ(detail::write_file_synced(path.string(), bytes.data(), bytes.size()), "");
  std::ifstream in(path, std::ios::binary);
  const std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(back, bytes);
  std::filesystem::remove(path);
}

TEST(SyncedFile, AMissingFolderGivesTheReasonAndCreatesNothing) {
  const std::filesystem::path path = ::testing::TempDir() + "cometapi_no_such_folder/file.bin";
  const std::string reason = detail::write_file_synced(path.string(), "x", 1);
  EXPECT_NE(reason.find("No such file"), std::string::npos) << reason;
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace cometapi
