// Blend 2 to 5 images into a new one.
//
//   export COMETAPI_KEY=sk-...   # your CometAPI key
//   ./blend cat.png dog.jpg      # 2 to 5 PNG, JPEG, WebP or GIF files (up to 10 MiB each)
//
// Prints the task id and the URL of the blended 2x2 grid. On failure prints the error in one line
// and exits with 1.
//
// COMETAPI_BASE_URL points the client elsewhere (e.g. a simulator). COMETAPI_POLL_MS=N makes the
// wait poll every N milliseconds instead of the defaults (2 s, growing to 15 s); only worth it
// against a fast simulator, since the real service updates its tasks about every 15 s.
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>

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
  if (argc < 3 || argc > 6) {
    std::cerr << "usage: " << argv[0] << " IMAGE1 IMAGE2 [IMAGE3 [IMAGE4 [IMAGE5]]]\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();  // COMETAPI_KEY, COMETAPI_BASE_URL
  if (!client) return fail(client.error());

  cometapi::BlendRequest request;
  for (int i = 1; i < argc; ++i) {
    // Checks each file's first bytes and size, and encodes it as a data URI.
    auto data_uri = cometapi::data_uri_from_file(argv[i]);
    if (!data_uri) return fail(data_uri.error());
    request.base64_array.push_back(*data_uri);
  }
  // Portrait (2:3), Square (1:1, the service's default) or Landscape (3:2).
  request.dimensions = cometapi::BlendDimensions::Square;

  auto submitted = client->submit_blend(request);
  if (!submitted) return fail(submitted.error());
  std::cout << "task " << submitted->result << "\n";

  auto task = cometapi::TaskPoller(*client).wait(submitted->result, wait_options());
  if (!task) return fail(task.error());
  // A grid like imagine's: press U1..U4 / V1..V4 on it next (see submit_action).
  std::cout << "image " << task->image_url << "\n";
  return 0;
}
