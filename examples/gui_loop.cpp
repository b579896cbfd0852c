// The shape of a GUI or game program: a main loop that draws a frame every 16 ms and must never
// block. Jobs run on the JobRunner's thread; their callbacks are posted to the loop's queue and
// run between frames, on the loop's thread, where the UI state lives. No GUI library is needed
// to show it: the "frame" here is a status line.
//
//   export COMETAPI_KEY=sk-...
//   ./gui_loop journal.db out/ "a koi pond" "a red fox"
//
// At the end it prints how many frames it drew and the longest time a frame's work took.
#include <cometapi/cometapi.hpp>
#include <cometapi/jobs.hpp>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace {

// What a GUI toolkit offers as "post to the main thread" (Qt's invokeMethod, a game's job queue).
class MainQueue {
 public:
  void post(std::function<void()> call) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(std::move(call));
  }
  void drain() {
    std::deque<std::function<void()>> calls;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      calls.swap(calls_);
    }
    for (auto& call : calls) call();
  }

 private:
  std::mutex mutex_;
  std::deque<std::function<void()>> calls_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " JOURNAL OUT_DIR PROMPT...\n";
    return 2;
  }
  auto client = cometapi::CometClient::from_env();
  auto store = cometapi::JobStore::open(argv[1]);
  if (!client || !store) {
    std::cerr << (!client ? client.error() : store.error()).to_string() << "\n";
    return 1;
  }

  MainQueue queue;
  // The UI's state: touched only on the loop's thread, so it needs no lock.
  std::map<std::int64_t, std::string> rows;
  int finished = 0;
  int failed = 0;

  cometapi::JobRunnerOptions options;
  if (const char* ms = std::getenv("COMETAPI_POLL_MS")) {
    options.poll_interval = std::chrono::milliseconds(std::atoi(ms));
  }
  options.executor = [&queue](std::function<void()> call) { queue.post(std::move(call)); };
  options.on_progress = [&rows](const cometapi::JobEvent& event) {
    rows[event.job.id] = event.message;
  };
  options.on_done = [&](const cometapi::Job& job) {
    ++finished;
    if (job.status != cometapi::JobStatus::Done) ++failed;
    std::cout << "job " << job.id << " " << to_string(job.status) << "\n";
  };
  cometapi::JobRunner runner(*client, *store, options);

  const int total = argc - 3;
  for (int i = 3; i < argc; ++i) {
    cometapi::JobSpec spec;
    spec.prompt = argv[i];
    spec.then = {"U1"};
    spec.out_dir = argv[2];
    runner.submit(std::move(spec));  // returns at once: a click handler can call it
  }

  using Clock = std::chrono::steady_clock;
  const auto frame = std::chrono::milliseconds(16);
  auto longest = Clock::duration::zero();
  long frames = 0;
  auto next = Clock::now();
  while (finished < total) {
    const auto start = Clock::now();
    queue.drain();  // the runner's callbacks, on this thread
    // "Draw": one status line (a real program would paint its widgets from `rows`).
    if (frames % 30 == 0) {
      std::cerr << "frame " << frames << ": " << finished << "/" << total << " jobs finished\n";
    }
    ++frames;
    longest = std::max(longest, Clock::now() - start);
    next += frame;
    std::this_thread::sleep_until(next);  // vsync, in a real program
  }
  runner.stop();
  std::cout << "frames " << frames << ", longest frame "
            << std::chrono::duration_cast<std::chrono::microseconds>(longest).count() << " us, "
            << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
