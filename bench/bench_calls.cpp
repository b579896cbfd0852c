// Per-call cost of the SDK against what a user would write or run instead, and submit throughput
// from 8 threads. All against cometapi_bench_server (a fixed-response loopback server), whose
// base URL comes from --server_url=URL or the COMETAPI_BENCH_URL environment variable.
//
//   FetchTask/SdkAndRawCurl  CometClient::fetch_task (request, error mapping, JSON -> Task) and
//                            a hand-written loop (one reused curl easy handle +
//                            nlohmann::json::parse of the body), alternating call by call
//   FetchTask/CurlCommand    the curl command started per call (posix_spawn), output parsed
//   Submit/Sdk               submit_imagine from 8 threads sharing one CometClient
//   Submit/RawCurl           8 threads, each its own curl handle: JSON body out, JSON answer in
//   Submit/RawCurlFresh      the same on a new connection per submit, as the SDK does
//
// The per-call figures are the counters: median wall and thread-CPU time per call.
#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cometapi/cometapi.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace {

std::string g_base_url;  // e.g. http://127.0.0.1:40123
const char* const kTaskId = "1712345678901234";
const char* const kKey = "sk-bench";
const char* const kPrompt = "a red fox curled up in fresh snow at dawn, watercolor --ar 3:2";

std::string fetch_url() { return g_base_url + "/mj/task/" + kTaskId + "/fetch"; }

cometapi::ClientOptions client_options() {
  cometapi::ClientOptions options;
  options.api_key = kKey;
  options.base_url = g_base_url;
  options.proxy = "";  // never a proxy on loopback, whatever the environment says
  return options;
}

// ---- the hand-written baseline: one curl easy handle, reused --------------------------------

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// What a user writes without an SDK: set the handle up once, then perform and parse per call.
class RawCurl {
 public:
  RawCurl() : curl_(curl_easy_init()) {
    const std::string auth = std::string("Authorization: Bearer ") + kKey;
    for (curl_slist** list : {&get_headers_, &post_headers_}) {
      *list = curl_slist_append(*list, auth.c_str());
      *list = curl_slist_append(*list, "Accept: application/json");
    }
    post_headers_ = curl_slist_append(post_headers_, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_PROXY, "");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
  }
  ~RawCurl() {
    curl_easy_cleanup(curl_);
    curl_slist_free_all(get_headers_);
    curl_slist_free_all(post_headers_);
  }
  RawCurl(const RawCurl&) = delete;
  RawCurl& operator=(const RawCurl&) = delete;

  void fresh_connections(bool on) { curl_easy_setopt(curl_, CURLOPT_FRESH_CONNECT, on ? 1L : 0L); }
  void get(const std::string& url) {
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, get_headers_);
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  }
  void post(const std::string& url, const std::string& body) {
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, post_headers_);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_COPYPOSTFIELDS, body.c_str());
  }
  // Performs the request set up last; returns the parsed body, or nullopt on any failure.
  std::optional<nlohmann::json> perform() {
    body_.clear();
    if (curl_easy_perform(curl_) != CURLE_OK) return std::nullopt;
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) return std::nullopt;
    return nlohmann::json::parse(body_, nullptr, /*allow_exceptions=*/false);
  }

 private:
  CURL* curl_;
  curl_slist* get_headers_ = nullptr;
  curl_slist* post_headers_ = nullptr;
  std::string body_;
};

// ---- per-call samples ------------------------------------------------------------------------

std::int64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Wall and thread-CPU time of each call. The medians are robust to the preemptions that a busy
// machine adds to a few calls, which the mean Google Benchmark reports is not.
class Samples {
 public:
  void reserve(std::size_t n) {
    wall_.reserve(n);
    cpu_.reserve(n);
  }
  void start() {
    wall0_ = now_ns(CLOCK_MONOTONIC);
    cpu0_ = now_ns(CLOCK_THREAD_CPUTIME_ID);
  }
  void stop() {
    cpu_.push_back(now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0_);
    wall_.push_back(now_ns(CLOCK_MONOTONIC) - wall0_);
  }
  void report(benchmark::State& state, const std::string& prefix) {
    state.counters[prefix + "wall_median_ns"] = median(wall_);
    state.counters[prefix + "cpu_median_ns"] = median(cpu_);
  }

 private:
  static double median(std::vector<std::int64_t>& v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return static_cast<double>(v[v.size() / 2]);
  }
  std::vector<std::int64_t> wall_, cpu_;
  std::int64_t wall0_ = 0, cpu0_ = 0;
};

// ---- 1. per call: SDK and raw libcurl, paired ------------------------------------------------

// Each iteration makes one SDK call and one raw call, in alternating order, timing each: the two
// see the same machine at the same moment, which on a shared or busy machine is the only fair
// comparison. Counters: sdk_/raw_ wall and CPU medians per call.
void FetchTask_Paired(benchmark::State& state) {
  cometapi::CometClient client(client_options());
  RawCurl raw;
  raw.get(fetch_url());
  if (!client.fetch_task(kTaskId) || !raw.perform()) {  // opens both connections
    state.SkipWithError("warm-up call failed");
    return;
  }
  Samples sdk_samples, raw_samples;
  sdk_samples.reserve(1 << 16);
  raw_samples.reserve(1 << 16);
  bool sdk_first = true;
  bool ok = true;
  auto sdk_call = [&] {
    sdk_samples.start();
    auto task = client.fetch_task(kTaskId);
    sdk_samples.stop();
    ok = ok && task && task->buttons.size() == 9;
    benchmark::DoNotOptimize(task);
  };
  auto raw_call = [&] {
    raw_samples.start();
    auto task = raw.perform();
    raw_samples.stop();
    ok = ok && task && (*task)["buttons"].size() == 9;
    benchmark::DoNotOptimize(task);
  };
  for (auto _ : state) {
    if (sdk_first) {
      sdk_call();
      raw_call();
    } else {
      raw_call();
      sdk_call();
    }
    sdk_first = !sdk_first;
    if (!ok) {
      state.SkipWithError("a fetch failed");
      break;
    }
  }
  sdk_samples.report(state, "sdk_");
  raw_samples.report(state, "raw_");
}
BENCHMARK(FetchTask_Paired)->Name("FetchTask/SdkAndRawCurl")->UseRealTime();

// ---- 2. what a user would pick instead: the curl command per call ----------------------------

// `curl -s -H ... URL` started per call, its stdout read through a pipe and parsed, as a shell
// script or a system() call does. The child's CPU time (RUSAGE_CHILDREN) is a counter.
void FetchTask_CurlCommand(benchmark::State& state) {
  const std::string url = fetch_url();
  const std::string auth = std::string("Authorization: Bearer ") + kKey;
  std::vector<const char*> args = {
      "curl",      "-s",   "--noproxy", "*", "-H", auth.c_str(), "-H", "Accept: application/json",
      url.c_str(), nullptr};
  rusage before{};
  getrusage(RUSAGE_CHILDREN, &before);
  Samples samples;
  std::string out;
  for (auto _ : state) {
    samples.start();
    int fds[2];
    if (pipe(fds) != 0) {
      state.SkipWithError("pipe failed");
      break;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, "curl", &actions, nullptr,
                                     const_cast<char* const*>(args.data()), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out.clear();
    char buffer[16384];
    for (ssize_t n; spawned == 0 && (n = read(fds[0], buffer, sizeof buffer)) > 0;) {
      out.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    if (spawned != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      state.SkipWithError("curl command failed");
      break;
    }
    auto task = nlohmann::json::parse(out, nullptr, false);
    samples.stop();
    if (task.is_discarded() || task["buttons"].size() != 9) {
      state.SkipWithError("curl command returned something else");
      break;
    }
    benchmark::DoNotOptimize(task);
  }
  rusage after{};
  getrusage(RUSAGE_CHILDREN, &after);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  const double child_cpu = seconds(after.ru_utime) - seconds(before.ru_utime) +
                           seconds(after.ru_stime) - seconds(before.ru_stime);
  samples.report(state, "");
  state.counters["child_cpu_mean_ns"] =
      state.iterations() ? child_cpu * 1e9 / static_cast<double>(state.iterations()) : 0;
}
BENCHMARK(FetchTask_CurlCommand)->Name("FetchTask/CurlCommand")->UseRealTime();

// ---- 5. submits from 8 threads ---------------------------------------------------------------

constexpr int kThreads = 8;
// A fixed, modest number of submits per run: each submit on a new connection leaves a TIME_WAIT
// socket behind for 60 s, and the ephemeral ports are ~28,000. 8 x 150 per repetition keeps a
// whole bench/run near 12,000 such sockets.
constexpr int kSubmitsPerThread = 150;
std::unique_ptr<cometapi::CometClient> g_shared;

void make_shared_client(const benchmark::State&) {
  g_shared = std::make_unique<cometapi::CometClient>(client_options());
}
void drop_shared_client(const benchmark::State&) { g_shared.reset(); }

void Submit_Sdk(benchmark::State& state) {
  cometapi::ImagineRequest request;
  request.prompt = kPrompt;
  for (auto _ : state) {
    auto submitted = g_shared->submit_imagine(request);
    if (!submitted || submitted->result.empty()) {
      state.SkipWithError("submit_imagine failed");
      break;
    }
    benchmark::DoNotOptimize(submitted);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(Submit_Sdk)
    ->Name("Submit/Sdk")
    ->Threads(kThreads)
    ->UseRealTime()
    ->Iterations(kSubmitsPerThread)
    ->Setup(make_shared_client)
    ->Teardown(drop_shared_client);

// fresh: a new connection per submit, as the SDK does (see Submit/RawCurlFresh).
void submit_raw(benchmark::State& state, bool fresh) {
  RawCurl raw;
  raw.fresh_connections(fresh);
  const std::string url = g_base_url + "/mj/submit/imagine";
  for (auto _ : state) {
    raw.post(url, nlohmann::json{{"prompt", kPrompt}}.dump());
    auto answer = raw.perform();
    if (!answer || (*answer)["code"] != 1) {
      state.SkipWithError("raw curl submit failed");
      break;
    }
    benchmark::DoNotOptimize(answer);
  }
  state.SetItemsProcessed(state.iterations());
}

void Submit_RawCurl(benchmark::State& state) { submit_raw(state, false); }
BENCHMARK(Submit_RawCurl)
    ->Name("Submit/RawCurl")
    ->Threads(kThreads)
    ->UseRealTime()
    ->Iterations(kSubmitsPerThread);

// The SDK sends every submit on a new connection: libcurl silently re-sends a request whose
// reused connection closed without an answer, which for a submit could create (and bill) the job
// twice. This is the raw loop with the same policy, to tell that cost from the SDK's own.
void Submit_RawCurlFresh(benchmark::State& state) { submit_raw(state, true); }
BENCHMARK(Submit_RawCurlFresh)
    ->Name("Submit/RawCurlFresh")
    ->Threads(kThreads)
    ->UseRealTime()
    ->Iterations(kSubmitsPerThread);

// ---- instructions per call (run under callgrind by bench/run) --------------------------------

// Machine-independent: the same count on a busy machine as on an idle one. bench/run runs
// `--instructions=sdk|raw --calls=N` under valgrind --tool=callgrind with --toggle-collect on
// these two functions and divides the "Collected" count by N.
__attribute__((noinline)) int instruction_loop_sdk(const cometapi::CometClient& client, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    auto task = client.fetch_task(kTaskId);
    ok += task && task->buttons.size() == 9 ? 1 : 0;
  }
  return ok;
}

__attribute__((noinline)) int instruction_loop_raw(RawCurl& raw, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    auto task = raw.perform();
    ok += task && (*task)["buttons"].size() == 9 ? 1 : 0;
  }
  return ok;
}

int instructions_mode(const std::string& mode, int calls) {
  cometapi::CometClient client(client_options());
  RawCurl raw;
  raw.get(fetch_url());
  const bool sdk = mode == "sdk";
  if (!sdk && mode != "raw") {
    std::cerr << "--instructions must be sdk or raw\n";
    return 2;
  }
  // Warm-up outside the measured function: connection, first-call allocations.
  for (int i = 0; i < 5; ++i) {
    if (sdk ? !client.fetch_task(kTaskId) : !raw.perform()) {
      std::cerr << "warm-up call failed\n";
      return 1;
    }
  }
  const int ok = sdk ? instruction_loop_sdk(client, calls) : instruction_loop_raw(raw, calls);
  std::cout << ok << " of " << calls << " calls ok\n";
  return ok == calls ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Our own flag first; Google Benchmark rejects flags it does not know.
  std::vector<char*> rest;
  std::string instructions;
  int calls = 300;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--server_url=", 13) == 0) {
      g_base_url = argv[i] + 13;
    } else if (std::strncmp(argv[i], "--instructions=", 15) == 0) {
      instructions = argv[i] + 15;
    } else if (std::strncmp(argv[i], "--calls=", 8) == 0) {
      calls = std::atoi(argv[i] + 8);
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_base_url.empty()) {
    if (const char* env = std::getenv("COMETAPI_BENCH_URL")) g_base_url = env;
  }
  if (g_base_url.empty()) {
    std::cerr << "usage: " << argv[0] << " --server_url=http://127.0.0.1:PORT [benchmark flags]\n"
              << "       " << argv[0]
              << " --server_url=URL --instructions=sdk|raw [--calls=N]  (under callgrind)\n"
              << "  (start cometapi_bench_server first; or set COMETAPI_BENCH_URL)\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (!instructions.empty()) return instructions_mode(instructions, calls);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
