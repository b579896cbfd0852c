#include "context.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "cometapi/version.hpp"
#include "progress.hpp"
#include "terminal.hpp"

namespace cometmj {

namespace {

std::atomic<int> g_signal{0};

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

cometapi::Error make_error(cometapi::ErrorKind kind, std::string message) {
  cometapi::Error error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

int exit_code_for(const cometapi::Error& error) {
  using cometapi::ErrorKind;
  switch (error.kind) {
    case ErrorKind::InvalidArgument:
      return kExitUsage;
    case ErrorKind::Authentication:
    case ErrorKind::PermissionDenied:
      return kExitAuth;
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
    case ErrorKind::RateLimited:
    case ErrorKind::Server:
    case ErrorKind::ResponseInvalid:
    case ErrorKind::DeadlineExceeded:
    case ErrorKind::Stalled:
      return kExitService;
    case ErrorKind::Cancelled:
      return kExitInterrupted;
    case ErrorKind::ApiRefused:
    case ErrorKind::BannedPrompt:
    case ErrorKind::TaskFailed:
    case ErrorKind::NotFound:
      return kExitTaskFailed;
  }
  return kExitTaskFailed;
}

void Interrupts::install() {
  (void)token();  // constructed here, before the signal thread can touch it
  terminal::on_interrupt([](int signal) {
    // A second Ctrl-C means "now": the first may be stuck behind an HTTP call (up to 60 s).
    if (g_signal.exchange(signal) != 0) std::_Exit(128 + signal);
    token().cancel();
  });
}

const cometapi::CancellationToken& Interrupts::token() {
  // Never destroyed: the signal thread may still use it while the process exits.
  static const auto* token = new cometapi::CancellationToken();
  return *token;
}

int Interrupts::signal() { return g_signal.load(); }

Context::Context(GlobalOptions options)
    : options_(std::move(options)), out_(options_.json, options_.quiet) {
  const auto timeout = std::chrono::milliseconds(
      static_cast<long long>(std::max(0.001, options_.timeout_s) * 1000.0));
  deadline_ = std::chrono::steady_clock::now() + timeout;
  if (options_.verbose) out_.disable_bar();
}

std::optional<cometapi::CometClient> Context::client(int* exit_code) {
  if (client_) return client_;
  cometapi::ClientOptions options;
  options.api_key = !options_.key.empty() ? options_.key : env("COMETAPI_KEY");
  if (options.api_key.empty()) {
    out_.error("no API key: pass --key KEY or set COMETAPI_KEY (or run against `cometmj sim`)");
    *exit_code = kExitAuth;
    return std::nullopt;
  }
  std::string base_url = !options_.base_url.empty() ? options_.base_url : env("COMETAPI_BASE_URL");
  // A pasted URL often ends in '/'; the SDK wants scheme://host[:port] only.
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  if (!base_url.empty()) options.base_url = base_url;
  if (options_.mode == "fast") options.mode = cometapi::Mode::Fast;
  if (options_.mode == "relax") options.mode = cometapi::Mode::Relax;
  if (options_.mode == "turbo") options.mode = cometapi::Mode::Turbo;
  // --timeout bounds the whole command, so one HTTP attempt may not outlast it either.
  const auto total = std::chrono::milliseconds(
      static_cast<long long>(std::max(0.001, options_.timeout_s) * 1000.0));
  options.request_timeout = std::min(options.request_timeout, total);
  options.connect_timeout = std::min(options.connect_timeout, total);
  options.user_agent_suffix = std::string("cometmj/") + cometapi::kVersion;
  if (options_.verbose) {
    // The SDK redacts the key in every trace line.
    options.trace = [](std::string_view line) {
      std::fprintf(stderr, "trace: %.*s\n", static_cast<int>(line.size()), line.data());
    };
  }
  auto created = cometapi::CometClient::create(std::move(options));
  if (!created) {
    *exit_code = fail(created.error());
    return std::nullopt;
  }
  client_ = std::move(created).value();
  return client_;
}

cometapi::WaitOptions Context::wait_options() const {
  cometapi::WaitOptions options;
  if (options_.poll_ms > 0) {
    // Only for simulators and tests: the real service syncs every ~15 s (design.md §8).
    options.first_poll = std::chrono::milliseconds(options_.poll_ms);
    options.max_interval = options.first_poll;
    options.backoff_factor = 1.0;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  options.timeout = std::max(left, std::chrono::milliseconds(1));
  options.cancel = Interrupts::token();
  return options;
}

cometapi::Result<cometapi::Task> Context::wait(const cometapi::CometClient& client,
                                               const std::string& task_id, const std::string& what,
                                               const cometapi::Task* known) {
  Progress progress(out_, task_id, what);
  if (known != nullptr) {
    progress.update(*known);
    using cometapi::TaskStatus;
    switch (known->status) {
      case TaskStatus::Success:
      case TaskStatus::Modal:
        return *known;
      case TaskStatus::Failure:
      case TaskStatus::Cancel: {
        cometapi::Error error =
            make_error(cometapi::ErrorKind::TaskFailed,
                       known->fail_reason.empty()
                           ? "task " + task_id + " ended with status " + known->status_text
                           : known->fail_reason);
        error.api_type = known->status_text;
        return error;
      }
      default:
        break;
    }
  }
  cometapi::WaitOptions options = wait_options();
  options.on_progress = [&progress](const cometapi::Task& task) { progress.update(task); };
  auto result = cometapi::TaskPoller(client, options).wait(task_id, options);
  progress.finish();
  if (!result) {
    cometapi::Error error = std::move(result).error();
    using cometapi::ErrorKind;
    // The job keeps running (and is paid for) on the service: say how to pick it up again.
    if (error.kind == ErrorKind::Cancelled || error.kind == ErrorKind::DeadlineExceeded ||
        error.kind == ErrorKind::Stalled) {
      error.message += "; the task may still finish: resume with `cometmj wait " + task_id + "`";
    }
    return error;
  }
  return result;
}

int Context::fail(const cometapi::Error& error) {
  out_.error(error.to_string());
  if (const int signal = Interrupts::signal(); signal != 0) return 128 + signal;
  return exit_code_for(error);
}

int Context::usage(const std::string& message) {
  out_.error(message + " (see cometmj --help)");
  return kExitUsage;
}

int Context::done(int code) const {
  if (const int signal = Interrupts::signal(); signal != 0) return 128 + signal;
  return code;
}

}  // namespace cometmj
