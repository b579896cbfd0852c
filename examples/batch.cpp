// Many jobs at once, recorded in a journal so that a crash loses nothing and pays nothing twice:
// each prompt is imagined, its first image upscaled (U1) and saved.
//
//   export COMETAPI_KEY=sk-...
//   ./batch journal.db out/ "a koi pond" "a red fox" "a lighthouse at dusk"
//   ./batch journal.db out/          # no prompts: continue what the journal left unfinished
//
// One line per finished job on stdout. COMETAPI_POLL_MS, when set, replaces the polling interval
// (only useful against the simulator, which is fast).
#include <cometapi/cometapi.hpp>
#include <cometapi/jobs.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " JOURNAL OUT_DIR [PROMPT...]\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();
  if (!client) {
    std::cerr << client.error().to_string() << "\n";
    return 1;
  }
  // One SQLite file; every step is on disk before it is acted on.
  auto store = cometapi::JobStore::open(argv[1]);
  if (!store) {
    std::cerr << store.error().to_string() << "\n";
    return 1;
  }

  cometapi::JobRunnerOptions options;  // 3 tasks at once, polling every 5 s: the real service
  if (const char* ms = std::getenv("COMETAPI_POLL_MS")) {
    options.poll_interval = std::chrono::milliseconds(std::atoi(ms));
  }
  // Called on the runner's own thread here (no executor given), once per job.
  options.on_done = [](const cometapi::Job& job) {
    std::cout << "job " << job.id << " " << to_string(job.status);
    for (const auto& step : job.steps) {
      if (!step.file.empty()) std::cout << " " << step.file;
    }
    if (!job.error.empty()) std::cout << " (" << job.error << ")";
    std::cout << "\n";
  };
  cometapi::JobRunner runner(*client, *store, options);

  std::vector<cometapi::JobHandle> jobs;
  if (argc == 3) {
    jobs = runner.resume();  // watched again, never resubmitted blindly
  } else {
    std::vector<cometapi::JobSpec> specs;
    for (int i = 3; i < argc; ++i) {
      cometapi::JobSpec spec;
      spec.prompt = argv[i];
      spec.then = {"U1"};
      spec.out_dir = argv[2];
      specs.push_back(spec);
    }
    jobs = runner.submit(std::move(specs));  // returns at once
  }
  runner.wait_idle();
  runner.stop();  // every callback has run once stop() returns

  int failed = 0;
  for (const auto& job : jobs) failed += job.status() == cometapi::JobStatus::Done ? 0 : 1;
  return failed == 0 ? 0 : 1;
}
