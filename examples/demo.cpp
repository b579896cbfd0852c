// The main job, end to end: imagine a picture, wait for the grid, upscale the first image (U1),
// wait again, and print the final image URL.
//
// With COMETAPI_KEY set it talks to CometAPI (COMETAPI_BASE_URL overrides the address). Without it,
// it starts the built-in simulator on 127.0.0.1 and runs against that, so it works offline.
//
//   ./cometapi_demo ["a prompt"]
#include <cometapi/cometapi.hpp>
#include <cometapi/testing/fake_server.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

namespace {

void show(const cometapi::Task& task) {
  std::cout << "  status " << (task.status_text.empty() ? "(not synced yet)" : task.status_text)
            << ", " << task.progress << "%\n"
            << std::flush;
}

int fail(const cometapi::Error& error) {
  std::cerr << "error: " << error.to_string() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string prompt = argc > 1 ? argv[1] : "a lighthouse on a cliff at dawn, oil painting";

  std::unique_ptr<cometapi::testing::FakeCometServer> simulator;
  cometapi::ClientOptions options;
  cometapi::WaitOptions wait;
  const char* key = std::getenv("COMETAPI_KEY");
  if (key != nullptr && *key != '\0') {
    auto from_env = cometapi::ClientOptions::from_env();
    if (!from_env) return fail(from_env.error());
    options = *from_env;
    std::cout << "Using CometAPI at " << options.base_url << "\n";
  } else {
    cometapi::testing::FakeServerOptions sim;
    sim.api_keys = {"sk-demo"};
    sim.speed = 10;  // a real job takes about a minute; the simulator runs ten times faster
    simulator = std::make_unique<cometapi::testing::FakeCometServer>(sim);
    simulator->start();
    options.api_key = "sk-demo";
    options.base_url = simulator->base_url();
    // The simulator is quick, so poll it more often than the real service deserves.
    wait.first_poll = std::chrono::milliseconds(100);
    wait.max_interval = std::chrono::milliseconds(300);
    std::cout << "COMETAPI_KEY is not set: using the built-in simulator at " << options.base_url
              << "\n";
  }
  wait.on_progress = show;

  auto client = cometapi::CometClient::create(options);
  if (!client) return fail(client.error());
  cometapi::TaskPoller poller(*client, wait);

  std::cout << "1. imagine: " << prompt << "\n";
  cometapi::ImagineRequest imagine;
  imagine.prompt = prompt;
  auto submitted = client->submit_imagine(imagine);
  if (!submitted) return fail(submitted.error());
  std::cout << "  task " << submitted->result << "\n";

  std::cout << "2. wait for the grid\n";
  auto grid = poller.wait(submitted->result);
  if (!grid) return fail(grid.error());
  std::cout << "  grid ready: " << grid->image_url << "\n  buttons:";
  for (const auto& button : grid->buttons) std::cout << " " << cometapi::button_name(button);
  std::cout << "\n";

  std::cout << "3. press U1 (customId read from the latest fetch)\n";
  auto custom_id = poller.current_custom_id(grid->id, "U1");
  if (!custom_id) return fail(custom_id.error());
  cometapi::ActionRequest action;
  action.task_id = grid->id;
  action.custom_id = *custom_id;
  auto upscale = client->submit_action(action);
  if (!upscale) return fail(upscale.error());
  std::cout << "  task " << upscale->result << "\n";

  std::cout << "4. wait for the upscale\n";
  auto done = poller.wait(upscale->result);
  if (!done) return fail(done.error());
  std::cout << "Done. Upscaled image: " << done->image_url << "\n";
  return 0;
}
