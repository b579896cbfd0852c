// `cometmj sim`: the simulator as a foreground process, for trying the tool or an application
// without a key or a bill.
#include "sim_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>

#include "cometapi/testing/fake_server.hpp"
#include "commands.hpp"

namespace cometmj {
namespace {

using cometapi::testing::FakeServerOptions;
using std::chrono::milliseconds;

milliseconds seconds_to_ms(double s) { return milliseconds(static_cast<long long>(s * 1000.0)); }

cometapi::testing::StallAt parse_stall(const std::string& at) {
  using cometapi::testing::StallAt;
  if (at == "not-synced") return StallAt::NotSynced;
  if (at == "submitted") return StallAt::Submitted;
  return StallAt::InProgress;
}

FakeServerOptions server_options(const SimArgs& args) {
  FakeServerOptions o;
  if (!args.keys.empty()) o.api_keys = args.keys;
  o.port = args.port;
  o.speed = args.speed;
  o.manual_clock = args.manual_clock;
  o.flavour = cometapi::testing::parse_flavour(args.flavour);
  o.faults = args.faults;
  o.seed = args.seed;
  o.concurrency = args.concurrency;
  o.queue_size = args.queue;
  o.rewrite_queued_code = !args.show_queued_code;
  o.modal_lag = seconds_to_ms(args.modal_lag_s);
  o.sync_period = seconds_to_ms(args.sync_period_s);
  o.sync_delay = milliseconds(args.sync_ms);
  o.submitted_for = milliseconds(args.submitted_ms);
  o.in_progress_for = milliseconds(args.progress_ms);
  o.slow_delay = milliseconds(args.slow_ms);
  o.retry_after = std::chrono::seconds(args.retry_after_s);
  if (!args.banned.empty()) o.banned_words = args.banned;
  o.remix = args.remix;
  o.hook_out_of_order = args.hook_out_of_order;
  o.hook_repeats = args.hook_repeats;
  if (args.realistic) {
    // The live service's pace: a job takes about a minute, the gateway syncs every 15 s.
    if (!args.set_speed) o.speed = 1;
    if (!args.set_sync_period) o.sync_period = std::chrono::seconds(15);
    if (!args.set_submitted) o.submitted_for = std::chrono::seconds(5);
    if (!args.set_progress) o.in_progress_for = std::chrono::seconds(45);
  }
  return o;
}

}  // namespace

CLI::App* add_sim_command(CLI::App& app, SimArgs& a) {
  CLI::App* sim =
      app.add_subcommand("sim", "Run the simulator in the foreground (first stdout line: its URL)");
  sim->add_option("--port", a.port, "Port on 127.0.0.1 (0 = any free port)")
      ->check(CLI::Range(0, 65535));
  sim->add_option("--accept-key", a.keys, "Accepted API key; repeatable (default sk-test)");
  sim->add_option_function<double>(
         "--speed", [&a](double v) { a.speed = v, a.set_speed = true; },
         "Simulated-time multiplier (10 = ten times faster; default 1)")
      ->check(CLI::PositiveNumber);
  sim->add_flag("--manual-clock", a.manual_clock, "Time moves only with POST /_sim/advance?ms=N");
  sim->add_flag("--realistic", a.realistic,
                "The live pace: speed 1, a 15 s gateway sync, ~50 s jobs (flags given win)");
  sim->add_option("--flavour", a.flavour, "Upstream behind the gateway: novicezk or trueai")
      ->check(CLI::IsMember({"novicezk", "trueai"}));
  sim->add_option("--faults", a.faults,
                  "Random faults, kind=probability,... (e.g. 500=0.05,429=0.05,drop=0.02,"
                  "do_request_failed=0.01); kinds in docs/simulator.md");
  sim->add_option("--seed", a.seed, "Seed of ids, hashes, list order and faults (default 1)");
  sim->add_option("--concurrency", a.concurrency, "Jobs running at once per key (default 3)")
      ->check(CLI::PositiveNumber);
  sim->add_option("--queue", a.queue,
                  "Jobs waiting per key beyond those (default 10); more are refused (code 23/9)")
      ->check(CLI::NonNegativeNumber);
  sim->add_flag("--show-queued-code", a.show_queued_code,
                "Answer a queued submit with the upstream's code 22 (the gateway says 1)");
  sim->add_option_function<double>(
         "--modal-lag", [&a](double v) { a.modal_lag_s = v, a.set_modal_lag = true; },
         "Seconds fetch still shows MODAL after /submit/modal (default 3)")
      ->check(CLI::NonNegativeNumber);
  sim->add_option_function<double>(
         "--sync-period", [&a](double v) { a.sync_period_s = v, a.set_sync_period = true; },
         "Seconds between the gateway's bulk syncs; fetch shows the last one (default 0: off)")
      ->check(CLI::NonNegativeNumber);
  sim->add_option("--sync-ms", a.sync_ms, "Simulated ms a new task shows status \"\" (300)");
  sim->add_option_function<long long>(
      "--submitted-ms", [&a](long long v) { a.submitted_ms = v, a.set_submitted = true; },
      "Simulated ms in SUBMITTED (300)");
  sim->add_option_function<long long>(
      "--progress-ms", [&a](long long v) { a.progress_ms = v, a.set_progress = true; },
      "Simulated ms in IN_PROGRESS (1200)");
  sim->add_option("--slow-ms", a.slow_ms, "Real ms a 'slow' fault waits (2000)");
  sim->add_option("--retry-after", a.retry_after_s, "Retry-After seconds of 429/503 faults (1)");
  sim->add_option("--fail-prompt", a.fail_prompts,
                  "Prompts containing WORD end in FAILURE; repeatable (default: boom)");
  sim->add_option("--stall-prompt", a.stall_prompts, "Prompts containing WORD never finish");
  sim->add_option("--stall-at", a.stall_at, "Where stalled tasks stop (in-progress)")
      ->check(CLI::IsMember({"not-synced", "submitted", "in-progress"}));
  sim->add_option("--ban", a.banned, "Banned word (submit answers code 24); default bannedword");
  sim->add_flag("--remix", a.remix, "The account has remix on: variation/reroll/pan go MODAL");
  sim->add_flag("--hook-out-of-order", a.hook_out_of_order,
                "Send the notifyHook payloads collected together newest first");
  sim->add_option("--hook-repeats", a.hook_repeats, "Send each notifyHook payload N more times")
      ->check(CLI::NonNegativeNumber);
  return sim;
}

int run_sim(Output& out, const SimArgs& args) {
  FakeServerOptions options;
  try {
    options = server_options(args);
  } catch (const std::invalid_argument& e) {
    out.error(e.what());
    return kExitUsage;
  }
  if (!out.quiet()) {
    // One line per request on stderr: the request log is what one watches a simulator for.
    options.on_request = [](const cometapi::testing::RequestRecord& record) {
      const bool fault = record.fault != cometapi::testing::FaultKind::None;
      std::fprintf(stderr, "sim: %s %s -> %d%s%s\n", record.method.c_str(), record.path.c_str(),
                   record.status, fault ? " fault " : "",
                   fault ? std::string(cometapi::testing::to_string(record.fault)).c_str() : "");
    };
  }
  const std::vector<std::string> fail_words =
      args.fail_prompts.empty() ? std::vector<std::string>{"boom"} : args.fail_prompts;
  std::unique_ptr<cometapi::testing::FakeCometServer> server;
  try {
    server = std::make_unique<cometapi::testing::FakeCometServer>(options);
    for (const std::string& word : fail_words) {
      if (!word.empty()) {
        server->fail_prompt(word, "Job failed: the simulator fails prompts containing \"" + word +
                                      "\" (cometmj sim --fail-prompt)");
      }
    }
    for (const std::string& word : args.stall_prompts) {
      server->stall_prompt(word, parse_stall(args.stall_at));
    }
    server->start();
  } catch (const std::invalid_argument& e) {
    out.error(std::string("bad simulator option: ") + e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    out.error(std::string("cannot start the simulator: ") + e.what());
    return kExitService;
  }
  // The first stdout line is the base URL and nothing else: scripts read it (scripts/demo).
  std::printf("%s\n", server->base_url().c_str());
  std::fflush(stdout);
  out.info("simulator listening on " + server->base_url() + " (key " + options.api_keys.front() +
           ", flavour " + args.flavour + "); Ctrl-C stops it. In another shell:");
  out.info("  export COMETAPI_BASE_URL=" + server->base_url() +
           " COMETAPI_KEY=" + options.api_keys.front() + " COMETMJ_POLL_MS=250");
  out.info("  cometmj imagine \"a red fox\"    # or \"" + fail_words.front() +
           "\" to see a task fail");
  const cometapi::CancellationToken& stop = Interrupts::token();
  while (!stop.cancelled()) stop.sleep_for(std::chrono::hours(1));
  server->stop();
  out.info("simulator stopped");
  // Ctrl-C is how a simulator is meant to end, so it is a success here.
  return kExitOk;
}

}  // namespace cometmj
