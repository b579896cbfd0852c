// What every cometmj subcommand shares: the global options, the client, the Ctrl-C handling, and
// the rule that turns an Error into an exit code.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "cometapi/cometapi.hpp"
#include "output.hpp"

namespace cometmj {

// The documented exit codes (docs/cli.md). Scripts branch on them, so they never change.
enum ExitCode : int {
  kExitOk = 0,
  kExitTaskFailed = 1,  // the task failed, or the service refused the request
  kExitUsage = 2,
  kExitAuth = 3,
  kExitService = 4,  // network or service trouble
  kExitInterrupted = 130,
};

// Which exit code an SDK error means.
int exit_code_for(const cometapi::Error& error);

// Options that every subcommand accepts (before or after the subcommand's name).
struct GlobalOptions {
  std::string base_url;
  std::string key;
  std::string mode;        // "", "fast", "relax", "turbo" or "default"
  double timeout_s = 900;  // total deadline of one command, its HTTP calls included (15 min)
  int poll_ms = 0;         // 0: the SDK's real schedule (2 s, x1.5, cap 15 s)
  bool json = false;
  bool quiet = false;
  bool verbose = false;  // trace every HTTP attempt on stderr
};

// Ctrl-C and SIGTERM, turned into a CancellationToken. The signals are blocked in every thread and
// taken by one thread with sigwait(), so cancel() (which locks a mutex) never runs in a signal
// handler. The token reaches every HTTP call and wait, so the first signal ends the command.
class Interrupts {
 public:
  // Call first thing in main(), before any other thread exists, so that every thread inherits the
  // blocked mask.
  static void install();
  static const cometapi::CancellationToken& token();
  // 0 when no signal came; else the signal number.
  static int signal();
};

// One command run: global options, output, and a client created on first use.
class Context {
 public:
  explicit Context(GlobalOptions options);

  const GlobalOptions& options() const { return options_; }
  Output& out() { return out_; }

  // The client, or the exit code after printing why it cannot be built (no key, bad URL).
  std::optional<cometapi::CometClient> client(int* exit_code);

  // For every SDK call: Ctrl-C cancels it, and --timeout bounds it.
  cometapi::CallOptions call() const;
  // For every wait: what is left of --timeout, Ctrl-C, --poll-interval, and a line per retried
  // poll ("service unreachable, retrying (attempt 2)").
  cometapi::WaitOptions wait_options();
  // Button presses through TaskPoller with the command's --state/--remix/--remix-prompt: the new
  // task's id is printed as soon as it is known (`what` names the press), then a progress display
  // runs until the press's wait ends. Call finish_press() after it.
  cometapi::PressOptions press_options(const std::string& what, std::optional<std::string> state);
  void finish_press();

  // Polls a task with a progress display until SUCCESS or MODAL. `what` names the job for the
  // display ("imagine", "U1 of 1732..."). Uses what is left of the command's deadline. A task
  // already fetched (`known`) is shown at once, and returned without polling when it is done.
  cometapi::Result<cometapi::Task> wait(const cometapi::CometClient& client,
                                        const std::string& task_id, const std::string& what,
                                        const cometapi::Task* known = nullptr);

  // Prints the error on one line (and, with --json, as {"error":{...}} on stdout) and returns its
  // exit code. Interruption wins over the error's own kind, so a Ctrl-C still exits 130.
  int fail(const cometapi::Error& error);
  // Prints a usage problem found after parsing and returns kExitUsage.
  int usage(const std::string& message);

  // Exit code for a finished command: 130 when a signal came meanwhile.
  int done(int code = kExitOk) const;

 private:
  GlobalOptions options_;
  Output out_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<cometapi::CometClient> client_;
  std::shared_ptr<class Progress> press_progress_;
};

cometapi::Error make_error(cometapi::ErrorKind kind, std::string message);

}  // namespace cometmj
