// cometapi_bench_memory: peak RSS of a process that watches many tasks to completion.
//
//   cometapi_bench_memory --server_url=URL [--tasks=10000] [--submit_threads=2] [--sim_clock]
//
// URL is a server in another process, so that only the client's memory is counted:
//   - cometapi_bench_server (what bench/run uses): any id is a task that advances one step each
//     time it is listed and is SUCCESS on the 13th, so the program makes up N ids (no submits);
//   - with --sim_clock, the simulator on a manual clock (`cometmj-sim --manual-clock`): the
//     program submits N imagines first (from --submit_threads threads), and each "sleep" between
//     cycles advances the simulator's clock by the interval through POST /_sim/advance.
// It adds every id to one TaskWatcher (no callbacks but on_done, which counts) and runs it until
// all are done, then prints one JSON object: RSS once the client exists, after the ids exist,
// after add(), at the end, and the peak (getrusage ru_maxrss), plus the watcher's requests and
// cycles.
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cometapi/cometapi.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// A "Vm...:" line of /proc/self/status, in kB.
long status_kb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t length = std::strlen(field);
  while (std::getline(status, line)) {
    if (line.compare(0, length, field) == 0) return std::atol(line.c_str() + length);
  }
  return -1;
}

long rss_kb() { return status_kb("VmRSS:"); }

// getrusage's ru_maxrss (kB on Linux). The kernel updates the high-water mark lazily, so the
// larger of it, VmHWM and the current RSS is reported.
long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return std::max({static_cast<long>(usage.ru_maxrss), status_kb("VmHWM:"), rss_kb()});
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// POST /_sim/advance?ms=N on the simulator's control endpoint.
bool advance(CURL* curl, const std::string& base_url, long long ms) {
  const std::string url = base_url + "/_sim/advance?ms=" + std::to_string(ms);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  long status = 0;
  return curl_easy_perform(curl) == CURLE_OK &&
         curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int tasks = 10000;
  int submit_threads = 2;
  bool sim_clock = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--server_url=", 13) == 0) {
      url = argv[i] + 13;
    } else if (std::strncmp(argv[i], "--tasks=", 8) == 0) {
      tasks = std::atoi(argv[i] + 8);
    } else if (std::strncmp(argv[i], "--submit_threads=", 17) == 0) {
      submit_threads = std::max(1, std::atoi(argv[i] + 17));
    } else if (std::strcmp(argv[i], "--sim_clock") == 0) {
      sim_clock = true;
    } else {
      url.clear();
      break;
    }
  }
  if (url.empty() || tasks <= 0) {
    std::cerr << "usage: cometapi_bench_memory --server_url=URL [--tasks=N] [--submit_threads=N] "
                 "[--sim_clock]\n";
    return 2;
  }

  cometapi::ClientOptions options;
  options.api_key = "sk-test";
  options.base_url = url;
  options.proxy = "";
  const cometapi::CometClient client(options);
  const long rss_start = rss_kb();  // a process with a client (curl and OpenSSL initialised)

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> ids(static_cast<std::size_t>(tasks));
  if (!sim_clock) {
    // 16-digit ids like the service's, new ones each run (the server remembers ids it listed).
    const long long base =
        1700000000000000LL + std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                     .count() %
                                 100000 * 100000;
    for (int i = 0; i < tasks; ++i) ids[static_cast<std::size_t>(i)] = std::to_string(base + i);
  } else {
    // Submit from a few threads sharing the client; the ids land in one vector.
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < submit_threads; ++t) {
      threads.emplace_back([&] {
        cometapi::ImagineRequest request;
        for (int i; (i = next.fetch_add(1)) < tasks;) {
          request.prompt = "a lighthouse in a storm, oil painting, variant " + std::to_string(i);
          auto submitted = client.submit_imagine(request);
          if (submitted) {
            ids[static_cast<std::size_t>(i)] = submitted->result;
          } else {
            failed.fetch_add(1);
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    if (failed.load() > 0) {
      std::cerr << "cometapi_bench_memory: " << failed.load() << " submits failed\n";
      return 1;
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  const long rss_ids = rss_kb();

  CURL* control = curl_easy_init();
  std::atomic<int> succeeded{0};
  std::atomic<int> other{0};
  bool advance_failed = false;
  cometapi::WatchOptions watch;
  watch.interval = std::chrono::milliseconds(5000);  // never slept for real: see AdvancingClock
  // The watcher's pauses advance the simulator's clock over its control endpoint instead.
  struct AdvancingClock final : cometapi::Clock {
    std::function<void(long long)> advance_by;
    mutable std::mutex mutex;
    mutable time_point now_{};
    time_point now() const override {
      std::lock_guard<std::mutex> lock(mutex);
      return now_;
    }
    bool sleep_until(time_point until, const cometapi::CancellationToken*) const override {
      long long ms = 0;
      {
        std::lock_guard<std::mutex> lock(mutex);
        ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now_).count();
        if (ms > 0) now_ = until;
      }
      if (ms > 0) advance_by(ms);
      return true;
    }
  };
  auto clock = std::make_shared<AdvancingClock>();
  clock->advance_by = [&](long long ms) {
    if (sim_clock && !advance(control, url, ms)) advance_failed = true;
  };
  cometapi::ClientOptions watch_options = client.options();
  watch_options.clock = clock;
  const cometapi::CometClient watch_client(watch_options);
  watch.on_done = [&](const std::string&, const cometapi::Result<cometapi::Task>& outcome) {
    if (outcome && outcome->status == cometapi::TaskStatus::Success) {
      succeeded.fetch_add(1);
    } else {
      other.fetch_add(1);
    }
  };
  cometapi::TaskWatcher watcher(watch_client, watch);
  watcher.add(ids);
  const long rss_added = rss_kb();
  watcher.run();
  const auto t2 = std::chrono::steady_clock::now();
  curl_easy_cleanup(control);

  const auto stats = watcher.stats();
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf(
      "{\"tasks\": %d, \"succeeded\": %d, \"other_outcomes\": %d, \"cycles\": %llu, "
      "\"requests\": %llu, \"failed_requests\": %llu, \"rss_start_kb\": %ld, "
      "\"rss_after_ids_kb\": %ld, \"rss_after_add_kb\": %ld, \"rss_end_kb\": %ld, "
      "\"peak_rss_kb\": %ld, \"ids_seconds\": %.3f, \"watch_seconds\": %.3f}\n",
      tasks, succeeded.load(), other.load(), static_cast<unsigned long long>(stats.cycles),
      static_cast<unsigned long long>(stats.requests),
      static_cast<unsigned long long>(stats.failed_requests), rss_start, rss_ids, rss_added,
      rss_kb(), peak_rss_kb(), seconds(t1 - t0), seconds(t2 - t1));
  return succeeded.load() == tasks && !advance_failed ? 0 : 1;
}
