// Imagine a picture: submit the prompt, wait for the 2x2 grid, print its image URL and buttons.
//
//   export COMETAPI_KEY=sk-...                  # your CometAPI key
//   ./imagine "a lighthouse at dawn --ar 3:2"   # Midjourney parameters go inside the prompt
//
// Prints the task id, the image URL and the buttons you can press next (e.g. with
// ./submit_action TASK_ID U1). On failure prints the error in one line and exits with 1.
//
// COMETAPI_BASE_URL points the client elsewhere (e.g. a simulator). COMETAPI_POLL_MS=N makes the
// wait poll every N milliseconds instead of the defaults (2 s, growing to 15 s); only worth it
// against a fast simulator, since the real service updates its tasks about every 15 s.
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

int fail(const cometapi::Error& error) {
  std::cerr << error.to_string() << "\n";
  return 1;
}

cometapi::WaitOptions wait_options() {
  cometapi::WaitOptions wait;  // defaults: a 15-minute deadline, polling every 2 s to 15 s
  if (const char* env = std::getenv("COMETAPI_POLL_MS")) {
    const long ms = std::strtol(env, nullptr, 10);
    if (ms > 0) wait.first_poll = wait.max_interval = std::chrono::milliseconds(ms);
  }
  return wait;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " PROMPT\n";
    return 2;
  }
  // Reads COMETAPI_KEY (required) and COMETAPI_BASE_URL (optional).
  auto client = cometapi::CometClient::from_env();
  if (!client) return fail(client.error());

  cometapi::ImagineRequest request;
  request.prompt = argv[1];
  // Optional: request.bot_type = cometapi::BotType::NijiJourney; request.state = "my-ref"; ...
  auto submitted = client->submit_imagine(request);
  if (!submitted) return fail(submitted.error());  // e.g. BannedPrompt, RateLimited
  std::cout << "task " << submitted->result << "\n";

  // Poll until SUCCESS; FAILURE comes back as a TaskFailed error carrying the fail reason.
  cometapi::WaitOptions wait = wait_options();
  std::string last;
  wait.on_progress = [&last](const cometapi::Task& task) {  // after every fetch: show changes
    const std::string now = (task.status_text.empty() ? "waiting" : task.status_text) + " " +
                            std::to_string(task.progress) + "%";
    if (now != last) std::cerr << "  " << now << "\n";
    last = now;
  };
  auto task = cometapi::TaskPoller(*client).wait(submitted->result, wait);
  if (!task) return fail(task.error());

  std::cout << "image " << task->image_url << "\n";
  // Buttons are named by their label ("U1", "V3") or, when it is empty, their emoji ("🔄").
  std::cout << "buttons";
  for (const cometapi::Button& button : task->buttons) {
    std::cout << " " << (button.label.empty() ? button.emoji : button.label);
  }
  std::cout << "\n";
  return 0;
}
