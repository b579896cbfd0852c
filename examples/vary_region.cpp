// Repaint part of an upscaled image: Vary (Region) with a mask, as one call.
//
//   export COMETAPI_KEY=sk-...
//   ./vary_region 1773314942177684 mask.png "a red umbrella"
//
// The mask is a PNG of the image's size: white where Midjourney repaints, black where it keeps.
// Prints the new image's URL. COMETAPI_POLL_MS, when set, replaces the polling interval.
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " UPSCALED_TASK_ID MASK.png PROMPT\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }
  auto mask = cometapi::data_uri_from_file(argv[2]);
  if (!mask) {
    std::cerr << mask.error().to_string() << "\n";
    return 2;
  }

  cometapi::WaitOptions wait;
  if (const char* ms = std::getenv("COMETAPI_POLL_MS")) {
    wait.first_poll = wait.max_interval = std::chrono::milliseconds(std::atoi(ms));
  }
  cometapi::TaskPoller poller(*client, wait);

  // Presses "Vary (Region)" (customId from a fresh fetch), which opens a modal; sends the mask and
  // prompt through /mj/submit/modal; waits for the repainted image.
  auto result = poller.vary_region(argv[1], *mask, argv[3]);
  if (!result) {
    std::cerr << result.error().to_string() << "\n";
    return 1;
  }
  std::cout << result->image_url << "\n";
  return 0;
}
