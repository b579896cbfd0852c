// Imagine a grid, upscale one of its images, and save the result as a PNG.
//
//   export COMETAPI_KEY=sk-...
//   ./upscale_workflow "a koi pond, watercolor" 2 koi.png
//
// Progress goes to stderr; the saved path is printed on stdout. COMETAPI_POLL_MS, when set,
// replaces the polling interval (only useful against the simulator, which is fast).
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " PROMPT INDEX(1-4) OUT.png\n";
    return 2;
  }
  const int index = std::atoi(argv[2]);
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }

  cometapi::WaitOptions wait;  // defaults suit the real service: 2 s, then x1.5 up to 15 s
  if (const char* ms = std::getenv("COMETAPI_POLL_MS")) {
    wait.first_poll = wait.max_interval = std::chrono::milliseconds(std::atoi(ms));
  }
  wait.on_progress = [](const cometapi::Task& task) {
    std::cerr << task.id << " " << task.status << " " << task.progress << "%\n";
  };
  cometapi::TaskPoller poller(*client, wait);

  cometapi::ImagineRequest imagine;
  imagine.prompt = argv[1];
  auto submitted = client->submit_imagine(imagine);
  if (!submitted) {
    std::cerr << submitted.error().to_string() << "\n";
    return 1;
  }
  auto grid = poller.wait(submitted->result);
  if (!grid) {
    std::cerr << grid.error().to_string() << "\n";
    return 1;
  }

  // upscale() reads the U<index> button's customId from a fresh fetch, presses it and waits.
  auto image = poller.upscale(grid->id, index);
  if (!image) {
    std::cerr << image.error().to_string() << "\n";
    return 1;
  }
  // Written to a temporary file and renamed: a failed download leaves nothing behind.
  auto saved = client->download_to_file(image->image_url, argv[3]);
  if (!saved) {
    std::cerr << saved.error().to_string() << "\n";
    return 1;
  }
  std::cout << argv[3] << "\n";
  return 0;
}
