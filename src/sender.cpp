#include "sender.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <thread>

#include "cometapi/version.hpp"
#include "http/curl_transport.hpp"
#include "json/codec.hpp"

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

bool is_retryable_status(int status) { return status == 408 || status == 429 || status >= 500; }

// The gateway reports "could not reach the upstream" as HTTP 400 with code 5 and this text.
bool is_upstream_failure(const Error& error) {
  return error.http_status == 400 && error.api_code == 5 &&
         error.message.find("do_request_failed") != std::string::npos;
}

}  // namespace

std::string body_excerpt(const std::string& body) {
  constexpr std::size_t kMax = 1024;
  if (body.size() <= kMax) return body;
  // Do not cut a UTF-8 sequence in half.
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  return body.substr(0, end);
}

std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now) {
  using std::chrono::milliseconds;
  // Any value is clamped to a week before it becomes an integer: a server may send 1e300 or a
  // date in the year 9999, and converting those unchecked is undefined behaviour.
  static constexpr double kWeekMs = 7.0 * 24 * 3600 * 1000;
  const auto clamp_ms = [](double ms) {
    return milliseconds(static_cast<long long>(std::min(std::max(ms, 0.0), kWeekMs)));
  };
  if (auto ms = response.header("retry-after-ms")) {
    char* end = nullptr;
    const double value = std::strtod(ms->c_str(), &end);
    if (end != ms->c_str() && !std::isnan(value) && value >= 0) return clamp_ms(value);
  }
  if (auto text = response.header("retry-after")) {
    char* end = nullptr;
    const double seconds = std::strtod(text->c_str(), &end);
    if (end != text->c_str() && *end == '\0' && !std::isnan(seconds) && seconds >= 0) {
      return clamp_ms(seconds * 1000);
    }
    std::tm tm{};
    if (strptime(text->c_str(), "%a, %d %b %Y %H:%M:%S", &tm) != nullptr) {
      // Seconds between two time_t values, computed as doubles: no overflow for any year.
      const double delta = std::difftime(timegm(&tm), std::chrono::system_clock::to_time_t(now));
      return clamp_ms(delta * 1000);
    }
  }
  return std::nullopt;
}

Error error_from_response(const HttpResponse& response, std::chrono::system_clock::time_point now) {
  Error error;
  error.http_status = response.status;
  error.body = body_excerpt(response.body);
  const ErrorEnvelope envelope = decode_error_envelope(response.body);
  error.api_code = envelope.code;
  error.api_type = envelope.type;
  error.message = envelope.message;
  if (error.message.empty()) {
    error.message = "HTTP " + std::to_string(response.status);
    if (!envelope.recognised && !response.body.empty()) {
      error.message += ": " + body_excerpt(response.body).substr(0, 200);
    }
  }
  const int status = response.status;
  if (status == 401) {
    error.kind = ErrorKind::Authentication;
  } else if (status == 403) {
    error.kind = ErrorKind::PermissionDenied;
  } else if (status == 404) {
    error.kind = ErrorKind::NotFound;
  } else if (status == 408) {
    error.kind = ErrorKind::Timeout;
  } else if (status == 429) {
    error.kind = ErrorKind::RateLimited;
  } else if (status >= 500) {
    error.kind = ErrorKind::Server;
  } else if (envelope.message.rfind("task_no_found", 0) == 0 ||
             envelope.message.rfind("task_not_found", 0) == 0 ||
             envelope.message.rfind("midjourney_task_not_found", 0) == 0) {
    error.kind = ErrorKind::NotFound;
  } else if (is_upstream_failure(error)) {
    error.kind = ErrorKind::Server;
  } else if (status == 400 && envelope.code == 24) {
    error.kind = ErrorKind::BannedPrompt;
  } else {
    error.kind = ErrorKind::ApiRefused;
  }
  error.retry_after = retry_after_from(response, now);
  return error;
}

Sender::Sender(ClientOptions options, std::shared_ptr<HttpTransport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  user_agent_ = std::string("cometapi-cpp/") + kVersion + " " + curl_version_token();
  if (!options_.user_agent_suffix.empty()) user_agent_ += " " + options_.user_agent_suffix;
  prefix_ = mode_prefix(options_.mode);
  bearer_ = "Bearer " + options_.api_key;
  std::random_device seed;
  rng_.seed((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
}

std::string Sender::url_for(const std::string& path) const {
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + prefix_ + path;
}

void Sender::redact(Error& error) const {
  for (std::string* text : {&error.message, &error.body, &error.api_type, &error.path}) {
    *text = redact_secret(std::move(*text), options_.api_key);
  }
}

void Sender::trace(const std::string& line) const {
  if (options_.trace) options_.trace(redact_secret(line, options_.api_key));
}

std::chrono::milliseconds Sender::backoff(int retry) const {
  const RetryOptions& retry_options = options_.retry;
  const double base = static_cast<double>(retry_options.initial_backoff.count()) *
                      std::pow(2.0, std::min(retry, 30));
  const double capped = std::min(base, static_cast<double>(retry_options.max_backoff.count()));
  double jitter = 0;
  {
    std::lock_guard<std::mutex> lock(rng_mutex_);
    jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }
  return std::chrono::milliseconds(static_cast<long long>(capped * (1.0 - 0.25 * jitter)));
}

void Sender::sleep(std::chrono::milliseconds duration) const {
  if (options_.retry.sleeper) {
    options_.retry.sleeper(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

Result<HttpResponse> Sender::send(const Call& call) const {
  HttpRequest request;
  request.method = call.method;
  request.max_response_bytes =
      call.max_response_bytes ? call.max_response_bytes : options_.max_response_bytes;
  request.headers.emplace_back("User-Agent", user_agent_);
  if (call.absolute_url.empty()) {
    request.url = url_for(call.path);
    request.headers.emplace_back("Authorization", bearer_);
    request.headers.emplace_back("Accept", "application/json");
  } else {
    // Downloads go to whatever host the URL names (often a CDN): never send it the key.
    request.url = call.absolute_url;
    request.follow_redirects = true;
  }
  if (call.method == "POST") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body;
  }

  const bool submit = call.kind == CallKind::Submit;
  request.fresh_connection = submit;
  const int max_attempts = 1 + std::max(0, options_.retry.max_retries);
  for (int attempt = 1;; ++attempt) {
    const auto started = std::chrono::steady_clock::now();
    if (options_.trace) {
      trace(call.method + " " + request.url + " (attempt " + std::to_string(attempt) + ")");
    }
    TransportResult sent = transport_->send(request);
    if (options_.trace) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      trace(sent.response ? "HTTP " + std::to_string(sent.response->status) + " after " +
                                std::to_string(elapsed.count()) + " ms, " +
                                std::to_string(sent.response->body.size()) + " bytes"
                          : "no answer after " + std::to_string(elapsed.count()) +
                                " ms: " + sent.error.message);
    }
    Error error;
    bool retryable = false;
    if (sent.response) {
      HttpResponse& response = *sent.response;
      if (response.status >= 200 && response.status < 300) {
        response.attempts = attempt;
        return std::move(response);
      }
      error = error_from_response(response);
      if (response.status == 429) {
        // The gateway refuses before it creates anything: safe to retry even a submit.
        retryable = true;
      } else if (is_retryable_status(response.status)) {
        retryable = !submit || options_.retry.retry_ambiguous_submits;
        error.maybe_submitted = submit;
      } else if (submit && is_upstream_failure(error)) {
        error.maybe_submitted = true;
      }
    } else {
      const TransportError& failure = sent.error;
      error.message = failure.message;
      switch (failure.failure) {
        case TransportFailure::NotSent:
          error.kind = ErrorKind::Connection;
          retryable = true;
          break;
        case TransportFailure::Timeout:
          error.kind = ErrorKind::Timeout;
          retryable = !submit || options_.retry.retry_ambiguous_submits;
          error.maybe_submitted = submit;
          break;
        case TransportFailure::Dropped:
          error.kind = ErrorKind::Connection;
          retryable = !submit || options_.retry.retry_ambiguous_submits;
          error.maybe_submitted = submit;
          break;
        case TransportFailure::TooLarge:
          error.kind = ErrorKind::ResponseInvalid;
          error.maybe_submitted = submit;
          break;
        case TransportFailure::Other:
          error.kind = ErrorKind::Connection;
          break;
      }
    }
    error.attempts = attempt;
    error.method = call.method;
    error.path = call.absolute_url.empty() ? call.path : std::string();
    if (!retryable || attempt >= max_attempts) {
      redact(error);
      return error;
    }
    std::chrono::milliseconds delay = backoff(attempt - 1);
    if (error.retry_after && *error.retry_after <= options_.retry.max_retry_after) {
      delay = *error.retry_after;
    }
    if (options_.trace) {
      trace("retrying in " + std::to_string(delay.count()) + " ms after " + error.to_string());
    }
    sleep(delay);
  }
}

}  // namespace cometapi::detail
