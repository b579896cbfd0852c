// Animate an image: Midjourney video from a first frame and an optional prompt.
//
//   export COMETAPI_KEY=sk-...                         # your CometAPI key
//   ./video https://example.com/frame.png "it rains"   # a public image URL ...
//   ./video frame.png                                  # ... or a PNG, JPEG, WebP or GIF file
//
// Prints the task id and one URL per generated video. On failure prints the error in one line
// and exits with 1. Download the videos soon: keep your own copy rather than the URLs.
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

bool is_url(const std::string& text) {
  return text.rfind("https://", 0) == 0 || text.rfind("http://", 0) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: " << argv[0] << " IMAGE_FILE_OR_URL [PROMPT]\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();  // COMETAPI_KEY, COMETAPI_BASE_URL
  if (!client) return fail(client.error());

  cometapi::VideoRequest request;
  const std::string image = argv[1];
  if (is_url(image)) {
    request.image = image;
  } else {
    auto data_uri = cometapi::data_uri_from_file(image);  // checks type and size
    if (!data_uri) return fail(data_uri.error());
    request.image = *data_uri;
  }
  if (argc == 3) request.prompt = argv[2];
  request.motion = cometapi::VideoMotion::Low;  // or High for more movement
  // Optional: request.batch_size = 1 (1, 2 or 4 videos; 4 by default), request.loop = true, ...

  auto submitted = client->submit_video(request);
  if (!submitted) return fail(submitted.error());
  std::cout << "task " << submitted->result << "\n";

  auto task = cometapi::TaskPoller(*client).wait(submitted->result, wait_options());
  if (!task) return fail(task.error());
  for (const std::string& url : task->video_urls) std::cout << "video " << url << "\n";
  if (task->video_urls.empty() && !task->video_url.empty()) {
    std::cout << "video " << task->video_url << "\n";  // some answers carry only videoUrl
  }
  return 0;
}
