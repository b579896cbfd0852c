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
    case ErrorKind::QuotaExhausted:
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
    case ErrorKind::LocalFile:
      return kExitTaskFailed;
  }
  return kExitTaskFailed;
}

void Interrupts::install() {
  (void)token();  // constructed here, before the signal thread can touch it
  terminal::on_interrupt([](int signal) {
    // The token reaches the HTTP call in flight too, so the first signal is enough.
    g_signal.store(signal);
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

cometapi::CallOptions Context::call() const {
  cometapi::CallOptions call;
  call.cancel = Interrupts::token();
  call.deadline = deadline_;  // --timeout bounds the whole command, HTTP calls included
  return call;
}

namespace {

// "service unreachable", "rate limited" ...: what a retried poll ran into, in a few words.
std::string trouble(const cometapi::Error& error) {
  using cometapi::ErrorKind;
  switch (error.kind) {
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
      return "service unreachable";
    case ErrorKind::RateLimited:
      return "rate limited";
    case ErrorKind::Server:
      return "service error" +
             (error.http_status ? " (HTTP " + std::to_string(error.http_status) + ")" : "");
    default:
      return "unreadable answer";
  }
}

}  // namespace

cometapi::WaitOptions Context::wait_options() {
  cometapi::WaitOptions options;
  if (options_.poll_ms > 0) {
    // Only for simulators and tests: the real service syncs every ~15 s.
    options.first_poll = std::chrono::milliseconds(options_.poll_ms);
    options.max_interval = options.first_poll;
    options.backoff_factor = 1.0;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  options.timeout = std::max(left, std::chrono::milliseconds(1));
  options.cancel = Interrupts::token();
  options.on_retry = [this](const cometapi::Error& error, int failures) {
    out_.info(trouble(error) + ", retrying (attempt " + std::to_string(failures + 1) +
              "): " + error.to_string());
  };
  return options;
}

namespace {

// The job keeps running (and is paid for) on the service: say how to pick it up again.
cometapi::Error with_resume_hint(cometapi::Error error) {
  using cometapi::ErrorKind;
  if (!error.task_id.empty() &&
      (error.kind == ErrorKind::Cancelled || error.kind == ErrorKind::DeadlineExceeded ||
       error.kind == ErrorKind::Stalled)) {
    error.message +=
        "; the task may still finish: resume with `cometmj wait " + error.task_id + "`";
  }
  return error;
}

}  // namespace

cometapi::Result<cometapi::Task> Context::wait(const cometapi::CometClient& client,
                                               const std::string& task_id, const std::string& what,
                                               const cometapi::Task* known) {
  Progress progress(out_, task_id, what);
  if (known != nullptr) {
    progress.update(*known);
    if (auto outcome = cometapi::task_outcome(*known)) return std::move(*outcome);
  }
  cometapi::WaitOptions options = wait_options();
  options.on_progress = [&progress](const cometapi::Task& task) { progress.update(task); };
  auto result = cometapi::TaskPoller(client, options).wait(task_id, options);
  progress.finish();
  return result;
}

cometapi::PressOptions Context::press_options(const std::string& what,
                                              std::optional<std::string> state) {
  cometapi::PressOptions options;
  options.state = std::move(state);
  options.wait = wait_options();
  options.wait->on_progress = [this](const cometapi::Task& task) {
    if (press_progress_) press_progress_->update(task);
  };
  options.on_submitted = [this, what](const std::string& id) {
    // Printed before any waiting: a Ctrl-C or a failure never hides a task that may cost money.
    if (press_progress_) press_progress_->finish();
    out_.info(what + " submitted: task " + id);
    press_progress_ = std::make_shared<Progress>(out_, id, what);
  };
  return options;
}

void Context::finish_press() {
  if (press_progress_) press_progress_->finish();
  press_progress_.reset();
}

int Context::fail(const cometapi::Error& raw) {
  const cometapi::Error error = with_resume_hint(raw);
  out_.error(error.to_string());
  if (out_.json()) {
    Json object = {{"kind", cometapi::to_string(error.kind)}, {"message", error.message}};
    if (!error.task_id.empty()) object["task_id"] = error.task_id;
    if (error.http_status != 0) object["http_status"] = error.http_status;
    if (error.api_code != 0) object["code"] = error.api_code;
    if (error.maybe_submitted) object["maybe_submitted"] = true;
    out_.print_json(Json{{"error", object}});
  }
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
