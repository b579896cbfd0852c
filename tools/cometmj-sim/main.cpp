// cometmj-sim: runs cometapi::testing::FakeCometServer until SIGINT or SIGTERM. Prints the base
// URL on one line on stdout once it accepts connections, so a script can read it and go.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cometapi/testing/fake_server.hpp"

namespace {

cometapi::testing::StallAt parse_stall(const std::string& at) {
  using cometapi::testing::StallAt;
  if (at == "not-synced") return StallAt::NotSynced;
  if (at == "submitted") return StallAt::Submitted;
  return StallAt::InProgress;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "CometAPI Midjourney simulator: a local fake of the /mj API, quirks and faults "
      "included (see docs/simulator.md)"};
  cometapi::testing::FakeServerOptions options;
  std::vector<std::string> keys;
  std::vector<std::string> banned;
  std::vector<std::string> fail_prompts;
  std::vector<std::string> stall_prompts;
  std::string stall_at = "in-progress";
  long long sync_ms = options.sync_delay.count();
  long long submitted_ms = options.submitted_for.count();
  long long progress_ms = options.in_progress_for.count();
  long long slow_ms = options.slow_delay.count();
  long long retry_after_s = options.retry_after.count();
  bool quiet = false;
  bool verbose = false;

  app.add_option("--port", options.port, "TCP port on 127.0.0.1 (0 = pick a free one)")
      ->capture_default_str();
  app.add_option("--key", keys, "accepted API key; repeat for several users (default sk-test)");
  app.add_option("--speed", options.speed, "simulated-time multiplier (10 = ten times faster)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--manual-clock", options.manual_clock,
               "time moves only with POST /_sim/advance?ms=N");
  app.add_option("--faults", options.faults,
                 "random faults, e.g. 500=0.05,502=0.02,503=0.02,429=0.05,drop=0.03,"
                 "truncate=0.02,slow=0.01");
  app.add_option("--seed", options.seed, "seed for hashes, ids, list order and faults")
      ->capture_default_str();
  app.add_option("--sync-ms", sync_ms, "simulated ms a task shows status \"\" (not synced)")
      ->capture_default_str();
  app.add_option("--submitted-ms", submitted_ms, "simulated ms in SUBMITTED")
      ->capture_default_str();
  app.add_option("--progress-ms", progress_ms, "simulated ms in IN_PROGRESS")
      ->capture_default_str();
  app.add_option("--slow-ms", slow_ms, "real ms a 'slow' fault waits")->capture_default_str();
  app.add_option("--retry-after", retry_after_s, "Retry-After seconds of 429/503 faults")
      ->capture_default_str();
  app.add_option("--ban", banned, "banned word (answers code 24); repeatable")
      ->default_str("bannedword");
  app.add_option("--fail-prompt", fail_prompts, "prompts containing this text end in FAILURE");
  app.add_option("--stall-prompt", stall_prompts, "prompts containing this text never finish");
  app.add_option("--stall-at", stall_at, "where stalled tasks stop")
      ->check(CLI::IsMember({"not-synced", "submitted", "in-progress"}))
      ->capture_default_str();
  app.add_flag("--remix", options.remix, "account remix mode: variation/reroll/pan go MODAL");
  app.add_flag("--quiet", quiet, "do not print the base URL");
  app.add_flag("--verbose,-v", verbose, "log each request to stderr");
  CLI11_PARSE(app, argc, argv);

  if (!keys.empty()) options.api_keys = keys;
  if (!banned.empty()) options.banned_words = banned;
  options.sync_delay = std::chrono::milliseconds(sync_ms);
  options.submitted_for = std::chrono::milliseconds(submitted_ms);
  options.in_progress_for = std::chrono::milliseconds(progress_ms);
  options.slow_delay = std::chrono::milliseconds(slow_ms);
  options.retry_after = std::chrono::seconds(retry_after_s);
  if (verbose) {
    options.on_request = [](const cometapi::testing::RequestRecord& r) {
      std::fprintf(stderr, "%s %s -> %d%s%s\n", r.method.c_str(), r.path.c_str(), r.status,
                   r.fault == cometapi::testing::FaultKind::None ? "" : " fault ",
                   r.fault == cometapi::testing::FaultKind::None
                       ? ""
                       : std::string(cometapi::testing::to_string(r.fault)).c_str());
    };
  }

  // Block the signals before any thread starts, so every server thread inherits the mask and
  // the main thread alone receives them through sigwait().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    cometapi::testing::FakeCometServer server(options);
    for (const auto& p : fail_prompts) server.fail_prompt(p);
    for (const auto& p : stall_prompts) server.stall_prompt(p, parse_stall(stall_at));
    server.start();
    if (!quiet) std::cout << server.base_url() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "cometmj-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
