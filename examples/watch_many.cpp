// Submit several jobs and watch them all with one list-by-condition request per cycle, instead
// of one fetch per job.
//
//   export COMETAPI_KEY=sk-...
//   ./watch_many "a lighthouse" 20
//
// Prints one line per job as it ends, then a summary. COMETAPI_POLL_MS, when set, replaces the
// interval between cycles (default 5 s).
#include <cometapi/cometapi.hpp>
#include <cstdlib>
#include <iostream>
#include <mutex>

int main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[2]) < 1) {
    std::cerr << "usage: " << argv[0] << " PROMPT COUNT\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }

  const int count = std::atoi(argv[2]);
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    cometapi::ImagineRequest imagine;
    imagine.prompt = std::string(argv[1]) + " --seed " + std::to_string(i);
    imagine.state = "watch-many-" + std::to_string(i);  // lets you match webhooks or logs later
    auto submitted = client->submit_imagine(imagine);
    if (!submitted) {
      std::cerr << "job " << i << ": " << submitted.error().to_string() << "\n";
      continue;
    }
    ids.push_back(submitted->result);
  }

  int succeeded = 0, failed = 0;
  cometapi::WatchOptions options;
  if (const char* ms = std::getenv("COMETAPI_POLL_MS")) {
    options.interval = std::chrono::milliseconds(std::atoi(ms));
  }
  options.on_done = [&](const std::string& id, const cometapi::Result<cometapi::Task>& outcome) {
    if (outcome) {
      ++succeeded;
      std::cout << id << " " << outcome->status << " " << outcome->image_url << "\n";
    } else {
      ++failed;
      std::cout << id << " " << outcome.error().to_string() << "\n";
    }
  };
  cometapi::TaskWatcher watcher(*client, options);
  watcher.add(ids);
  watcher.run();  // on this thread, until every job has ended

  const auto stats = watcher.stats();
  std::cout << succeeded << " succeeded, " << failed << " failed; " << stats.requests
            << " list requests in " << stats.cycles << " cycles\n";
  return failed == 0 && succeeded == count ? 0 : 1;
}
