// Describe an image: Midjourney suggests four prompts that could have made it.
//
//   export COMETAPI_KEY=sk-...   # your CometAPI key
//   ./describe photo.jpg         # a PNG, JPEG, WebP or GIF file (sent inline, up to 10 MiB)
//   ./describe https://example.com/photo.jpg   # or a public URL (the service fetches it)
//
// Prints the four suggestions, one per line. On failure prints the error in one line and exits
// with 1.
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
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " IMAGE_FILE_OR_URL\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();  // COMETAPI_KEY, COMETAPI_BASE_URL
  if (!client) return fail(client.error());

  // Exactly one of `link` and `base64` (a data URI) is set.
  cometapi::DescribeRequest request;
  const std::string image = argv[1];
  if (is_url(image)) {
    request.link = image;
  } else {
    // Checks the file's first bytes and size, then encodes it as "data:image/...;base64,...".
    auto data_uri = cometapi::data_uri_from_file(image);
    if (!data_uri) return fail(data_uri.error());
    request.base64 = *data_uri;
  }

  auto submitted = client->submit_describe(request);
  if (!submitted) return fail(submitted.error());

  auto task = cometapi::TaskPoller(*client).wait(submitted->result, wait_options());
  if (!task) return fail(task.error());

  // Upstreams put the suggestions in promptEn or in properties.finalPrompt, numbered or not:
  // prompt_suggestions reads either and hands back one clean prompt per entry.
  for (const std::string& suggestion : cometapi::prompt_suggestions(*task)) {
    std::cout << suggestion << "\n";
  }
  return 0;
}
