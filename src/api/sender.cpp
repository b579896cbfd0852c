#include "api/sender.hpp"

#include <algorithm>
#include <cmath>

#include "cometapi/version.hpp"
#include "core/redact.hpp"
#include "http/curl_transport.hpp"

namespace cometapi::detail {

namespace {

const char* mode_prefix(Mode mode) {
  switch (mode) {
    case Mode::Fast:
      return "/mj-fast";
    case Mode::Relax:
      return "/mj-relax";
    case Mode::Turbo:
      return "/mj-turbo";
    case Mode::Default:
      break;
  }
  return "";
}

using std::chrono::milliseconds;

milliseconds until(const Clock& clock, Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - clock.now());
}

Error deadline_exceeded(const Call& call, const Error* last) {
  Error error;
  error.kind = ErrorKind::DeadlineExceeded;
  error.message = "the call's deadline passed";
  if (last) {
    error.message += "; last error: " + last->to_string();
    error.maybe_submitted = last->maybe_submitted;
    error.http_status = last->http_status;
  }
  error.method = call.method;
  return error;
}

}  // namespace

Sender::Sender(ClientOptions options, std::shared_ptr<HttpTransport> transport,
               std::shared_ptr<const Clock> clock)
    : options_(std::move(options)), transport_(std::move(transport)), clock_(std::move(clock)) {
  user_agent_ = std::string("cometapi-cpp/") + kVersion + " " + curl_version_token();
  if (!options_.user_agent_suffix.empty()) user_agent_ += " " + options_.user_agent_suffix;
  base_ = options_.base_url;
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  base_ += mode_prefix(options_.mode);
  bearer_ = "Bearer " + options_.api_key;
  std::random_device seed;
  rng_.seed((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
}

void Sender::redact(Error& error) const {
  for (std::string* text : {&error.message, &error.body, &error.api_type, &error.path}) {
    *text = redact_secret(std::move(*text), options_.api_key);
  }
}

void Sender::describe(Error& error, const Call& call, const HttpResponse& response) const {
  error.method = call.method;
  error.path = call.absolute_url.empty() ? call.path : std::string();
  error.attempts = response.attempts;
  if (error.http_status == 0) error.http_status = response.status;
  redact(error);
}

void Sender::trace(const std::string& line) const {
  if (options_.trace) options_.trace(redact_secret(line, options_.api_key));
}

milliseconds Sender::backoff(int retry) const {
  const RetryOptions& retry_options = options_.retry;
  const double base = static_cast<double>(retry_options.initial_backoff.count()) *
                      std::pow(2.0, std::min(retry, 30));
  const double capped = std::min(base, static_cast<double>(retry_options.max_backoff.count()));
  double jitter = 0;
  {
    std::lock_guard<std::mutex> lock(rng_mutex_);
    jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }
  return milliseconds(static_cast<long long>(capped * (1.0 - 0.25 * jitter)));
}

Result<HttpResponse> Sender::send(Call call, const CallOptions& call_options) const {
  HttpRequest request;
  request.method = call.method;
  request.max_response_bytes =
      call.max_response_bytes ? call.max_response_bytes : options_.max_response_bytes;
  request.headers.reserve(4);
  request.headers.emplace_back("User-Agent", user_agent_);
  if (call.absolute_url.empty()) {
    request.url = base_ + call.path;
    request.headers.emplace_back("Authorization", bearer_);
    request.headers.emplace_back("Accept", "application/json");
  } else {
    // Downloads go to whatever host the URL names (often a CDN): never send it the key.
    request.url = call.absolute_url;
    request.follow_redirects = true;
  }
  if (call.method == "POST") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(call.body);  // a blend's images are never copied
  }
  const CancellationToken* cancel = call_options.cancel ? &*call_options.cancel : nullptr;
  request.cancel = cancel;

  const bool submit = call.kind == CallKind::Submit;
  request.fresh_connection = submit;
  const int max_attempts = 1 + std::max(0, options_.retry.max_retries);
  const auto finish = [this, &call](Error error, int attempt) {
    error.attempts = attempt;
    error.method = call.method;
    error.path = call.absolute_url.empty() ? call.path : std::string();
    redact(error);
    return error;
  };
  for (int attempt = 1;; ++attempt) {
    if (cancel && cancel->cancelled()) {
      Error error;
      error.kind = ErrorKind::Cancelled;
      error.message = "cancelled before the request was sent";
      return finish(std::move(error), attempt - 1);
    }
    if (call_options.deadline) {
      const milliseconds left = until(*clock_, *call_options.deadline);
      if (left.count() <= 0) return finish(deadline_exceeded(call, nullptr), attempt - 1);
      request.time_left = left;
    }
    const auto started = std::chrono::steady_clock::now();
    if (options_.trace) {
      trace(call.method + " " + request.url + " (attempt " + std::to_string(attempt) + ")");
    }
    TransportResult sent = transport_->send(request);
    if (options_.trace) {
      const auto elapsed =
          std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
      trace(sent.response ? "HTTP " + std::to_string(sent.response->status) + " after " +
                                std::to_string(elapsed.count()) + " ms, " +
                                std::to_string(sent.response->body.size()) + " bytes"
                          : "no answer after " + std::to_string(elapsed.count()) +
                                " ms: " + sent.error.message);
    }
    Verdict verdict = sent.response ? judge_answer(call.kind, *sent.response, request.url)
                                    : judge_failure(call.kind, sent.error);
    if (verdict.ok) {
      sent.response->attempts = attempt;
      return std::move(*sent.response);
    }
    Error& error = verdict.error;
    // An attempt cut short by the call's own deadline is the deadline's failure, not a timeout.
    if (!sent.response && sent.error.failure == TransportFailure::Timeout &&
        call_options.deadline && until(*clock_, *call_options.deadline).count() <= 0) {
      return finish(deadline_exceeded(call, &error), attempt);
    }
    const bool retry =
        verdict.retry == Retry::Safe ||
        (verdict.retry == Retry::Ambiguous && (!submit || options_.retry.retry_ambiguous_submits));
    if (!retry || attempt >= max_attempts) return finish(std::move(error), attempt);

    milliseconds delay = backoff(attempt - 1);
    if (error.retry_after && *error.retry_after <= options_.retry.max_retry_after) {
      delay = *error.retry_after;
    }
    if (call_options.deadline && clock_->now() + delay >= *call_options.deadline) {
      return finish(deadline_exceeded(call, &error), attempt);
    }
    if (options_.trace) {
      trace("retrying in " + std::to_string(delay.count()) + " ms after " + error.to_string());
    }
    if (!clock_->sleep_until(clock_->now() + delay, cancel)) {
      Error cancelled;
      cancelled.kind = ErrorKind::Cancelled;
      cancelled.message = "cancelled while waiting to retry after: " + error.to_string();
      cancelled.maybe_submitted = error.maybe_submitted;
      return finish(std::move(cancelled), attempt);
    }
  }
}

}  // namespace cometapi::detail
