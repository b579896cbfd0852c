// Buttons and the two-step flows against the simulator: every TaskPoller workflow, MODAL included,
// and the TaskWatcher's request budget.
#include <cmath>
#include <map>

#include "sim_fixture.hpp"

namespace cometapi {
namespace {

using test::SimTest;

// A real 1x1 PNG (white): a mask where everything is repainted.
constexpr const char* kMask =
    "data:image/"
    "png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmM"
    "IQAAAABJRU5ErkJggg==";

class WorkflowTest : public SimTest {
 protected:
  TaskPoller poller() const { return TaskPoller(*client_, wait_options()); }
  Task upscaled(const std::string& prompt) {
    const Task grid = finished(imagine(prompt));
    auto result = poller().upscale(grid.id, 1);
    EXPECT_TRUE(result.ok()) << result.error().to_string();
    return result.ok() ? *result : Task{};
  }
  // The last request the simulator journaled for this path.
  std::optional<testing::RequestRecord> last_to(const std::string& path) const {
    std::optional<testing::RequestRecord> found;
    for (const auto& record : server_->journal()) {
      if (record.path == path) found = record;
    }
    return found;
  }
};

TEST_F(WorkflowTest, GridButtonsByIndex) {
  const Task grid = finished(imagine("grid buttons"));
  auto u3 = poller().upscale(grid.id, 3);
  ASSERT_TRUE(u3.ok()) << u3.error().to_string();
  EXPECT_EQ(u3->action, "UPSCALE");
  EXPECT_TRUE(find_button(*u3, ButtonKind::ZoomOut, 0, 2.0).has_value());

  auto v2 = poller().variation(grid.id, 2);
  ASSERT_TRUE(v2.ok()) << v2.error().to_string();
  EXPECT_EQ(v2->action, "VARIATION");
  EXPECT_EQ(v2->buttons.size(), 9u);

  auto again = poller().reroll(grid.id);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->action, "REROLL");

  auto bad = poller().upscale(grid.id, 5);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidArgument);
}

TEST_F(WorkflowTest, UpscaledImageButtons) {
  const Task image = upscaled("a castle");
  std::vector<std::string> names;
  for (const auto& action : available_actions(image)) names.push_back(action.name);
  for (const char* expected : {"Vary (Subtle)", "Vary (Strong)", "Vary (Region)", "Zoom Out 2x",
                               "Zoom Out 1.5x", "Custom Zoom"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }

  auto strong = poller().vary(image.id, /*strong=*/true);
  ASSERT_TRUE(strong.ok()) << strong.error().to_string();
  EXPECT_EQ(strong->action, "HIGH_VARIATION");
  auto subtle = poller().vary(image.id);
  ASSERT_TRUE(subtle.ok()) << subtle.error().to_string();
  EXPECT_EQ(subtle->action, "LOW_VARIATION");

  for (double factor : {2.0, 1.5}) {
    auto zoomed = poller().zoom_out(image.id, factor);
    ASSERT_TRUE(zoomed.ok()) << zoomed.error().to_string();
    EXPECT_EQ(zoomed->action, "ZOOM");
  }
  EXPECT_EQ(poller().zoom_out(image.id, 3.0).error().kind, ErrorKind::InvalidArgument);

  for (PanDirection direction :
       {PanDirection::Left, PanDirection::Right, PanDirection::Up, PanDirection::Down}) {
    auto panned = poller().pan(image.id, direction);
    ASSERT_TRUE(panned.ok()) << panned.error().to_string();
    EXPECT_EQ(panned->action, "PAN");
  }
  auto by_emoji = poller().press(image.id, "⬅️");
  ASSERT_TRUE(by_emoji.ok()) << by_emoji.error().to_string();
  EXPECT_EQ(by_emoji->action, "PAN");
}

TEST_F(WorkflowTest, VaryRegionRunsActionModalAndWaitAsOneCall) {
  const Task image = upscaled("a garden");
  auto result = poller().vary_region(image.id, kMask, "add a fountain");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, TaskStatus::Success);
  EXPECT_EQ(result->action, "INPAINT");

  auto modal = last_to("/mj/submit/modal");
  ASSERT_TRUE(modal.has_value());
  EXPECT_NE(modal->body.find("\"maskBase64\":\"data:image/png;base64,"), std::string::npos);
  EXPECT_NE(modal->body.find("add a fountain"), std::string::npos);
}

TEST_F(WorkflowTest, VaryRegionRefusesABadMaskBeforePressingAnything) {
  const Task image = upscaled("a lake");
  const std::size_t before = server_->journal().size();
  auto result = poller().vary_region(image.id, "not-a-data-uri", "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::InvalidArgument);
  EXPECT_EQ(server_->journal().size(), before);
}

TEST_F(WorkflowTest, CustomZoomSendsTheZoomParameter) {
  const Task image = upscaled("a desert road");
  auto result = poller().custom_zoom(image.id, 1.8);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->status, TaskStatus::Success);
  EXPECT_EQ(result->action, "CUSTOM_ZOOM");
  auto modal = last_to("/mj/submit/modal");
  ASSERT_TRUE(modal.has_value());
  EXPECT_NE(modal->body.find("a desert road --zoom 1.8"), std::string::npos) << modal->body;

  EXPECT_EQ(poller().custom_zoom(image.id, 2.5).error().kind, ErrorKind::InvalidArgument);
}

TEST_F(WorkflowTest, RemixGoesThroughTheModalWithTheNewPrompt) {
  const Task grid = finished(imagine("a cat"));
  PressOptions options;
  options.enable_remix = true;
  options.remix_prompt = "a cat wearing a hat";
  auto remixed = poller().press(grid.id, "V1", options);
  ASSERT_TRUE(remixed.ok()) << remixed.error().to_string();
  EXPECT_EQ(remixed->status, TaskStatus::Success);
  auto modal = last_to("/mj/submit/modal");
  ASSERT_TRUE(modal.has_value());
  EXPECT_NE(modal->body.find("a cat wearing a hat"), std::string::npos);

  // Without a prompt the MODAL task comes back for the caller to complete.
  PressOptions no_prompt;
  no_prompt.enable_remix = true;
  auto waiting = poller().press(grid.id, "V2", no_prompt);
  ASSERT_TRUE(waiting.ok()) << waiting.error().to_string();
  EXPECT_EQ(waiting->status, TaskStatus::Modal);
  ModalRequest complete;
  complete.task_id = waiting->id;
  complete.prompt = "a cat in the rain";
  auto completed = poller().complete_modal(complete);
  ASSERT_TRUE(completed.ok()) << completed.error().to_string();
  EXPECT_EQ(completed->status, TaskStatus::Success);
}

TEST_F(WorkflowTest, AccountRemixTurnsPansModalToo) {
  const Task image = upscaled("a harbour");
  server_->set_remix(true);
  PressOptions options;
  options.remix_prompt = "a harbour at night";
  auto panned = poller().pan(image.id, PanDirection::Up, options);
  ASSERT_TRUE(panned.ok()) << panned.error().to_string();
  EXPECT_EQ(panned->status, TaskStatus::Success);
  EXPECT_TRUE(last_to("/mj/submit/modal").has_value());
}

TEST_F(WorkflowTest, MissingButtonSaysWhatThereIs) {
  const Task grid = finished(imagine("no zoom on grids"));
  auto result = poller().zoom_out(grid.id, 2.0);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::NotFound);
  EXPECT_NE(result.error().message.find("U1"), std::string::npos) << result.error().message;

  const std::string unfinished = imagine("still running");
  auto early = poller().upscale(unfinished, 1);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.error().message.find("not synced yet"), std::string::npos)
      << early.error().message;
}

TEST_F(WorkflowTest, FailedJobIsTaskFailedWithTheReason) {
  server_->fail_prompt("doomed", "Job failed: the moderator said no");
  auto result = TaskPoller(*client_).wait(imagine("a doomed ship"), wait_options());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::TaskFailed);
  EXPECT_EQ(result.error().message, "Job failed: the moderator said no");
}

TEST_F(WorkflowTest, StalledJobTripsTheStallGuard) {
  server_->stall_prompt("frozen", testing::StallAt::Submitted);
  WaitOptions options = wait_options();
  options.stall_timeout = std::chrono::minutes(1);
  auto result = TaskPoller(*client_).wait(imagine("a frozen lake"), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::Stalled) << result.error().to_string();
}

TEST_F(WorkflowTest, BannedPromptIsTyped) {
  server_->ban_word("forbidden");
  ImagineRequest request;
  request.prompt = "a forbidden thing";
  auto result = client_->submit_imagine(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::BannedPrompt);
  EXPECT_EQ(result.error().api_code, 24);
}

TEST_F(WorkflowTest, WatcherOf200TasksStaysWithinItsRequestBudget) {
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(imagine("watched " + std::to_string(i)));
  constexpr std::size_t kChunk = 50;
  std::map<std::string, TaskStatus> done;
  int progress_calls = 0;
  WatchOptions options;
  options.chunk_size = kChunk;
  options.interval = std::chrono::milliseconds(400);
  options.on_progress = [&progress_calls](const Task&) { ++progress_calls; };
  options.on_done = [&done](const std::string& id, const Result<Task>& outcome) {
    ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
    done[id] = outcome->status;
  };
  TaskWatcher watcher(*client_, options);
  watcher.add(ids);

  const std::string list_path = "/mj/task/list-by-condition";
  int cycles = 0;
  while (!watcher.pending().empty()) {
    const std::size_t pending = watcher.pending().size();
    const int before = server_->requests_to(list_path);
    watcher.poll_once();
    const int made = server_->requests_to(list_path) - before;
    EXPECT_LE(made, static_cast<int>((pending + kChunk - 1) / kChunk));
    EXPECT_LE(made, 4);  // ceil(200 / 50)
    server_->advance(options.interval);
    ASSERT_LT(++cycles, 100) << "the watcher never finished";
  }
  EXPECT_EQ(done.size(), 200u);
  for (const auto& [id, status] : done) EXPECT_EQ(status, TaskStatus::Success) << id;
  EXPECT_GT(progress_calls, 200);
  EXPECT_EQ(server_->requests_to("/mj/task/" + ids[0] + "/fetch"), 0);  // no per-task fetches
}

}  // namespace
}  // namespace cometapi
