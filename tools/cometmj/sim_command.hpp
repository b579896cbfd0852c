// `cometmj sim`: the simulator (cometapi::testing::FakeCometServer) as a foreground process. This
// is the one command line of the simulator: add_sim_command() defines every flag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace cometmj {

class Output;

struct SimArgs {
  int port = 0;
  std::vector<std::string> keys;  // accepted keys (default sk-test)
  double speed = 1.0;
  bool manual_clock = false;
  bool realistic = false;
  std::string flavour = "novicezk";
  std::string faults;
  std::uint64_t seed = 1;
  int concurrency = 3;
  int queue = 10;
  bool show_queued_code = false;
  double modal_lag_s = 3;
  double sync_period_s = 0;
  long long sync_ms = 300, submitted_ms = 300, progress_ms = 1200;
  long long slow_ms = 2000, retry_after_s = 1;
  std::vector<std::string> fail_prompts;  // default {"boom"}
  std::vector<std::string> stall_prompts;
  std::string stall_at = "in-progress";
  std::vector<std::string> banned;  // default {"bannedword"}
  bool remix = false;
  bool hook_out_of_order = false;
  int hook_repeats = 0;
  // Which of the --realistic values were set on the command line (they win over it).
  bool set_speed = false, set_modal_lag = false, set_sync_period = false;
  bool set_submitted = false, set_progress = false;
};

// Adds the `sim` subcommand and its flags to `app`, writing into `args` when parsed.
CLI::App* add_sim_command(CLI::App& app, SimArgs& args);
// Runs the simulator until Ctrl-C (or SIGTERM).
int run_sim(Output& out, const SimArgs& args);

}  // namespace cometmj
